import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import { loadPlan } from '../plan/load-plan.js';
import type { Phase, Plan } from '../plan/plan.js';
import type { GroupPolicy } from '../schedule/dispatcher.js';
import { analyzePlan } from './analyze-plan.js';
import { createHintEstimator } from './estimator.js';
import type { Estimator } from './estimator.js';

/** `../shared/fixtures/kazuba/plans-v2` beside the checkout (never copied into it), or undefined where absent. */
function findPlansV2(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    if (dir === dirname(dir)) return undefined;
    dir = dirname(dir);
  }
  const plans = join(dir, '..', 'shared', 'fixtures', 'kazuba', 'plans-v2');
  return existsSync(plans) ? plans : undefined;
}

const byTokens = createHintEstimator({ msPerToken: 1 });

interface Expected {
  readonly workers: number;
  readonly groupPolicy: GroupPolicy;
  readonly lowerBoundMs: number;
  readonly makespanMs: number;
  readonly peakConcurrency: number;
}

describe('analyzePlan on the real plan (shared/fixtures/kazuba/plans-v2)', () => {
  const dir = findPlansV2();
  if (dir === undefined) {
    it.todo('run when ../shared/fixtures/kazuba/plans-v2 exists beside the checkout');
    return;
  }
  let plan: Plan;
  beforeAll(async () => {
    plan = await loadPlan(dir);
  });

  it('finds the 12 phases 11 to 22 and not the index file', () => {
    const analysis = analyzePlan(plan, { estimator: byTokens });
    expect([...analysis.estimates.keys()]).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
  });

  it('orders the phases after their dependencies, smallest ready id first', () => {
    expect(analyzePlan(plan, { estimator: byTokens }).order).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
  });

  it('groups the phases by depth, the widest level being 12, 13 and 16', () => {
    const analysis = analyzePlan(plan, { estimator: byTokens });
    expect(analysis.levels).toEqual([[11], [12, 13, 16], [14, 17], [15], [18], [19], [20, 21], [22]]);
    expect(analysis.widestLevel).toEqual({ level: 1, width: 3 });
  });

  it('estimates every phase by its estimated_tokens, 140,000 in all', () => {
    const analysis = analyzePlan(plan, { estimator: byTokens });
    expect(analysis.estimates.get(11)).toEqual({ durationMs: 12_000, source: 'tokens' });
    expect(analysis.estimates.get(22)).toEqual({ durationMs: 5000, source: 'tokens' });
    expect([...analysis.estimates.values()].every((estimate) => estimate.source === 'tokens')).toBe(true);
    expect(analysis.totalWorkMs).toBe(140_000);
  });

  it('finds the critical path 11 -> 13 -> 14 -> 15 -> 18 -> 19 -> 21 -> 22 of 91,000 tokens', () => {
    expect(analyzePlan(plan, { estimator: byTokens }).criticalPath).toEqual({ phaseIds: [11, 13, 14, 15, 18, 19, 21, 22], lengthMs: 91_000 });
  });

  it('gives each phase off the critical path the slack it has', () => {
    expect(Object.fromEntries(analyzePlan(plan, { estimator: byTokens }).slackMs)).toEqual({
      11: 0, 12: 37_000, 13: 0, 14: 0, 15: 0, 16: 26_000, 17: 26_000, 18: 0, 19: 0, 20: 2000, 21: 0, 22: 0,
    });
  });

  // Worked out by hand. Under `strict`, 13 and 12 (group infra) start together at 12,000, and 14 (triggers) must
  // wait for 12 to end at 27,000; 15, 18 and 19 run alone; 16 and 17 (hooks) cannot overlap because 17 depends on 16.
  const table: Expected[] = [
    { workers: 1, groupPolicy: 'strict', lowerBoundMs: 140_000, makespanMs: 140_000, peakConcurrency: 1 },
    { workers: 1, groupPolicy: 'ignore', lowerBoundMs: 140_000, makespanMs: 140_000, peakConcurrency: 1 },
    { workers: 2, groupPolicy: 'strict', lowerBoundMs: 91_000, makespanMs: 120_000, peakConcurrency: 2 },
    { workers: 2, groupPolicy: 'ignore', lowerBoundMs: 91_000, makespanMs: 91_000, peakConcurrency: 2 },
    { workers: 4, groupPolicy: 'strict', lowerBoundMs: 91_000, makespanMs: 120_000, peakConcurrency: 2 },
    { workers: 4, groupPolicy: 'ignore', lowerBoundMs: 91_000, makespanMs: 91_000, peakConcurrency: 3 },
  ];
  it.each(table)('with $workers worker(s) under $groupPolicy: lower bound $lowerBoundMs, makespan $makespanMs', (expected) => {
    const analysis = analyzePlan(plan, { estimator: byTokens, workers: expected.workers, groupPolicy: expected.groupPolicy });
    expect({
      workers: analysis.workers,
      groupPolicy: analysis.groupPolicy,
      lowerBoundMs: analysis.lowerBoundMs,
      makespanMs: analysis.makespanMs,
      peakConcurrency: analysis.peakConcurrency,
    }).toEqual(expected);
  });
});

