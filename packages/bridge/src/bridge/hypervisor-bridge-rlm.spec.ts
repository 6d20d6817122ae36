import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { T0, cancelledRun, dryRun, mixedRun, phases } from '../__fixtures__/hypervisor-events.js';
import { isBridgeError } from '../errors.js';
import type { BridgeError } from '../errors.js';
import type { EstimablePhase, PhaseEstimator } from '../history/phase-estimator.js';
import { learningRecordSchema } from '../rlm/learning-record.js';
import type { LearningRecord } from '../rlm/learning-record.js';
import { createRewardCalculator } from '../rlm/reward-calculator.js';
import { createJsonlRlmSink } from '../rlm/rlm-sink.js';
import type { RlmSink } from '../rlm/rlm-sink.js';
import { createHypervisorBridge } from './hypervisor-bridge.js';
import type { HypervisorBridgeOptions } from './hypervisor-bridge.js';

interface MemorySink extends RlmSink {
  readonly records: LearningRecord[];
}

function memorySink(): MemorySink {
  const records: LearningRecord[] = [];
  return { records, write: async (record) => void records.push(record) };
}

const thirtySeconds: PhaseEstimator = { estimate: () => ({ durationMs: 30_000, source: 'default' }) };

function run(events: readonly HypervisorEvent[], options: Partial<HypervisorBridgeOptions> = {}, sink: RlmSink = memorySink()) {
  const bridge = createHypervisorBridge({ phases, rlm: { sink, rewards: createRewardCalculator(), estimator: thirtySeconds }, ...options });
  for (const event of events) bridge.record(event);
  return bridge;
}

