import { describe, expect, it } from '@jest/globals';
import type { RunSummary } from '@kazuba/hypervisor-v2';
import { RunTracker } from './run-tracker.js';
import type { PhaseInfo } from './run-tracker.js';
import { T0, countsOf, eventMaker } from './__fixtures__/events.js';

// 1 (10 s) → 2 (20 s) → 4 (5 s); 1 → 3 (30 s) → 4
const phases = [
  { id: 1, title: 'Setup', dependsOn: [], estimateMs: 10_000 },
  { id: 2, title: 'Build', dependsOn: [1], estimateMs: 20_000 },
  { id: 3, title: 'Test', dependsOn: [1], estimateMs: 30_000 },
  { id: 4, title: 'Ship', dependsOn: [2, 3], estimateMs: 5_000 },
];

const summary: RunSummary = { outcome: 'succeeded', durationMs: 1, countsByStatus: countsOf(), phases: [] };

function parallelTracker(workers = 4): { tracker: RunTracker; event: ReturnType<typeof eventMaker> } {
  const tracker = new RunTracker(phases, { plan: 'demo', mode: 'sequential', workers: 1 });
  const event = eventMaker();
  tracker.apply(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3, 4], mode: 'parallel', maxWorkers: workers }));
  return { tracker, event };
}

