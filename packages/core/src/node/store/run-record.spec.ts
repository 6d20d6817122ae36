import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isToonError, readCheckpoint } from '@kazuba/toon';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { RunRecorder } from './run-record.js';

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