// A companion plan small enough to reason out by hand. Ids do not follow the order: 5 depends on 10, 1 is the sink.
//   7 (b, 2.5 s)
//   10 (null, 3 s) -> 20 (a, 5 s) -> 60 (null, 6 s) -> 1 (null, 1 s)
//   10 -> 5 (b, 4 s) -> 60
//   10 -> 30 (a, 2 s) -> 40 (b, 1 s) -> 50 (a, 2 s) -> 1
const companion: PhaseDefinition[] = [
  { id: 1, dependsOn: [60, 50], estimates: { estimatedTokens: 1000 } },
  { id: 5, dependsOn: [10], parallelGroup: 'b', estimates: { estimatedTokens: 4000 } },
  { id: 7, parallelGroup: 'b', estimates: { estimatedTokens: 2500 } },
  { id: 10, estimates: { estimatedTokens: 3000 } },
  { id: 20, dependsOn: [10], parallelGroup: 'a', estimates: { estimatedTokens: 5000 } },
  { id: 30, dependsOn: [10], parallelGroup: 'a', estimates: { estimatedTokens: 2000 } },
  { id: 40, dependsOn: [30], parallelGroup: 'b', estimates: { estimatedTokens: 1000 } },
  { id: 50, dependsOn: [40], parallelGroup: 'a', estimates: { estimatedTokens: 2000 } },
  { id: 60, dependsOn: [20, 5], estimates: { estimatedTokens: 6000 } },
];

