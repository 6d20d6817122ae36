// node trap-children.mjs <inherit|ignore> <wait|exit>
// Starts two children in its own process group that ignore SIGTERM (their stdout inherited or not), prints
// {"pids": [...]} once they are ready, then waits for ever or exits and leaves them behind.
import { spawn } from 'node:child_process';
import { setInterval } from 'node:timers';

const [role, after] = process.argv.slice(2);
if (role === 'child') {
  process.on('SIGTERM', () => undefined);
  process.send('ready');
  process.disconnect();
  setInterval(() => undefined, 1000);
} else {
  const output = role === 'inherit' ? 'inherit' : 'ignore';
  const stdio = ['ignore', output, output, 'ipc'];
  const children = [0, 1].map(() => spawn(process.execPath, [new URL(import.meta.url).pathname, 'child'], { stdio }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  process.stdout.write(`${JSON.stringify({ pids: [process.pid, ...children.map((child) => child.pid)] })}\n`);
  if (after === 'exit') process.exit(0);
  setInterval(() => undefined, 1000);
}
