import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES, isRunning, killAll, nodeScript, pidsOf, scratchDir, watch } from './__fixtures__/processes.js';
import { createProcessSupervisor } from './process-supervisor.js';

const GRACE_MS = 300;
const leftovers: number[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  killAll(leftovers);
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function logPath(name: string): Promise<string> {
  const { dir, cleanup } = await scratchDir();
  cleanups.push(cleanup);
  return join(dir, name);
}

async function pidsOfRun(run: ReturnType<typeof watch>): Promise<number[]> {
  const pids = await pidsOf(run);
  leftovers.push(...pids);
  return pids;
}

/** Polls until `condition` holds; the test's own timeout bounds it. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('createProcessSupervisor stopping', () => {
  it.each(['inherit', 'ignore'])(
    'stops a whole tree on abort, children that ignore SIGTERM included (their output %s)',
    async (childOutput) => {
      const supervisor = createProcessSupervisor();
      const controller = new AbortController();
      const logFile = await logPath('tree.log');
      const run = watch(supervisor.run(nodeScript('trap-children.mjs', [childOutput, 'wait']), { signal: controller.signal, killGraceMs: GRACE_MS, logFile }));
      const pids = await pidsOfRun(run);
      expect(supervisor.live).toBe(1);
      controller.abort();
      const result = await run.result;
      expect(result).toMatchObject({ stopped: true, exitCode: null, signal: 'SIGTERM' });
      expect(pids.filter(isRunning)).toEqual([]);
      expect(supervisor.live).toBe(0);
      const log = await readFile(logFile, 'utf8');
      expect(log).toContain(`--- stopping: SIGTERM sent to process group ${pids[0]} ---`);
      // With the children holding the output open, the log is still open when the SIGKILL comes.
      if (childOutput === 'inherit') expect(log).toContain(`--- still running ${GRACE_MS} ms after SIGTERM: SIGKILL sent to process group ${pids[0]} ---`);
    },
    10_000,
  );

  it('stops the tree on unsubscription too, escalating to SIGKILL without anyone waiting', async () => {
    const supervisor = createProcessSupervisor();
    const run = watch(supervisor.run(nodeScript('trap-children.mjs', ['inherit', 'wait']), { signal: new AbortController().signal, killGraceMs: GRACE_MS }));
    const pids = await pidsOfRun(run);
    run.subscription.unsubscribe();
    expect(supervisor.live).toBe(1);
    await until(() => supervisor.live === 0);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it('shutdown() stops what is running and resolves once every group is gone', async () => {
    const supervisor = createProcessSupervisor();
    const detached = watch(supervisor.run(nodeScript('trap-children.mjs', ['ignore', 'wait']), { signal: new AbortController().signal, killGraceMs: GRACE_MS }));
    const watched = watch(supervisor.run(nodeScript('ignore-stdin.mjs'), { signal: new AbortController().signal, killGraceMs: GRACE_MS }));
    const pids = await pidsOfRun(detached);
    expect(await watched.firstLine).toBe('ready');
    detached.subscription.unsubscribe();
    expect(supervisor.live).toBe(2);
    await supervisor.shutdown();
    expect(supervisor.live).toBe(0);
    expect(pids.filter(isRunning)).toEqual([]);
    expect(await watched.result).toMatchObject({ stopped: true, signal: 'SIGTERM' });
    const late = watch(supervisor.run(nodeScript('ignore-stdin.mjs'), { signal: new AbortController().signal }));
    expect(await late.result).toMatchObject({ stopped: true, exitCode: null, durationMs: 0 });
    expect(supervisor.live).toBe(0);
  });

  it('starts nothing when unsubscribed while its log is being opened', async () => {
    const supervisor = createProcessSupervisor();
    const logFile = await logPath('cancelled.log');
    const events: unknown[] = [];
    const subscription = supervisor.run(nodeScript('ignore-stdin.mjs'), { signal: new AbortController().signal, logFile }).subscribe((event) => events.push(event));
    subscription.unsubscribe();
    await supervisor.shutdown();
    expect(events).toEqual([]);
    expect(supervisor.live).toBe(0);
  });

  it('starts nothing when shut down while its log is being opened', async () => {
    const supervisor = createProcessSupervisor();
    const run = watch(supervisor.run(nodeScript('ignore-stdin.mjs'), { signal: new AbortController().signal, logFile: await logPath('shut.log') }));
    await supervisor.shutdown();
    expect(await run.result).toMatchObject({ stopped: true, exitCode: null, durationMs: 0 });
    expect(supervisor.live).toBe(0);
  });

  it('starts nothing when aborted while its log is being opened', async () => {
    const supervisor = createProcessSupervisor();
    const controller = new AbortController();
    const run = watch(supervisor.run(nodeScript('ignore-stdin.mjs'), { signal: controller.signal, logFile: await logPath('aborted.log') }));
    controller.abort();
    expect(await run.result).toMatchObject({ stopped: true, exitCode: null, durationMs: 0 });
  });

  it('stops a process that closed its output and keeps running', async () => {
    const supervisor = createProcessSupervisor();
    const controller = new AbortController();
    const run = watch(supervisor.run(nodeScript('close-output.mjs'), { signal: controller.signal, killGraceMs: GRACE_MS }));
    expect(await run.firstLine).toBe('closing');
    controller.abort();
    expect(await run.result).toMatchObject({ stopped: true, signal: 'SIGTERM', stdoutTail: 'closing\n' });
    expect(supervisor.live).toBe(0);
  });

  it('stops a process that never reads its stdin', async () => {
    const supervisor = createProcessSupervisor();
    const controller = new AbortController();
    const stdin = 'x'.repeat(4 * 1024 * 1024);
    const run = watch(supervisor.run(nodeScript('ignore-stdin.mjs', [], { stdin }), { signal: controller.signal, killGraceMs: GRACE_MS }));
    expect(await run.firstLine).toBe('ready');
    controller.abort();
    expect(await run.result).toMatchObject({ stopped: true, signal: 'SIGTERM' });
  });

  it('ends normally when a process exits without reading its stdin', async () => {
    const supervisor = createProcessSupervisor();
    const stdin = 'x'.repeat(4 * 1024 * 1024);
    const run = watch(supervisor.run(nodeScript('script.mjs', ['exit:0'], { stdin }), { signal: new AbortController().signal }));
    expect(await run.result).toMatchObject({ stopped: false, exitCode: 0 });
  });

  it('stops what a process leaves behind in its group when it exits by itself', async () => {
    const supervisor = createProcessSupervisor();
    const logFile = await logPath('leftovers.log');
    const run = watch(supervisor.run(nodeScript('trap-children.mjs', ['inherit', 'exit']), { signal: new AbortController().signal, killGraceMs: GRACE_MS, logFile }));
    const pids = await pidsOfRun(run);
    expect(await run.result).toMatchObject({ stopped: false, exitCode: 0, signal: null });
    expect(pids.filter(isRunning)).toEqual([]);
    expect(supervisor.live).toBe(0);
    const log = await readFile(logFile, 'utf8');
    expect(log).toContain(`--- the process exited but its group did not: SIGTERM sent to process group ${pids[0]} ---`);
    expect(log).toContain(`SIGKILL sent to process group ${pids[0]}`);
  });

  it.each([[[]], [['chatty']]])(
    'closes output held open by a process that left the group, once the group is gone and it is silent (%j)',
    async (args) => {
      const supervisor = createProcessSupervisor();
      const logFile = await logPath('escaped.log');
      const run = watch(supervisor.run(nodeScript('escape-group.mjs', args), { signal: new AbortController().signal, logFile }));
      const [escaped = 0] = await pidsOfRun(run);
      expect(await run.result).toMatchObject({ stopped: false, exitCode: 0 });
      expect(supervisor.live).toBe(0);
      expect(isRunning(escaped)).toBe(true);
      expect(await readFile(logFile, 'utf8')).toContain('output closed');
      if (args.length > 0) expect(run.stdout()).toContain('tick 5');
    },
  );

  it(
    'leaves no process behind when the program ends without awaiting shutdown()',
    async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [join(FIXTURES, 'abandon.mjs')], { cwd: FIXTURES, timeout: 20_000 });
      const pids = (JSON.parse(stdout) as { pids: number[] }).pids;
      leftovers.push(...pids);
      expect(pids).toHaveLength(3);
      expect(pids.filter(isRunning)).toEqual([]);
    },
    30_000,
  );
});
