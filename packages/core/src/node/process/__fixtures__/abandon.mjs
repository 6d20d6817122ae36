// A program that starts a process tree whose children ignore SIGTERM, prints their pids, unsubscribes and then
// simply ends: no shutdown(), a kill grace far longer than the test. Nothing may keep it alive, and nothing of
// the tree may survive it.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
const { createProcessSupervisor } = await import('../process-supervisor.ts');

const spec = {
  command: process.execPath,
  args: [new URL('trap-children.mjs', import.meta.url).pathname, 'ignore', 'wait'],
  cwd: process.cwd(),
  env: { ...process.env },
};
let text = '';
const subscription = createProcessSupervisor()
  .run(spec, { signal: new globalThis.AbortController().signal, killGraceMs: 600_000 })
  .subscribe((event) => {
    if (event.type !== 'output') return;
    text += event.text;
    if (!text.includes('\n')) return;
    process.stdout.write(text);
    subscription.unsubscribe();
  });
