// The learning loop across packages: durations the bridge recorded in earlier runs replace the plan's size hints
// as the scheduler's estimates, which changes the order phases start in and shortens the simulated run.
import { describe, expect, it } from '@jest/globals';
import { analyzePlan, createHintEstimator, definePlan, simulatePlan } from '@kazuba/core';
import type { Plan } from '@kazuba/core';
import { createDurationHistory } from '@kazuba/bridge';
import type { LearningEvent } from '@kazuba/bridge';

const MINUTE = 60_000;

// Two branches after phase 1. The hints call branch 2 → 4 the long one; in reality 3 → 5 is, by far.
const plan: Plan = definePlan(
  [
    { id: 1, estimates: { effort: 'S' } },
    { id: 2, dependsOn: [1], estimates: { effort: 'XL' } },
    { id: 3, dependsOn: [1], estimates: { effort: 'S' } },
    { id: 4, dependsOn: [2], estimates: { effort: 'L' } },
    { id: 5, dependsOn: [3], estimates: { effort: 'XS' } },
    { id: 6, dependsOn: [1], estimates: { effort: 'M' } },
  ],
  { name: 'loop' },
);

const measured = new Map([[1, 5], [2, 3], [3, 30], [4, 2], [5, 40], [6, 12]].map(([id, minutes]) => [id as number, (minutes as number) * MINUTE]));

function phaseEnd(phaseId: number, durationMs: number, run: string): LearningEvent {
  return {
    event_type: 'phase_end',
    phase_id: phaseId,
    duration_ms: durationMs,
    success: true,
    metadata: { attempt: 1, status: 'success', run_id: run, plan_name: 'loop', phase_hash: plan.byId.get(phaseId)?.hash ?? '' },
    timestamp: '2026-11-20T10:00:00.000Z',
  };
}

const history = createDurationHistory(
  ['r1', 'r2', 'r3'].flatMap((run) => [...measured].map(([id, ms]) => phaseEnd(id, ms, run))),
  { plan: 'loop', fallback: createHintEstimator() },
);

describe('durations from the learning history', () => {
  it('replace the hints as estimates', () => {
    expect(history.estimate(plan.byId.get(5)!)).toEqual({ durationMs: 40 * MINUTE, source: 'history' });
    expect(createHintEstimator().estimate(plan.byId.get(5)!).source).toBe('effort');
  });

  it('move the critical path to the branch that really is long', () => {
    expect(analyzePlan(plan, { workers: 2, groupPolicy: 'ignore' }).criticalPath.phaseIds).toEqual([1, 2, 4]);
    expect(analyzePlan(plan, { workers: 2, groupPolicy: 'ignore', estimator: history }).criticalPath.phaseIds).toEqual([1, 3, 5]);
  });

  it('give a different schedule that finishes sooner when the phases take their real time', () => {
    // The order each estimator's priorities produce, then that order replayed with the real durations.
    const startOrder = (estimates: ReadonlyMap<number, number>): number[] =>
      simulatePlan(plan, { workers: 2, durations: estimates, groupPolicy: 'ignore' }).phases.map((phase) => phase.phaseId);
    const hinted = new Map(plan.phases.map((phase) => [phase.id, createHintEstimator().estimate(phase).durationMs]));
    expect(startOrder(hinted)).not.toEqual(startOrder(measured));
    const realMakespanOf = (order: readonly number[]): number => replay(order, 2);
    expect(realMakespanOf(startOrder(measured))).toBeLessThan(realMakespanOf(startOrder(hinted)));
  });
});

// List-schedules the phases in the given priority order with their real durations on `workers` workers.
function replay(order: readonly number[], workers: number): number {
  const end = new Map<number, number>();
  const free = Array.from({ length: workers }, () => 0);
  for (const id of order) {
    const ready = Math.max(0, ...(plan.byId.get(id)?.dependsOn ?? []).map((dependency) => end.get(dependency) ?? 0));
    free.sort((a, b) => a - b);
    const start = Math.max(ready, free.shift() ?? 0);
    end.set(id, start + (measured.get(id) ?? 0));
    free.push(end.get(id) ?? 0);
  }
  return Math.max(...end.values());
}
