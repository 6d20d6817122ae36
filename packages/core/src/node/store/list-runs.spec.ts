import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCheckpoint } from '@kazuba/toon';
import { latestRunId, listRuns } from './list-runs.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function newRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-list-runs-'));
  roots.push(root);
  return root;
}

// A pid no process has: Linux pids stay below 2^22.
const DEAD_PID = 2 ** 30;

async function record(root: string, runId: string, startedAt: string, outcome: string, pid = process.pid): Promise<void> {
  const run = { kind: 'kazuba.hypervisor.run', run_id: runId, plan: 'demo', mode: 'parallel', started_at: startedAt, pid, updated_at: startedAt, breaker: 'closed', outcome, phases: [] };
  await writeCheckpoint(join(root, '.hypervisor', 'runs', runId, 'run.toon'), run);
}

describe('listRuns', () => {
  it('lists the runs with a readable record, newest start first, with their state', async () => {
    const root = await newRoot();
    await record(root, 'run-b', '2026-01-02T00:00:00.000Z', 'succeeded');
    await record(root, 'run-z-older', '2026-01-01T00:00:00.000Z', 'running', DEAD_PID);
    await record(root, 'run-a-newest', '2026-01-03T00:00:00.000Z', 'running');
    await record(root, 'run-c', 'not a time', 'failed');
    await mkdir(join(root, '.hypervisor', 'runs', 'no-record'), { recursive: true });
    const runs = await listRuns(root);
    expect(runs.map((run) => [run.runId, run.outcome, run.state])).toEqual([
      ['run-a-newest', 'running', 'live'],
      ['run-b', 'succeeded', 'ended'],
      ['run-z-older', 'running', 'crashed'],
      ['run-c', 'failed', 'ended'],
    ]);
    expect(runs[0]).toEqual({ runId: 'run-a-newest', dir: join(root, '.hypervisor', 'runs', 'run-a-newest'), plan: 'demo', startedAt: '2026-01-03T00:00:00.000Z', outcome: 'running', state: 'live' });
  });

  it('orders runs that started at the same time by run id, newest id first', async () => {
    const root = await newRoot();
    await record(root, 'run-20260101T000000Z-aaaaaa', '2026-01-01T00:00:00.000Z', 'failed');
    await record(root, 'run-20260101T000000Z-bbbbbb', '2026-01-01T00:00:00.000Z', 'failed');
    await record(root, 'run-20260101T000000Z-000000', '2026-01-01T00:00:00.000Z', 'failed');
    expect((await listRuns(root)).map((run) => run.runId)).toEqual(['run-20260101T000000Z-bbbbbb', 'run-20260101T000000Z-aaaaaa', 'run-20260101T000000Z-000000']);
  });
});

describe('latestRunId', () => {
  it('picks the run that started last, not the last by name', async () => {
    const root = await newRoot();
    expect(await latestRunId(root)).toBeUndefined();
    await record(root, 'zeta', '2026-01-01T00:00:00.000Z', 'succeeded');
    await record(root, 'alpha', '2026-03-01T00:00:00.000Z', 'cancelled');
    await record(root, 'mid', '2026-02-01T00:00:00.000Z', 'failed');
    expect(await latestRunId(root)).toBe('alpha');
  });
});