async function flushFailure(flush: () => Promise<void>): Promise<BridgeError> {
  try {
    await flush();
  } catch (error) {
    if (isBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected flush() to fail');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-rlm-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HypervisorBridge RLM records', () => {
  it('produces one record per attempt that ran to an outcome, none for the rate-limit wait or the skipped phase', async () => {
    const sink = memorySink();
    await run(mixedRun, {}, sink).flush();
    expect(sink.records.map(({ state, action, next_state }) => [state, action, next_state])).toEqual([
      [{ phase_id: 12, attempt: 1, consecutive_failures: 0, status: 'queued' }, 'run', { phase_id: 12, attempt: 2, consecutive_failures: 1, status: 'queued' }],
      [{ phase_id: 11, attempt: 1, consecutive_failures: 0, status: 'queued' }, 'run', { phase_id: 11, attempt: 1, consecutive_failures: 0, status: 'success' }],
      [{ phase_id: 12, attempt: 2, consecutive_failures: 1, status: 'queued' }, 'retry', { phase_id: 12, attempt: 2, consecutive_failures: 0, status: 'success' }],
      [{ phase_id: 13, attempt: 1, consecutive_failures: 0, status: 'queued' }, 'run', { phase_id: 13, attempt: 2, consecutive_failures: 1, status: 'queued' }],
      [{ phase_id: 13, attempt: 2, consecutive_failures: 1, status: 'queued' }, 'retry', { phase_id: 13, attempt: 2, consecutive_failures: 2, status: 'failed' }],
      [{ phase_id: 15, attempt: 1, consecutive_failures: 0, status: 'queued' }, 'run', { phase_id: 15, attempt: 1, consecutive_failures: 0, status: 'partial' }],
    ]);
    for (const record of sink.records) expect(learningRecordSchema.parse(record)).toEqual(record);
  });

  it('rewards each attempt from its outcome, its duration against the estimate, the retries spent and its cost', async () => {
    const sink = memorySink();
    await run(mixedRun, {}, sink).flush();
    const rewards = sink.records.map((record) => record.reward);
    const expected = [
      -1 + 0.5 * 0.9, // 12, attempt 1 failed after 3 s of 30
      1 + 0.5 * -1 - 0.5 * 0.43, // 11 took 60 s (clamped to −1), cost $0.43
      1 + 0.5 * -1 - 0.25 * 1 - 0.5 * 0.2, // 12, attempt 2: 85 s, one retry, $0.20
      -1 + 0.5 * 0, // 13, attempt 1 failed after exactly 30 s
      -1 + 0.5 * (20 / 30) - 0.25 * 1, // 13, attempt 2 failed after 10 s
      0 + 0.5 * (10 / 30), // 15 partial after 20 s
    ];
    expect(rewards).toHaveLength(expected.length);
    rewards.forEach((reward, index) => expect(reward).toBeCloseTo(expected[index] as number, 10));
  });

  it('keeps the run, plan, hash, duration, estimate, cost and reward components in the metadata', async () => {
    const sink = memorySink();
    await run(mixedRun, {}, sink).flush();
    expect(sink.records[1]).toEqual({
      state: { phase_id: 11, attempt: 1, consecutive_failures: 0, status: 'queued' },
      action: 'run',
      reward: expect.any(Number),
      next_state: { phase_id: 11, attempt: 1, consecutive_failures: 0, status: 'success' },
      timestamp: new Date(T0 + 61_000).toISOString(),
      metadata: {
        cost_usd: 0.43,
        run_id: 'r-1',
        plan_name: 'plans-v2',
        phase_hash: 'sha256:aa11',
        duration_ms: 60_000,
        estimate_ms: 30_000,
        reward_components: { success: 1, duration: -1, retries: 0, cost: -0.43 },
      },
    });
  });

  it('leaves the duration component at 0 without an estimator', async () => {
    const sink = memorySink();
    await run(mixedRun, { rlm: { sink, rewards: createRewardCalculator() } }, sink).flush();
    expect(sink.records[1]?.metadata['reward_components']).toEqual({ success: 1, duration: 0, retries: 0, cost: -0.43 });
    expect(sink.records.some((record) => 'estimate_ms' in record.metadata)).toBe(false);
  });

  it('leaves the duration component at 0 for a phase the bridge was not given', async () => {
    const sink = memorySink();
    await run(mixedRun, { phases: [] as EstimablePhase[] }, sink).flush();
    expect(sink.records[1]?.metadata['reward_components']).toEqual({ success: 1, duration: 0, retries: 0, cost: -0.43 });
    expect(sink.records[1]?.metadata.phase_hash).toBeUndefined();
  });

  it('produces records for a run it joined late, without plan name or hash', async () => {
    const sink = memorySink();
    await run(mixedRun.slice(1), { phases: [] as EstimablePhase[] }, sink).flush();
    expect(sink.records).toHaveLength(6);
    expect(sink.records[0]?.metadata).toEqual({
      run_id: 'r-1',
      duration_ms: 3_000,
      reward_components: { success: -1, duration: 0, retries: 0, cost: 0 },
    });
  });

  it('produces no record for a cancelled attempt nor for a dry run', async () => {
    const sink = memorySink();
    await run([...cancelledRun, ...dryRun], {}, sink).flush();
    expect(sink.records).toEqual([]);
  });

  it('produces nothing when the bridge is disabled', async () => {
    const sink = memorySink();
    await run(mixedRun, { enabled: false }, sink).flush();
    expect(sink.records).toEqual([]);
  });

  it('takes the first attempt\'s duration from phase:finished when its start was not seen', async () => {
    const sink = memorySink();
    await run(mixedRun.filter((event) => !(event.type === 'phase:started' && event.phaseId === 11)), {}, sink).flush();
    expect(sink.records.find((record) => record.state.phase_id === 11)?.metadata['duration_ms']).toBe(60_000);
  });

  it('writes records a JSONL sink can store and that read back as valid records', async () => {
    const path = join(dir, 'rlm.jsonl');
    await run(mixedRun, {}, createJsonlRlmSink(path)).flush();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.map((line) => learningRecordSchema.parse(JSON.parse(line)).action)).toEqual(['run', 'run', 'retry', 'run', 'retry', 'run']);
  });
});

describe('HypervisorBridge.flush', () => {
  it('waits for slow writes, including those of records produced while it waits', async () => {
    const written: number[] = [];
    const releases: (() => void)[] = [];
    const sink: RlmSink = {
      write: (record) =>
        new Promise<void>((resolve) => {
          releases.push(() => {
            written.push(record.state.phase_id);
            resolve();
          });
        }),
    };
    const bridge = run(mixedRun.slice(0, 8), {}, sink);
    let flushed = false;
    const flushing = bridge.flush().then(() => {
      flushed = true;
    });
    for (const event of mixedRun.slice(8)) bridge.record(event);
    // Writes go one at a time, in order: release each as it comes.
    while (written.length < 6) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(flushed).toBe(false);
      releases.shift()?.();
    }
    await flushing;
    expect(written).toEqual([12, 11, 12, 13, 13, 15]);
  });

  it('reports a failed write as rlm_failed with the error as cause, once', async () => {
    const failure = new Error('disk full');
    let calls = 0;
    const sink: RlmSink = { write: async () => ((calls += 1), calls === 2 ? Promise.reject(failure) : undefined) };
    const bridge = run(mixedRun, {}, sink);
    const error = await flushFailure(() => bridge.flush());
    expect(error.code).toBe('rlm_failed');
    expect(error.message).toBe('1 RLM record could not be produced or written: disk full');
    expect(error.context.failures).toBe(1);
    expect(error.cause).toBe(failure);
    expect(calls).toBe(6);
    await expect(bridge.flush()).resolves.toBeUndefined();
  });

  it('reports every failure, as an AggregateError cause, when several records fail', async () => {
    const bridge = run(mixedRun, {}, { write: () => Promise.reject(new Error('offline')) });
    const error = await flushFailure(() => bridge.flush());
    expect(error.message).toBe('6 RLM records could not be produced or written: offline');
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect((error.cause as AggregateError).errors).toHaveLength(6);
  });

  it('reports a reward that cannot be calculated, and writes no record for it', async () => {
    const sink = memorySink();
    const estimator: PhaseEstimator = { estimate: (phase) => ({ durationMs: phase.id === 15 ? Number.NaN : 30_000, source: 'default' }) };
    const bridge = createHypervisorBridge({ phases, rlm: { sink, rewards: createRewardCalculator(), estimator } });
    for (const event of mixedRun) bridge.record(event);
    const error = await flushFailure(() => bridge.flush());
    expect(error.code).toBe('rlm_failed');
    expect(isBridgeError(error.cause) && error.cause.code).toBe('invalid_reward');
    expect(sink.records.map((record) => record.state.phase_id)).toEqual([12, 11, 12, 13, 13]);
  });

  it('reports an estimator that throws', async () => {
    const broken = new TypeError('no estimate');
    const estimator: PhaseEstimator = {
      estimate: () => {
        throw broken;
      },
    };
    const bridge = createHypervisorBridge({ phases, rlm: { sink: memorySink(), rewards: createRewardCalculator(), estimator } });
    for (const event of mixedRun) bridge.record(event);
    const error = await flushFailure(() => bridge.flush());
    expect((error.cause as AggregateError).errors[0]).toBe(broken);
  });
});