describe('RunTracker', () => {
  it('follows each phase through queued, running, retrying and finished, and counts them', () => {
    const { tracker, event } = parallelTracker();
    tracker.apply(event('phase:queued', 0, { phaseId: 1 }));
    tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    expect(tracker.active().map((phase) => [phase.info.id, phase.attempt, phase.attemptStartedAt])).toEqual([[1, 1, T0]]);
    tracker.apply(event('phase:retrying', 4000, { phaseId: 1, attempt: 1, delayMs: 2000, reason: 'exit 1', rateLimited: false }));
    expect(tracker.active()[0]).toMatchObject({ retryAt: T0 + 6000, attemptStartedAt: undefined });
    tracker.apply(event('phase:started', 6000, { phaseId: 1, attempt: 2 }));
    expect(tracker.active()[0]).toMatchObject({ attempt: 2, retryAt: undefined, attemptStartedAt: T0 + 6000 });
    tracker.apply(event('phase:finished', 9000, { phaseId: 1, status: 'success', attempts: 2, durationMs: 9000 }));
    tracker.apply(event('phase:queued', 9000, { phaseId: 2 }));
    expect(tracker.active()).toEqual([]);
    expect([...tracker.counts()]).toEqual([
      ['success', 1],
      ['queued', 1],
      ['pending', 2],
    ]);
    expect(tracker.startedAt).toBe(T0);
  });

  it('knows the breaker state, the mode after a fallback and the summary', () => {
    const { tracker, event } = parallelTracker();
    expect([tracker.mode, tracker.workers, tracker.breaker]).toEqual(['parallel', 4, 'closed']);
    tracker.apply(event('breaker:opened', 1, { consecutiveFailures: 5, cooldownMs: 60_000 }));
    expect(tracker.breaker).toBe('open');
    tracker.apply(event('breaker:half-opened', 2, {}));
    expect(tracker.breaker).toBe('half-open');
    tracker.apply(event('breaker:closed', 3, {}));
    expect(tracker.breaker).toBe('closed');
    tracker.apply(event('breaker:restored', 3, { state: 'open', fromRunId: 'run-a', openedAt: 1, remainingMs: 5 }));
    expect(tracker.breaker).toBe('open');
    tracker.apply(event('mode:fell-back', 4, { from: 'parallel', to: 'sequential', reason: 'stalled' }));
    expect([tracker.mode, tracker.workers]).toEqual(['sequential', 1]);
    expect(tracker.summary).toBeUndefined();
    tracker.apply(event('run:finished', 5, { summary }));
    expect(tracker.summary).toBe(summary);
  });

  it('ignores events of phases it does not know, and events it does not show', () => {
    const { tracker, event } = parallelTracker();
    tracker.apply(event('phase:started', 0, { phaseId: 99, attempt: 1 }));
    tracker.apply(event('phase:output', 0, { phaseId: 1, attempt: 1, stream: 'stdout', text: 'hi' }));
    expect(tracker.active()).toEqual([]);
    expect(tracker.titleOf(99)).toBe('phase 99');
    expect(tracker.titleOf(2)).toBe('Build');
  });

  describe('eta', () => {
    const minutes = (n: number): number => n * 60_000;
    /** Six phases of a chain, each estimated at the default 10 minutes. */
    const chainOfSixPhases = (source?: 'history' | 'default'): PhaseInfo[] =>
      Array.from({ length: 6 }, (_, index) => ({ id: index + 1, title: `P${index + 1}`, dependsOn: index === 0 ? [] : [index], estimateMs: minutes(10), ...(source === undefined ? {} : { estimateSource: source }) }));
    const chainOfSix = (source?: 'history' | 'default'): RunTracker => new RunTracker(chainOfSixPhases(source), { plan: 'six', mode: 'sequential', workers: 1 });
    const finish = (tracker: RunTracker, event: ReturnType<typeof eventMaker>, phaseId: number, atMs: number, durationMs: number, status: 'success' | 'partial' | 'failed' | 'skipped' | 'cancelled' = 'success'): void => {
      if (status !== 'skipped') tracker.apply(event('phase:started', atMs - durationMs, { phaseId, attempt: 1 }));
      tracker.apply(event('phase:finished', atMs, { phaseId, status, attempts: status === 'skipped' ? 0 : 1, durationMs }));
    };

    it('is the remaining critical path when workers are plenty', () => {
      const { tracker } = parallelTracker(4);
      // 1 → 3 → 4: 10 + 30 + 5
      expect(tracker.eta(T0)?.ms).toBe(45_000);
    });

    it('is the remaining work spread over the workers when they are few', () => {
      const { tracker } = parallelTracker(1);
      expect(tracker.eta(T0)?.ms).toBe(65_000);
      const sequential = new RunTracker(phases, { plan: 'demo', mode: 'sequential', workers: 4 });
      expect(sequential.eta(T0)?.ms).toBe(65_000);
    });

    it('counts a running phase for what is left of its estimate, and once past it for a quarter of the time it has run', () => {
      const { tracker, event } = parallelTracker(4);
      tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
      expect(tracker.eta(T0 + 4000)?.ms).toBe(41_000);
      // 60 s into a 10 s phase: 15 s more for it, then 3 → 4.
      expect(tracker.eta(T0 + 60_000)?.ms).toBe(50_000);
    });

    it('counts a phase waiting to retry for the wait and its whole estimate', () => {
      const { tracker, event } = parallelTracker(4);
      tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
      tracker.apply(event('phase:retrying', 4000, { phaseId: 1, attempt: 1, delayMs: 6000, reason: 'exit 1', rateLimited: false }));
      // 5 s of the wait left, then 10 + 30 + 5.
      expect(tracker.eta(T0 + 5000)?.ms).toBe(50_000);
    });

    it('learns from the phases this run finished: six 4 s phases estimated at 10 minutes each', () => {
      const tracker = chainOfSix('default');
      const event = eventMaker();
      expect(tracker.eta(T0)).toEqual({ ms: minutes(60), guess: true });
      finish(tracker, event, 1, 4000, 4000);
      finish(tracker, event, 2, 8000, 4000);
      tracker.apply(event('phase:started', 8000, { phaseId: 3, attempt: 1 }));
      // Both took 4 s of their 10 minutes: phase 3 has 2 s of its 4 s left, then 4 × 4 s … of which three.
      expect(tracker.eta(T0 + 10_000)).toEqual({ ms: 2000 + 3 * 4000, guess: false });
    });

    it('is a guess while no estimate it counts was measured before or learned in this run', () => {
      expect(chainOfSix().eta(T0)?.guess).toBe(true);
      expect(chainOfSix('history').eta(T0)).toEqual({ ms: minutes(60), guess: false });
    });

    it('scales by the median ratio, so that one phase far off its estimate does not swing the rest', () => {
      const tracker = chainOfSix();
      const event = eventMaker();
      finish(tracker, event, 1, minutes(5), minutes(5));
      // Three failed attempts and their waits before it succeeded: 10 times its estimate.
      finish(tracker, event, 2, minutes(105), minutes(100));
      finish(tracker, event, 3, minutes(110), minutes(5));
      expect(tracker.eta(T0 + minutes(110))?.ms).toBe(3 * minutes(5));
      finish(tracker, event, 4, minutes(130), minutes(20));
      // Ratios 0.5, 0.5, 2 and 10: the two middle ones give 1.25.
      expect(tracker.eta(T0 + minutes(130))?.ms).toBe(2 * minutes(12.5));
    });

    it('learns nothing from phases that failed, were cancelled or skipped, or had no estimate', () => {
      const tracker = new RunTracker([...chainOfSixPhases(), { id: 7, title: 'free', dependsOn: [], estimateMs: 0 }], { plan: 'seven', mode: 'sequential', workers: 1 });
      const event = eventMaker();
      finish(tracker, event, 1, 1000, 1000, 'failed');
      finish(tracker, event, 2, 2000, 1000, 'cancelled');
      finish(tracker, event, 3, 3000, 1000, 'skipped');
      finish(tracker, event, 7, 4000, 1000);
      tracker.apply(event('phase:finished', 4000, { phaseId: 99, status: 'success', attempts: 1, durationMs: 1000 }));
      expect(tracker.eta(T0 + 4000)).toEqual({ ms: minutes(30), guess: true });
      finish(tracker, event, 4, 6000, 2000, 'partial');
      expect(tracker.eta(T0 + 6000)).toEqual({ ms: 2 * 2000, guess: false });
    });

    it('learns for estimates measured in earlier runs apart from estimates of hints', () => {
      const tracker = new RunTracker(
        [
          { id: 1, title: 'measured', dependsOn: [], estimateMs: 10_000, estimateSource: 'history' },
          { id: 2, title: 'measured', dependsOn: [], estimateMs: 10_000, estimateSource: 'history' },
          { id: 3, title: 'sized', dependsOn: [], estimateMs: minutes(10), estimateSource: 'effort' },
          { id: 4, title: 'sized', dependsOn: [], estimateMs: minutes(10), estimateSource: 'default' },
        ],
        { plan: 'mixed', mode: 'sequential', workers: 1 },
      );
      const event = eventMaker();
      finish(tracker, event, 1, 20_000, 20_000);
      // The measured phase took twice its estimate: the other measured one is counted twice as long, the sized
      // one as it was.
      expect(tracker.eta(T0 + 20_000)?.ms).toBe(20_000 + 2 * minutes(10));
      finish(tracker, event, 3, 80_000, 60_000);
      expect(tracker.eta(T0 + 80_000)?.ms).toBe(20_000 + 60_000);
    });

    it('is undefined once every phase has finished', () => {
      const { tracker, event } = parallelTracker(4);
      for (const id of [1, 2, 3, 4]) tracker.apply(event('phase:finished', 0, { phaseId: id, status: 'skipped', attempts: 0, durationMs: 0 }));
      expect(tracker.eta(T0)).toBeUndefined();
    });

    it('does not loop on a cycle it was handed', () => {
      const cyclic = new RunTracker(
        [
          { id: 1, title: 'a', dependsOn: [2], estimateMs: 1000 },
          { id: 2, title: 'b', dependsOn: [1], estimateMs: 1000 },
        ],
        { plan: 'p', mode: 'parallel', workers: 4 },
      );
      expect(cyclic.eta(T0)?.ms).toBe(2000);
    });
  });
});
