import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isToonError, readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { RunRecorder, readPreviousBreaker } from './run-record.js';

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-run-record-'));
  scratchDirs.push(dir);
  return dir;
}

let seq = 0;
const at = <T extends object>(event: T): HypervisorEvent => ({ runId: 'run-7', seq: seq++, timestamp: 1_772_335_746_000, ...event }) as unknown as HypervisorEvent;

describe('RunRecorder', () => {
  it('keeps every phase state, the breaker and the outcome, rewritten after each transition', async () => {
    const path = join(await scratch(), 'runs', 'run-7', 'run.toon');
    const recorder = new RunRecorder(path);
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1, 2], mode: 'parallel', maxWorkers: 2 }));
    recorder.observe(at({ type: 'phase:queued', phaseId: 1 }));
    recorder.observe(at({ type: 'phase:started', phaseId: 1, attempt: 1 }));
    recorder.observe(at({ type: 'phase:output', phaseId: 1, attempt: 1, stream: 'stdout', text: 'ignored' }));
    await recorder.settled();
    expect((await readCheckpoint(path)).value).toMatchObject({ run_id: 'run-7', plan: 'demo', mode: 'parallel', outcome: 'running', phases: [{ phase_id: 1, status: 'running', attempts: 1 }, { phase_id: 2, status: 'pending', attempts: 0 }] });
    recorder.observe(at({ type: 'breaker:opened', consecutiveFailures: 5, cooldownMs: 60_000 }));
    recorder.observe(at({ type: 'mode:fell-back', from: 'parallel', to: 'sequential', reason: 'stalled' }));
    recorder.observe(at({ type: 'phase:finished', phaseId: 1, status: 'failed', attempts: 2, durationMs: 5 }));
    recorder.observe(at({ type: 'phase:finished', phaseId: 2, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 1 failed' }));
    recorder.observe(at({ type: 'phase:finished', phaseId: 99, status: 'skipped', attempts: 0, durationMs: 0 }));
    recorder.observe(at({ type: 'breaker:half-opened' }));
    recorder.observe(at({ type: 'run:finished', summary: { outcome: 'failed', durationMs: 5, countsByStatus: {}, phases: [] } }));
    await recorder.settled();
    expect((await readCheckpoint(path)).value).toMatchObject({
      mode: 'sequential',
      breaker: 'half-opened',
      outcome: 'failed',
      phases: [{ phase_id: 1, status: 'failed', attempts: 2 }, { phase_id: 2, status: 'skipped', reason: 'dependency 1 failed' }],
    });
  });

  it('writes when the breaker last opened, and keeps it while it half-opens and closes', async () => {
    const path = join(await scratch(), 'run.toon');
    const recorder = new RunRecorder(path);
    const record = async (): Promise<unknown> => (await recorder.settled(), (await readCheckpoint(path)).value);
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }));
    expect(await record()).not.toHaveProperty('breaker_opened_at');
    recorder.observe(at({ type: 'breaker:opened', consecutiveFailures: 5, cooldownMs: 60_000, timestamp: Date.parse('2026-03-01T10:00:00.000Z') }));
    expect(await record()).toMatchObject({ breaker: 'opened', breaker_opened_at: '2026-03-01T10:00:00.000Z' });
    recorder.observe(at({ type: 'breaker:half-opened', timestamp: Date.parse('2026-03-01T10:01:00.000Z') }));
    recorder.observe(at({ type: 'breaker:opened', consecutiveFailures: 6, cooldownMs: 60_000, timestamp: Date.parse('2026-03-01T10:01:30.000Z') }));
    recorder.observe(at({ type: 'breaker:half-opened', timestamp: Date.parse('2026-03-01T10:02:30.000Z') }));
    expect(await record()).toMatchObject({ breaker: 'half-opened', breaker_opened_at: '2026-03-01T10:01:30.000Z' });
    recorder.observe(at({ type: 'breaker:closed' }));
    expect(await record()).toMatchObject({ breaker: 'closed', breaker_opened_at: '2026-03-01T10:01:30.000Z' });
  });

  it.each<['open' | 'half-open', string]>([
    ['open', 'opened'],
    ['half-open', 'half-opened'],
  ])('keeps the opening of a breaker restored %s from an earlier run, so that resuming again does not extend the cool-down', async (state, written) => {
    const path = join(await scratch(), 'run.toon');
    const recorder = new RunRecorder(path);
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }));
    recorder.observe(at({ type: 'breaker:restored', state, fromRunId: 'run-6', openedAt: Date.parse('2026-03-01T09:59:00.000Z'), remainingMs: 0 }));
    await recorder.settled();
    expect((await readCheckpoint(path)).value).toMatchObject({ breaker: written, breaker_opened_at: '2026-03-01T09:59:00.000Z' });
  });

  it('writes the start at once, coalesces phase transitions until coalesceMs or a flush, and writes the outcome at once', async () => {
    const path = join(await scratch(), 'run.toon');
    const recorder = new RunRecorder(path, undefined, { coalesceMs: 600_000 });
    const statusOf = async (): Promise<unknown> => ((await readCheckpoint(path)).value as { phases: { status: string }[]; outcome: string });
    await recorder.started();
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }));
    await recorder.started();
    expect(await statusOf()).toMatchObject({ outcome: 'running', phases: [{ status: 'pending' }] });
    recorder.observe(at({ type: 'phase:queued', phaseId: 1 }));
    recorder.observe(at({ type: 'phase:started', phaseId: 1, attempt: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await statusOf()).toMatchObject({ phases: [{ status: 'pending' }] });
    await recorder.flush();
    expect(await statusOf()).toMatchObject({ phases: [{ status: 'running' }] });
    recorder.observe(at({ type: 'phase:finished', phaseId: 1, status: 'success', attempts: 1, durationMs: 5 }));
    recorder.observe(at({ type: 'run:finished', summary: { outcome: 'succeeded', durationMs: 5, countsByStatus: {}, phases: [] } }));
    for (let i = 0; i < 200 && ((await statusOf()) as { outcome: string }).outcome === 'running'; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await statusOf()).toMatchObject({ outcome: 'succeeded', phases: [{ status: 'success' }] });
  });

  it('rewrites a transition by itself once coalesceMs has passed', async () => {
    const path = join(await scratch(), 'run.toon');
    const recorder = new RunRecorder(path, undefined, { coalesceMs: 5 });
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }));
    recorder.observe(at({ type: 'phase:queued', phaseId: 1 }));
    const statusOf = async (): Promise<string | undefined> => ((await readCheckpoint(path).catch(() => undefined))?.value as { phases: { status: string }[] } | undefined)?.phases[0]?.status;
    for (let i = 0; i < 200 && (await statusOf()) !== 'queued'; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await statusOf()).toBe('queued');
  });

  it('reports a write failure instead of hiding it', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'run.toon'));
    const recorder = new RunRecorder(join(dir, 'run.toon'));
    recorder.observe(at({ type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }));
    recorder.observe(at({ type: 'phase:queued', phaseId: 1 }));
    let error: unknown;
    await recorder.settled().catch((caught: unknown) => (error = caught));
    expect(isToonError(error) && error.code).toBe('io_error');
  });
});

