import type { Plan } from '../plan/plan.js';
import { dependentsOf } from './topology.js';

/** Longest-path facts of a plan under given durations. */
export interface PathTimes {
  /** Earliest start of each phase with unlimited workers. */
  readonly earliestStartMs: ReadonlyMap<number, number>;
  /** How long each phase can slip without delaying the plan (0 on the critical path). */
  readonly slackMs: ReadonlyMap<number, number>;
  /** The longest chain from each phase to the end of the plan, the phase included: the scheduler's priority. */
  readonly remainingMs: ReadonlyMap<number, number>;
  /** The critical path's phases in run order, and its length. */
  readonly criticalPath: { readonly phaseIds: readonly number[]; readonly lengthMs: number };
}

function duration(durations: ReadonlyMap<number, number>, id: number): number {
  return durations.get(id) ?? 0;
}

/**
 * Computes earliest starts, remaining critical path, slack and the critical path itself, in O(V+E) given a
 * topological order. Ties on the critical path go to the smaller id.
 */
export function computePathTimes(plan: Plan, order: readonly number[], durations: ReadonlyMap<number, number>): PathTimes {
  const dependents = dependentsOf(plan);
  const earliest = new Map<number, number>();
  for (const id of order) {
    const deps = plan.byId.get(id)?.dependsOn ?? [];
    earliest.set(id, Math.max(0, ...deps.map((d) => (earliest.get(d) ?? 0) + duration(durations, d))));
  }
  const remaining = new Map<number, number>();
  for (const id of [...order].reverse()) {
    const next = (dependents.get(id) ?? []).map((d) => remaining.get(d) ?? 0);
    remaining.set(id, duration(durations, id) + Math.max(0, ...next));
  }
  let length = 0;
  for (const id of order) length = Math.max(length, (earliest.get(id) ?? 0) + duration(durations, id));
  const slack = new Map(order.map((id) => [id, length - (earliest.get(id) ?? 0) - (remaining.get(id) ?? 0)]));
  return { earliestStartMs: earliest, slackMs: slack, remainingMs: remaining, criticalPath: { phaseIds: tracePath(plan, order, remaining, dependents), lengthMs: length } };
}

function pickLongest(ids: readonly number[], remaining: ReadonlyMap<number, number>): number | undefined {
  let best: number | undefined;
  let bestMs = -1;
  for (const id of ids) {
    const ms = remaining.get(id) ?? 0;
    if (ms > bestMs || (ms === bestMs && best !== undefined && id < best)) {
      best = id;
      bestMs = ms;
    }
  }
  return best;
}

// Starts at the source with the longest remaining path and follows, each time, the dependent that carries it.
function tracePath(plan: Plan, order: readonly number[], remaining: ReadonlyMap<number, number>, dependents: ReadonlyMap<number, readonly number[]>): number[] {
  const sources = order.filter((id) => (plan.byId.get(id)?.dependsOn.length ?? 0) === 0);
  const path: number[] = [];
  for (let id = pickLongest(sources, remaining); id !== undefined; id = pickLongest(dependents.get(id) ?? [], remaining)) path.push(id);
  return path;
}
