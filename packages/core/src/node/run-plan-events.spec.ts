import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { readCheckpoint } from '@kazuba/toon';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { createPlanRun, runPlan } from './run-plan.js';
import { readRunEvents } from './store/read-run-events.js';
import { latestRunId } from './store/list-runs.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const plan = (...phases: Parameters<typeof writeShellPlan>[0]) => writeShellPlan(phases);

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

async function eventsOf(root: string, runId: string): Promise<readonly HypervisorEvent[]> {
  const read = await readRunEvents(root, runId);
  if (read === undefined) throw new Error(`run ${runId} has no event log`);
  return read.events;
}

const child = fileURLToPath(new URL('./__fixtures__/run-plan-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));

describe("createPlanRun's event log", () => {
  it('holds every event of the run but phase:output, in order, from run:started to run:finished', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'echo one' }, { id: 2, run: 'echo two >&2', dependsOn: [1] });
    const emitted = await lastValueFrom(createPlanRun(planDir, { root, runId: 'run-a' }).pipe(toArray()));
    expect(emitted.some((event) => event.type === 'phase:output')).toBe(true);
    const logged = await eventsOf(root, 'run-a');
    expect(logged).toEqual(emitted.filter((event) => event.type !== 'phase:output'));
    expect(logged.map((event) => event.type)).toEqual(['run:started', 'phase:queued', 'phase:started', 'phase:finished', 'phase:queued', 'phase:started', 'phase:finished', 'run:finished']);
    expect(await latestRunId(root)).toBe('run-a');
  });

  it('holds the events of a run cancelled through its signal', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30 & wait' }, { id: 2, run: 'true', dependsOn: [1] });
    const controller = new AbortController();
    const pending = runPlan(planDir, { root, runId: 'c', signal: controller.signal, killGraceMs: 200 });
    await waitFor(join(root, 'pid'));
    controller.abort();
    expect((await pending).outcome).toBe('cancelled');
    const logged = await eventsOf(root, 'c');
    expect(logged.map((event) => event.type)).toEqual(['run:started', 'phase:queued', 'phase:started', 'phase:finished', 'phase:finished', 'run:finished']);
    expect(logged.at(-1)).toMatchObject({ summary: { outcome: 'cancelled' } });
  });

  it('writes nothing in a dry run', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'true' });
    const told: string[] = [];
    await runPlan(planDir, { root, runId: 'dry', config: { mode: 'dry_run' }, onEventLogFailure: (message) => told.push(message) });
    expect(await readdir(root)).toEqual(['plan']);
    expect(await readRunEvents(root, 'dry')).toBeUndefined();
    expect(told).toEqual([]);
  });

  it('turns a log that cannot be written into one warning, and the run still succeeds', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'true' }, { id: 2, run: 'true', dependsOn: [1] });
    const path = join(root, '.hypervisor', 'runs', 'w', 'events.jsonl');
    await mkdir(path, { recursive: true });
    const told: string[] = [];
    const stopped: string[] = [];
    const summary = await runPlan(planDir, { root, runId: 'w', onEventLogFailure: (message) => told.push(message), onStorageFull: (message) => stopped.push(message) });
    expect(summary.outcome).toBe('succeeded');
    expect(told).toEqual([expect.stringMatching(new RegExp(`^cannot write the run's events to ${path}: EISDIR`))]);
    expect(stopped).toEqual([]);
    expect((await readCheckpoint(join(root, '.hypervisor/runs/w/run.toon'))).value).toMatchObject({ outcome: 'succeeded' });
  });

  // Linux's /dev/full answers every write with ENOSPC: a log linked to it is a log on a full disk.
  (existsSync('/dev/full') ? it : it.skip)('stops the run, as its storage guard does, when the log finds the disk full', async () => {
    const { root, planDir } = await plan({ id: 1, run: 'sleep 1' }, { id: 2, run: 'true', dependsOn: [1] });
    await mkdir(join(root, '.hypervisor', 'runs', 'full'), { recursive: true });
    await symlink('/dev/full', join(root, '.hypervisor', 'runs', 'full', 'events.jsonl'));
    const told: string[] = [];
    const stopped: string[] = [];
    const summary = await runPlan(planDir, { root, runId: 'full', onEventLogFailure: (message) => told.push(message), onStorageFull: (message) => stopped.push(message) });
    expect(summary.outcome).toBe('cancelled');
    expect(told).toEqual([]);
    expect(stopped).toEqual(['no space left on the device (ENOSPC): cannot write the event log; the run stopped, free some space and run it again to resume']);
  });

  it('keeps what a SIGKILLed hypervisor logged until a fraction of a second before its death', async () => {
    if (!existsSync(built)) throw new Error('build @kazuba/core first (nx test does): this test runs the built package');
    const { root, planDir } = await plan(
      { id: 1, run: 'true' },
      { id: 2, run: 'echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30', dependsOn: [1] },
      { id: 3, run: 'true', dependsOn: [1] },
    );
    const hypervisor = spawn(process.execPath, [child, planDir, root], { stdio: 'ignore' });
    await waitFor(join(root, 'pid'));
    await waitFor(join(root, 'checkpoints', 'phase_03.toon'));
    // Well past the log's 250 ms flush interval: everything emitted before now is on disk.
    await new Promise((resolve) => setTimeout(resolve, 750));
    const exited = new Promise((resolve) => hypervisor.once('exit', resolve));
    hypervisor.kill('SIGKILL');
    await exited;
    const orphan = Number(await readFile(join(root, 'pid'), 'utf8'));
    try {
      process.kill(-orphan, 'SIGKILL');
    } catch {
      process.kill(orphan, 'SIGKILL');
    }
    const logged = await eventsOf(root, 'crashed');
    const finished = logged.flatMap((event) => (event.type === 'phase:finished' ? [[event.phaseId, event.status]] : []));
    expect(finished.sort()).toEqual([[1, 'success'], [3, 'success']]);
    expect(logged.find((event) => event.type === 'phase:started' && event.phaseId === 2)).toBeDefined();
    expect(logged[0]?.type).toBe('run:started');
    expect(logged.some((event) => event.type === 'run:finished')).toBe(false);
    expect(await latestRunId(root)).toBe('crashed');
  }, 30_000);
});
