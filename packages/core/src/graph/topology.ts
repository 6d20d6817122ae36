import type { Plan } from '../plan/plan.js';
import { BinaryHeap } from './binary-heap.js';

/** The dependents of each phase, in id order. */
export function dependentsOf(plan: Plan): ReadonlyMap<number, readonly number[]> {
  const dependents = new Map<number, number[]>(plan.phases.map((phase) => [phase.id, []]));
  for (const phase of plan.phases) for (const dependency of phase.dependsOn) dependents.get(dependency)?.push(phase.id);
  return dependents;
}

/**
 * The phases in an order where every phase comes after its dependencies; among phases that could go next, the
 * smallest id first, so the order is the same on every run. Kahn's algorithm with a heap: O((V+E) log V).
 */
export function topologicalOrder(plan: Plan): number[] {
  const dependents = dependentsOf(plan);
  const waiting = new Map(plan.phases.map((phase) => [phase.id, phase.dependsOn.length]));
  const ready = new BinaryHeap<number>((a, b) => a < b);
  for (const [id, count] of waiting) if (count === 0) ready.push(id);
  const order: number[] = [];
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    order.push(id);
    for (const dependent of dependents.get(id) ?? []) {
      const left = (waiting.get(dependent) ?? 0) - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  return order;
}

/** Each phase's level: 0 without dependencies, else one more than its deepest dependency. */
export function levelsOf(plan: Plan, order: readonly number[]): ReadonlyMap<number, number> {
  const levels = new Map<number, number>();
  for (const id of order) {
    const phase = plan.byId.get(id);
    const deepest = Math.max(-1, ...(phase?.dependsOn ?? []).map((dependency) => levels.get(dependency) ?? 0));
    levels.set(id, deepest + 1);
  }
  return levels;
}
