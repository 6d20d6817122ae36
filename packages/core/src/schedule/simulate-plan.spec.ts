import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { analyzePlan } from '../graph/analyze-plan.js';
import { computePathTimes } from '../graph/critical-path.js';
import type { Estimator } from '../graph/estimator.js';
import { topologicalOrder } from '../graph/topology.js';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import type { Plan } from '../plan/plan.js';
import type { GroupPolicy } from './dispatcher.js';
import { simulatePlan } from './simulate-plan.js';
import type { ScheduledPhase } from './simulate-plan.js';

const msOf = (entries: Record<number, number>): Map<number, number> => new Map(Object.entries(entries).map(([id, ms]) => [Number(id), ms]));
const at = (phaseId: number, startMs: number, endMs: number, worker: number): ScheduledPhase => ({ phaseId, startMs, endMs, worker });

/**
 * List scheduling written the plain way, for comparison: at each instant, end what is due, then start ready phases
 * in `rank` order (larger first, then smaller id) on free workers, until nothing changes. O(n²), no group policy.
 */
function listSchedule(plan: Plan, durations: ReadonlyMap<number, number>, workers: number, rank: (id: number) => number): Map<number, { startMs: number; endMs: number }> {
  const placed = new Map<number, { startMs: number; endMs: number }>();
  const done = new Set<number>();
  let now = 0;
  while (done.size < plan.phases.length) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [id, slot] of placed) {
        if (slot.endMs <= now && !done.has(id)) {
          done.add(id);
          changed = true;
        }
      }
      const ready = plan.phases.filter((p) => !placed.has(p.id) && p.dependsOn.every((d) => done.has(d))).map((p) => p.id);
      ready.sort((a, b) => rank(b) - rank(a) || a - b);
      let free = workers - [...placed.keys()].filter((id) => !done.has(id)).length;
      for (const id of ready) {
        if (free === 0) break;
        placed.set(id, { startMs: now, endMs: now + (durations.get(id) ?? 0) });
        free -= 1;
        changed = true;
      }
    }
    const pending = [...placed].filter(([id]) => !done.has(id)).map(([, slot]) => slot.endMs);
    if (pending.length === 0) break;
    now = Math.min(...pending);
  }
  return placed;
}

// The companion plan of analyze-plan.spec.ts, with its durations in milliseconds.
const companion = definePlan([
  { id: 1, dependsOn: [60, 50] },
  { id: 5, dependsOn: [10], parallelGroup: 'b' },
  { id: 7, parallelGroup: 'b' },
  { id: 10 },
  { id: 20, dependsOn: [10], parallelGroup: 'a' },
  { id: 30, dependsOn: [10], parallelGroup: 'a' },
  { id: 40, dependsOn: [30], parallelGroup: 'b' },
  { id: 50, dependsOn: [40], parallelGroup: 'a' },
  { id: 60, dependsOn: [20, 5] },
]);
const companionMs = msOf({ 1: 1000, 5: 4000, 7: 2500, 10: 3000, 20: 5000, 30: 2000, 40: 1000, 50: 2000, 60: 6000 });

