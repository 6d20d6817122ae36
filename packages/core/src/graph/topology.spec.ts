import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import { dependentsOf, levelsOf, topologicalOrder } from './topology.js';

// 7 and 10 are sources; 5 depends on 10 though its id is smaller; 1 is the only sink.
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

describe('dependentsOf', () => {
  it('lists the dependents of every phase in id order, and an empty list for a sink', () => {
    const dependents = dependentsOf(definePlan(definitions));
    expect(Object.fromEntries(dependents)).toEqual({ 1: [], 5: [60], 7: [], 10: [5, 20, 30], 20: [60], 30: [40], 40: [50], 50: [1], 60: [1] });
  });
});

describe('topologicalOrder', () => {
  it('puts every phase after its dependencies, taking the smallest ready id first', () => {
    expect(topologicalOrder(definePlan(definitions))).toEqual([7, 10, 5, 20, 30, 40, 50, 60, 1]);
  });

  it('gives the same order whatever order the phases were defined in', () => {
    const reversed = definePlan([...definitions].reverse());
    const shuffled = definePlan([definitions[4], definitions[0], definitions[8], definitions[2], definitions[6], definitions[1], definitions[3], definitions[7], definitions[5]] as PhaseDefinition[]);
    expect(topologicalOrder(reversed)).toEqual([7, 10, 5, 20, 30, 40, 50, 60, 1]);
    expect(topologicalOrder(shuffled)).toEqual([7, 10, 5, 20, 30, 40, 50, 60, 1]);
  });

  it('orders independent phases by id', () => {
    expect(topologicalOrder(definePlan([{ id: 3 }, { id: 1 }, { id: 2 }]))).toEqual([1, 2, 3]);
  });

  it('orders a chain whose ids run backwards from the last to the first', () => {
    expect(topologicalOrder(definePlan([{ id: 1, dependsOn: [2] }, { id: 2, dependsOn: [3] }, { id: 3 }]))).toEqual([3, 2, 1]);
  });

  it('places every phase once and after its dependencies, on random DAGs', () => {
    const dags = fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 40 }).map((rows) =>
      // Phase i (id 100 - i, so ids fall as depth grows) may depend only on phases defined before it.
      rows.map((picks, i): PhaseDefinition => ({ id: 100 - i, dependsOn: i === 0 ? [] : picks.map((p) => 100 - (p % i)) })),
    );
    fc.assert(
      fc.property(dags, (phases) => {
        const plan = definePlan(phases);
        const order = topologicalOrder(plan);
        expect([...order].sort((a, b) => a - b)).toEqual(plan.phases.map((phase) => phase.id));
        const position = new Map(order.map((id, index) => [id, index]));
        for (const phase of plan.phases) for (const dependency of phase.dependsOn) expect(position.get(dependency)).toBeLessThan(position.get(phase.id) as number);
      }),
    );
  });
});

describe('levelsOf', () => {
  it('gives 0 to phases without dependencies and one more than the deepest dependency to the rest', () => {
    const plan = definePlan(definitions);
    const levels = levelsOf(plan, topologicalOrder(plan));
    expect(Object.fromEntries(levels)).toEqual({ 1: 4, 5: 1, 7: 0, 10: 0, 20: 1, 30: 1, 40: 2, 50: 3, 60: 2 });
  });
});
