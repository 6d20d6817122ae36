import { describe, expect, it } from '@jest/globals';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import type { Plan } from '../plan/plan.js';
import { computePathTimes } from './critical-path.js';
import type { PathTimes } from './critical-path.js';
import { topologicalOrder } from './topology.js';

function timesOf(plan: Plan, durations: Record<number, number>): PathTimes {
  return computePathTimes(plan, topologicalOrder(plan), new Map(Object.entries(durations).map(([id, ms]) => [Number(id), ms])));
}

// Worked out by hand: the chain 10 -> 20 -> 60 -> 1 takes 3 + 5 + 6 + 1 = 15 s.
const definitions: PhaseDefinition[] = [
  { id: 1, dependsOn: [60, 50] },
  { id: 5, dependsOn: [10] },
  { id: 7 },
  { id: 10 },
  { id: 20, dependsOn: [10] },
  { id: 30, dependsOn: [10] },
  { id: 40, dependsOn: [30] },
  { id: 50, dependsOn: [40] },
  { id: 60, dependsOn: [20, 5] },
];
const durations = { 1: 1000, 5: 4000, 7: 2500, 10: 3000, 20: 5000, 30: 2000, 40: 1000, 50: 2000, 60: 6000 };

describe('computePathTimes', () => {
  const times = timesOf(definePlan(definitions), durations);

  it('finds the longest chain and its length', () => {
    expect(times.criticalPath).toEqual({ phaseIds: [10, 20, 60, 1], lengthMs: 15_000 });
  });

  it('gives each phase its earliest start with unlimited workers', () => {
    expect(Object.fromEntries(times.earliestStartMs)).toEqual({ 1: 14_000, 5: 3000, 7: 0, 10: 0, 20: 3000, 30: 3000, 40: 5000, 50: 6000, 60: 8000 });
  });

  it('gives each phase the longest chain from it to the end, itself included', () => {
    expect(Object.fromEntries(times.remainingMs)).toEqual({ 1: 1000, 5: 11_000, 7: 2500, 10: 15_000, 20: 12_000, 30: 6000, 40: 4000, 50: 3000, 60: 7000 });
  });

  it('gives zero slack on the critical path and the room to slip elsewhere', () => {
    expect(Object.fromEntries(times.slackMs)).toEqual({ 1: 0, 5: 1000, 7: 12_500, 10: 0, 20: 0, 30: 6000, 40: 6000, 50: 6000, 60: 0 });
  });

  it('breaks a tie between equally long chains by the smaller id, at the start and along the way', () => {
    const plan = definePlan([{ id: 9 }, { id: 4 }, { id: 6, dependsOn: [4] }, { id: 5, dependsOn: [4] }, { id: 8, dependsOn: [9] }]);
    const tied = timesOf(plan, { 9: 10, 4: 10, 6: 5, 5: 5, 8: 5 });
    expect(tied.criticalPath).toEqual({ phaseIds: [4, 5], lengthMs: 15 });
    expect(Object.fromEntries(tied.slackMs)).toEqual({ 4: 0, 5: 0, 6: 0, 8: 0, 9: 0 });
  });

  it('counts a phase without a duration as taking no time', () => {
    const plan = definePlan([{ id: 1 }, { id: 2, dependsOn: [1] }, { id: 3, dependsOn: [2] }]);
    const partial = timesOf(plan, { 1: 100, 3: 50 });
    expect(partial.criticalPath).toEqual({ phaseIds: [1, 2, 3], lengthMs: 150 });
    expect(partial.earliestStartMs.get(3)).toBe(100);
  });

  it('runs a zero-length plan to a zero-length path through its smallest source', () => {
    const plan = definePlan([{ id: 2 }, { id: 1 }, { id: 3, dependsOn: [2] }]);
    expect(timesOf(plan, {}).criticalPath).toEqual({ phaseIds: [1], lengthMs: 0 });
  });
});