describe('simulatePlan', () => {
  it("gives the exact schedule of the companion plan on 2 workers under 'ignore'", () => {
    const schedule = simulatePlan(companion, { workers: 2, durations: companionMs, groupPolicy: 'ignore' });
    expect(schedule.phases).toEqual([
      at(10, 0, 3000, 0),
      at(7, 0, 2500, 1),
      at(20, 3000, 8000, 0),
      at(5, 3000, 7000, 1),
      at(30, 7000, 9000, 1),
      at(60, 8000, 14_000, 0),
      at(40, 9000, 10_000, 1),
      at(50, 10_000, 12_000, 1),
      at(1, 14_000, 15_000, 0),
    ]);
    expect(schedule.makespanMs).toBe(15_000);
    expect(schedule.peakConcurrency).toBe(2);
  });

  it("gives the exact schedule of the companion plan on 2 workers under 'strict'", () => {
    // 10 runs alone; 20 and 30 (group a) pair up; 40 (b) waits for 20 to end, then 5, 40 and 7 (b) share the
    // workers; 60 runs alone, then 50, then 1.
    const schedule = simulatePlan(companion, { workers: 2, durations: companionMs, groupPolicy: 'strict' });
    expect(schedule.phases).toEqual([
      at(10, 0, 3000, 0),
      at(20, 3000, 8000, 0),
      at(30, 3000, 5000, 1),
      at(5, 8000, 12_000, 0),
      at(40, 8000, 9000, 1),
      at(7, 9000, 11_500, 1),
      at(60, 12_000, 18_000, 0),
      at(50, 18_000, 20_000, 0),
      at(1, 20_000, 21_000, 0),
    ]);
    expect(schedule.makespanMs).toBe(21_000);
  });

  it("applies the 'strict' group policy when none is given", () => {
    const independent = definePlan([{ id: 1 }, { id: 2 }, { id: 3 }]);
    const schedule = simulatePlan(independent, { workers: 3, durations: msOf({ 1: 10, 2: 10, 3: 10 }) });
    expect(schedule).toMatchObject({ makespanMs: 30, peakConcurrency: 1 });
  });

  it('reaches the number of workers when the graph allows, and never more', () => {
    const independent = definePlan([1, 2, 3, 4, 5, 6].map((id) => ({ id })));
    const schedule = simulatePlan(independent, { workers: 4, durations: msOf({ 1: 10, 2: 10, 3: 10, 4: 10, 5: 10, 6: 10 }), groupPolicy: 'ignore' });
    expect(schedule.peakConcurrency).toBe(4);
    expect(schedule.phases.map((p) => [p.phaseId, p.startMs, p.worker])).toEqual([[1, 0, 0], [2, 0, 1], [3, 0, 2], [4, 0, 3], [5, 10, 0], [6, 10, 1]]);
    expect(schedule.makespanMs).toBe(20);
  });

  it('starts the longest remaining path first, which beats id order where it matters', () => {
    // 3 -> 4 is the long chain. In id order 1 and 2 would take both workers first and the run would end at 16 s.
    const plan = definePlan([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, dependsOn: [3] }]);
    const durations = msOf({ 1: 5000, 2: 5000, 3: 1000, 4: 10_000 });
    const schedule = simulatePlan(plan, { workers: 2, durations, groupPolicy: 'ignore' });
    expect(schedule.phases).toEqual([at(3, 0, 1000, 0), at(1, 0, 5000, 1), at(4, 1000, 11_000, 0), at(2, 5000, 10_000, 1)]);
    expect(schedule.makespanMs).toBe(11_000);
    const inIdOrder = listSchedule(plan, durations, 2, () => 0);
    expect(Math.max(...[...inIdOrder.values()].map((slot) => slot.endMs))).toBe(16_000);
  });

  it('with one worker runs the phases in plan order, the order analyzePlan lists, whatever the critical path', () => {
    const schedule = simulatePlan(companion, { workers: 1, durations: companionMs });
    expect(schedule.phases.map((p) => p.phaseId)).toEqual([7, 10, 5, 20, 30, 40, 50, 60, 1]);
    expect(schedule.phases.map((p) => p.phaseId)).toEqual(analyzePlan(companion).order);
    expect(schedule.makespanMs).toBe(26_500);
  });

  it('lets every phase that ends at the same instant free its worker before choosing the next', () => {
    // At 1 s both 1 and 2 end. Ending 1 alone first would start its dependent 3 at once; ending both first lets
    // 4 and 5, on the longer chain, take the two workers.
    const plan = definePlan([{ id: 1 }, { id: 2 }, { id: 3, dependsOn: [1] }, { id: 4, dependsOn: [2] }, { id: 5, dependsOn: [2] }]);
    const schedule = simulatePlan(plan, { workers: 2, durations: msOf({ 1: 1000, 2: 1000, 3: 500, 4: 5000, 5: 5000 }), groupPolicy: 'ignore' });
    expect(schedule.phases).toEqual([at(2, 0, 1000, 0), at(1, 0, 1000, 1), at(4, 1000, 6000, 0), at(5, 1000, 6000, 1), at(3, 6000, 6500, 0)]);
  });

  it('runs zero-duration phases at an instant and lets their dependents start at that same instant', () => {
    const plan = definePlan([{ id: 1 }, { id: 2, dependsOn: [1] }, { id: 3 }]);
    const schedule = simulatePlan(plan, { workers: 1, durations: msOf({ 1: 0, 2: 1000, 3: 0 }), groupPolicy: 'ignore' });
    expect(schedule.phases).toEqual([at(1, 0, 0, 0), at(2, 0, 1000, 0), at(3, 1000, 1000, 0)]);
    expect(schedule.makespanMs).toBe(1000);
  });

  it('takes 0 for a phase without a duration, and a plan of such phases ends at 0', () => {
    const plan = definePlan([{ id: 1 }, { id: 2, dependsOn: [1] }, { id: 3 }]);
    const schedule = simulatePlan(plan, { workers: 2, durations: new Map(), groupPolicy: 'ignore' });
    expect(schedule.makespanMs).toBe(0);
    expect(schedule.phases.map((p) => [p.phaseId, p.startMs, p.endMs])).toEqual([[1, 0, 0], [3, 0, 0], [2, 0, 0]]);
  });

  it.each([0, -2, 1.5])('rejects %p workers with a RangeError', (workers) => {
    expect(() => simulatePlan(companion, { workers, durations: companionMs })).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects a duration of %p ms, naming the phase', (ms) => {
    const durations = new Map(companionMs).set(40, ms);
    expect(() => simulatePlan(companion, { workers: 2, durations })).toThrow(/duration of phase 40/);
  });
});