describe('readPreviousBreaker', () => {
  // No process has this id: a run whose record says running with it has crashed.
  const deadPid = 2_147_483_000;

  async function writeRun(root: string, runId: string, fields: Record<string, unknown>): Promise<void> {
    await writeCheckpoint(join(root, '.hypervisor', 'runs', runId, 'run.toon'), {
      kind: 'kazuba.hypervisor.run',
      run_id: runId,
      plan: 'demo',
      mode: 'sequential',
      pid: deadPid,
      updated_at: '2026-03-01T12:00:00.000Z',
      breaker: 'closed',
      outcome: 'failed',
      phases: [],
      ...fields,
    } as Parameters<typeof writeCheckpoint>[1]);
  }

  it('takes the newest run of the plan by start time, finished or crashed, not one still live, nor another plan', async () => {
    const root = await scratch();
    await writeRun(root, 'older', { started_at: '2026-03-01T10:00:00.000Z', breaker: 'opened', breaker_opened_at: '2026-03-01T10:01:00.000Z' });
    await writeRun(root, 'crashed', { started_at: '2026-03-01T11:00:00.000Z', outcome: 'running', breaker: 'opened', breaker_opened_at: '2026-03-01T11:05:00.000Z' });
    await writeRun(root, 'other-plan', { started_at: '2026-03-01T12:00:00.000Z', plan: 'other' });
    await writeRun(root, 'live', { started_at: '2026-03-01T12:30:00.000Z', outcome: 'running', pid: process.pid });
    expect(await readPreviousBreaker(root, 'demo')).toEqual({ runId: 'crashed', state: 'open', openedAtMs: Date.parse('2026-03-01T11:05:00.000Z') });
    expect(await readPreviousBreaker(root, 'other')).toBeUndefined();
  });

  it('finds nothing when the previous run closed its breaker, or when no run has a record', async () => {
    const root = await scratch();
    expect(await readPreviousBreaker(root, 'demo')).toBeUndefined();
    await writeRun(root, 'opened', { started_at: '2026-03-01T10:00:00.000Z', breaker: 'opened', breaker_opened_at: '2026-03-01T10:01:00.000Z' });
    await writeRun(root, 'closed', { started_at: '2026-03-01T11:00:00.000Z', breaker: 'closed', breaker_opened_at: '2026-03-01T11:01:00.000Z' });
    expect(await readPreviousBreaker(root, 'demo')).toBeUndefined();
  });

  it('reads a half-opened breaker, and dates a record written before breaker_opened_at by its last update', async () => {
    const root = await scratch();
    await writeRun(root, 'half', { started_at: '2026-03-01T10:00:00.000Z', breaker: 'half-opened', breaker_opened_at: '2026-03-01T10:01:00.000Z' });
    expect(await readPreviousBreaker(root, 'demo')).toEqual({ runId: 'half', state: 'half-open', openedAtMs: Date.parse('2026-03-01T10:01:00.000Z') });
    await writeRun(root, 'before-the-field', { started_at: '2026-03-01T11:00:00.000Z', breaker: 'opened', updated_at: '2026-03-01T11:02:00.000Z' });
    expect(await readPreviousBreaker(root, 'demo')).toEqual({ runId: 'before-the-field', state: 'open', openedAtMs: Date.parse('2026-03-01T11:02:00.000Z') });
  });

  it('leaves out a record it cannot read or that says nothing of a run, and an opening it cannot date', async () => {
    const root = await scratch();
    await writeRun(root, 'readable', { started_at: '2026-03-01T10:00:00.000Z', breaker: 'opened', breaker_opened_at: '2026-03-01T10:01:00.000Z' });
    await mkdir(join(root, '.hypervisor', 'runs', 'torn'), { recursive: true });
    await writeFile(join(root, '.hypervisor', 'runs', 'torn', 'run.toon'), Buffer.from([0x54, 0x4f, 0x4f, 0x4e, 0x01, 0xc1]));
    await writeCheckpoint(join(root, '.hypervisor', 'runs', 'foreign', 'run.toon'), { plan: 'demo', started_at: '2026-03-01T12:00:00.000Z' });
    expect(await readPreviousBreaker(root, 'demo')).toMatchObject({ runId: 'readable' });
    await writeRun(root, 'undated', { started_at: '2026-03-01T13:00:00.000Z', breaker: 'opened', updated_at: 'never' });
    expect(await readPreviousBreaker(root, 'demo')).toBeUndefined();
  });
});