describe('analyzePlan on a companion plan worked out by hand', () => {
  const plan = definePlan(companion, { name: 'companion' });
  const analysis = analyzePlan(plan, { estimator: byTokens });

  it('names the plan and defaults to 4 workers under the strict group policy', () => {
    expect(analysis).toMatchObject({ plan: 'companion', workers: 4, groupPolicy: 'strict' });
  });

  it('orders by dependencies first and by id among ready phases', () => {
    expect(analysis.order).toEqual([7, 10, 5, 20, 30, 40, 50, 60, 1]);
  });

  it('lists levels in id order and finds the widest', () => {
    expect(analysis.levels).toEqual([[7, 10], [5, 20, 30], [40, 60], [50], [1]]);
    expect(analysis.widestLevel).toEqual({ level: 1, width: 3 });
  });

  it('finds the critical path, total work and slack', () => {
    expect(analysis.criticalPath).toEqual({ phaseIds: [10, 20, 60, 1], lengthMs: 15_000 });
    expect(analysis.totalWorkMs).toBe(26_500);
    expect(Object.fromEntries(analysis.slackMs)).toEqual({ 1: 0, 5: 1000, 7: 12_500, 10: 0, 20: 0, 30: 6000, 40: 6000, 50: 6000, 60: 0 });
  });

  const table: Expected[] = [
    { workers: 1, groupPolicy: 'strict', lowerBoundMs: 26_500, makespanMs: 26_500, peakConcurrency: 1 },
    { workers: 1, groupPolicy: 'ignore', lowerBoundMs: 26_500, makespanMs: 26_500, peakConcurrency: 1 },
    { workers: 2, groupPolicy: 'strict', lowerBoundMs: 15_000, makespanMs: 21_000, peakConcurrency: 2 },
    { workers: 2, groupPolicy: 'ignore', lowerBoundMs: 15_000, makespanMs: 15_000, peakConcurrency: 2 },
    { workers: 4, groupPolicy: 'strict', lowerBoundMs: 15_000, makespanMs: 21_000, peakConcurrency: 3 },
    { workers: 4, groupPolicy: 'ignore', lowerBoundMs: 15_000, makespanMs: 15_000, peakConcurrency: 3 },
  ];
  it.each(table)('with $workers worker(s) under $groupPolicy: lower bound $lowerBoundMs, makespan $makespanMs', (expected) => {
    const result = analyzePlan(plan, { estimator: byTokens, workers: expected.workers, groupPolicy: expected.groupPolicy });
    expect({ workers: result.workers, groupPolicy: result.groupPolicy, lowerBoundMs: result.lowerBoundMs, makespanMs: result.makespanMs, peakConcurrency: result.peakConcurrency }).toEqual(expected);
  });

  it('takes total work over workers as the lower bound when that exceeds the critical path', () => {
    const wide = definePlan([1, 2, 3, 4, 5].map((id) => ({ id, estimates: { estimatedTokens: 100 } })));
    const result = analyzePlan(wide, { estimator: byTokens, workers: 2, groupPolicy: 'ignore' });
    expect(result.criticalPath.lengthMs).toBe(100);
    expect(result.lowerBoundMs).toBe(250);
    expect(result.makespanMs).toBe(300);
  });

  it('estimates from the hints at 40 ms a token when no estimator is given', () => {
    const result = analyzePlan(plan);
    expect(result.estimates.get(60)).toEqual({ durationMs: 240_000, source: 'tokens' });
    expect(result.criticalPath.lengthMs).toBe(600_000);
  });

  it('lets estimator options change the analysis', () => {
    expect(analyzePlan(plan, { estimator: createHintEstimator({ msPerToken: 2 }) }).criticalPath.lengthMs).toBe(30_000);
    const hintless = definePlan([{ id: 1 }, { id: 2, dependsOn: [1], estimates: { effort: 'XS' } }]);
    expect(analyzePlan(hintless, { estimator: createHintEstimator({ defaultMs: 50, effortMs: { XS: 7 } }) }).criticalPath.lengthMs).toBe(57);
  });

  it('uses an injected estimator for every phase, and once per phase', () => {
    const asked: number[] = [];
    const history: Estimator = {
      estimate(phase: Phase) {
        asked.push(phase.id);
        return { durationMs: phase.id === 7 ? 100_000 : 1000, source: 'history' };
      },
    };
    const result = analyzePlan(plan, { estimator: history, workers: 2 });
    expect(asked.sort((a, b) => a - b)).toEqual([1, 5, 7, 10, 20, 30, 40, 50, 60]);
    expect(result.estimates.get(7)).toEqual({ durationMs: 100_000, source: 'history' });
    expect(result.criticalPath).toEqual({ phaseIds: [7], lengthMs: 100_000 });
  });

  it('gives the same analysis for the same plan defined in another order', () => {
    const again = analyzePlan(definePlan([...companion].reverse(), { name: 'companion' }), { estimator: byTokens });
    expect(again).toEqual(analysis);
  });

  it('reports the lowest of equally wide levels as the widest', () => {
    const twoByTwo = definePlan([{ id: 1 }, { id: 2 }, { id: 3, dependsOn: [1] }, { id: 4, dependsOn: [2] }]);
    expect(analyzePlan(twoByTwo).widestLevel).toEqual({ level: 0, width: 2 });
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects %p workers with a RangeError', (workers) => {
    expect(() => analyzePlan(plan, { workers })).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects an estimator that answers %p ms, naming the phase', (durationMs) => {
    const broken: Estimator = { estimate: (phase) => ({ durationMs: phase.id === 40 ? durationMs : 1, source: 'history' }) };
    expect(() => analyzePlan(plan, { estimator: broken })).toThrow(/phase 40/);
  });
});
