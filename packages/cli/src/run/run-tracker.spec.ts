import { describe, expect, it } from '@jest/globals';
import type { RunSummary } from '@kazuba/hypervisor-v2';
import { RunTracker } from './run-tracker.js';
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

  describe('etaMs', () => {
    it('is the remaining critical path when workers are plenty', () => {
      const { tracker } = parallelTracker(4);
      // 1 → 3 → 4: 10 + 30 + 5
      expect(tracker.etaMs(T0)).toBe(45_000);
    });

    it('is the remaining work spread over the workers when they are few', () => {
      const { tracker } = parallelTracker(1);
      expect(tracker.etaMs(T0)).toBe(65_000);
      const sequential = new RunTracker(phases, { plan: 'demo', mode: 'sequential', workers: 4 });
      expect(sequential.etaMs(T0)).toBe(65_000);
    });

    it('counts a running phase for what is left of its estimate, never less than nothing', () => {
      const { tracker, event } = parallelTracker(4);
      tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
      expect(tracker.etaMs(T0 + 4000)).toBe(41_000);
      expect(tracker.etaMs(T0 + 60_000)).toBe(35_000);
    });

    it('is undefined once every phase has finished', () => {
      const { tracker, event } = parallelTracker(4);
      for (const id of [1, 2, 3, 4]) tracker.apply(event('phase:finished', 0, { phaseId: id, status: 'skipped', attempts: 0, durationMs: 0 }));
      expect(tracker.etaMs(T0)).toBeUndefined();
    });

    it('does not loop on a cycle it was handed', () => {
      const cyclic = new RunTracker(
        [
          { id: 1, title: 'a', dependsOn: [2], estimateMs: 1000 },
          { id: 2, title: 'b', dependsOn: [1], estimateMs: 1000 },
        ],
        { plan: 'p', mode: 'parallel', workers: 4 },
      );
      expect(cyclic.etaMs(T0)).toBe(2000);
    });
  });
});