describe('simulatePlan on random DAGs, by property', () => {
  interface Case {
    readonly phases: PhaseDefinition[];
    readonly durations: Map<number, number>;
    readonly workers: number;
    readonly groupPolicy: GroupPolicy;
  }
  // Phase i may depend only on phases defined before it; ids are shuffled so that they say nothing about order.
  const cases: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 25 }).chain((n) =>
    fc
      .record({
        ids: fc.uniqueArray(fc.nat(999), { minLength: n, maxLength: n }),
        deps: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
        ms: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }),
        groups: fc.array(fc.constantFrom(null, 'a', 'b'), { minLength: n, maxLength: n }),
        workers: fc.integer({ min: 1, max: 5 }),
        groupPolicy: fc.constantFrom<GroupPolicy>('strict', 'ignore'),
      })
      .map(({ ids, deps, ms, groups, workers, groupPolicy }) => {
        const idAt = (i: number): number => ids[i] as number;
        const phases = ids.map((id, i): PhaseDefinition => ({ id, dependsOn: i === 0 ? [] : (deps[i] ?? []).map((p) => idAt(p % i)), parallelGroup: groups[i] ?? null }));
        return { phases, durations: new Map(ids.map((id, i) => [id, ms[i] ?? 0])), workers, groupPolicy };
      }),
  );
  const overlap = (a: ScheduledPhase, b: ScheduledPhase): boolean => a.startMs < b.endMs && b.startMs < a.endMs;

  it('schedules every phase once, after its dependencies, within the workers and the bounds', () => {
    fc.assert(
      fc.property(cases, ({ phases, durations, workers, groupPolicy }) => {
        const plan = definePlan(phases);
        const schedule = simulatePlan(plan, { workers, durations, groupPolicy });
        const fromMap: Estimator = { estimate: (phase) => ({ durationMs: durations.get(phase.id) ?? 0, source: 'history' }) };
        const analysis = analyzePlan(plan, { workers, groupPolicy, estimator: fromMap });
        const slot = new Map(schedule.phases.map((p) => [p.phaseId, p]));

        expect(schedule.phases.map((p) => p.phaseId).sort((a, b) => a - b)).toEqual(plan.phases.map((p) => p.id));
        for (const phase of plan.phases) {
          const own = slot.get(phase.id) as ScheduledPhase;
          expect(own.endMs - own.startMs).toBe(durations.get(phase.id));
          for (const dependency of phase.dependsOn) expect(own.startMs).toBeGreaterThanOrEqual((slot.get(dependency) as ScheduledPhase).endMs);
        }
        for (const a of schedule.phases) {
          expect(a.worker).toBeGreaterThanOrEqual(0);
          expect(a.worker).toBeLessThan(workers);
          expect(schedule.phases.filter((b) => b.startMs <= a.startMs && a.startMs < b.endMs).length).toBeLessThanOrEqual(workers);
          const beside = schedule.phases.filter((b) => b !== a && overlap(a, b));
          expect(beside.some((b) => b.worker === a.worker)).toBe(false);
          if (groupPolicy === 'strict') {
            const group = plan.byId.get(a.phaseId)?.parallelGroup;
            for (const b of beside) {
              expect(group).not.toBeNull();
              expect(plan.byId.get(b.phaseId)?.parallelGroup).toBe(group);
            }
          }
        }
        expect(schedule.peakConcurrency).toBeLessThanOrEqual(workers);
        expect(analysis.makespanMs).toBe(schedule.makespanMs);
        expect(schedule.makespanMs).toBeGreaterThanOrEqual(analysis.lowerBoundMs);
        // Never idle while a phase could start, whatever the policy: at worst one phase at a time.
        expect(schedule.makespanMs).toBeLessThanOrEqual(analysis.totalWorkMs);
        if (groupPolicy === 'ignore') {
          // Graham's bound for list scheduling: total / m + (1 − 1/m) × critical path.
          const graham = analysis.totalWorkMs / workers + (1 - 1 / workers) * analysis.criticalPath.lengthMs;
          expect(schedule.makespanMs).toBeLessThanOrEqual(graham + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("matches plain list scheduling under 'ignore': longest remaining path first, plan order with one worker", () => {
    fc.assert(
      fc.property(cases, ({ phases, durations, workers }) => {
        const plan = definePlan(phases);
        const { remainingMs } = computePathTimes(plan, topologicalOrder(plan), durations);
        const expected = listSchedule(plan, durations, workers, workers === 1 ? () => 0 : (id) => remainingMs.get(id) ?? 0);
        const schedule = simulatePlan(plan, { workers, durations, groupPolicy: 'ignore' });
        expect(new Map(schedule.phases.map((p) => [p.phaseId, { startMs: p.startMs, endMs: p.endMs }]))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
