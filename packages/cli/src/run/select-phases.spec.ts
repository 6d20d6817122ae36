import { describe, expect, it } from '@jest/globals';
import { definePlan } from '@kazuba/core';
import type { PhaseSelection } from './run-options.js';
import { selectPhases } from './select-phases.js';

// 1 → 2 → 4, 1 → 3 → 4, 5 alone
const plan = definePlan(
  [
    { id: 1, name: 'one' },
    { id: 2, dependsOn: [1] },
    { id: 3, dependsOn: [1] },
    { id: 4, dependsOn: [3, 2] },
    { id: 5 },
  ],
  { name: 'demo' },
);

const shape = (selected: ReturnType<typeof selectPhases>): [number, readonly number[]][] => selected.plan.phases.map((phase) => [phase.id, phase.dependsOn]);

describe('selectPhases', () => {
  it('keeps the whole plan when nothing is selected', () => {
    const selected = selectPhases(plan, { kind: 'all' });
    expect(selected.plan).toBe(plan);
    expect(selected.assumedDone.size).toBe(0);
  });

  it('keeps only the listed phases, and takes their other dependencies as done', () => {
    const selected = selectPhases(plan, { kind: 'only', ids: [4, 2] });
    expect(shape(selected)).toEqual([[2, []], [4, [2]]]);
    expect([...selected.assumedDone]).toEqual([[2, [1]], [4, [3]]]);
    expect(selected.plan.name).toBe('demo');
    expect(selected.plan.byId.get(4)?.hash).toBe(plan.byId.get(4)?.hash);
    expect(selected.plan.byId.has(1)).toBe(false);
  });

  it('keeps a phase and everything that depends on it, however indirectly', () => {
    const selected = selectPhases(plan, { kind: 'from', id: 3 });
    expect(shape(selected)).toEqual([[3, []], [4, [3]]]);
    expect([...selected.assumedDone]).toEqual([[3, [1]], [4, [2]]]);
    expect(shape(selectPhases(plan, { kind: 'from', id: 1 }))).toEqual([[1, []], [2, [1]], [3, [1]], [4, [3, 2]]]);
  });

  it('finds dependents listed before the phases they depend on', () => {
    const reversed = definePlan([{ id: 1, dependsOn: [2] }, { id: 2, dependsOn: [3] }, { id: 3 }]);
    expect(shape(selectPhases(reversed, { kind: 'from', id: 3 }))).toEqual([[1, [2]], [2, [3]], [3, []]]);
  });

  it.each([
    [{ kind: 'only', ids: [2, 9, 12] }, '--only: the plan has no phase 9, 12 (its phases: 1, 2, 3, 4, 5)'],
    [{ kind: 'from', id: 7 }, '--from: the plan has no phase 7 (its phases: 1, 2, 3, 4, 5)'],
  ] as [PhaseSelection, string][])('rejects ids the plan does not have: %j', (selection, message) => {
    expect(() => selectPhases(plan, selection)).toThrow(expect.objectContaining({ code: 'invalid_option', message }));
  });
});
