import { computePathTimes } from '../graph/critical-path.js';
import { dependentsOf, topologicalOrder } from '../graph/topology.js';
import { BinaryHeap } from '../graph/binary-heap.js';
import type { Plan } from '../plan/plan.js';
import { Dispatcher } from './dispatcher.js';
import type { GroupPolicy } from './dispatcher.js';

/** One phase's place in a simulated schedule. */
export interface ScheduledPhase {
  readonly phaseId: number;
  readonly startMs: number;
  readonly endMs: number;
  /** The worker slot, 0 to workers − 1. */
  readonly worker: number;
}

/** A simulated run: every phase's start and end, in start order, and the total time. */
export interface SimulatedSchedule {
  readonly phases: readonly ScheduledPhase[];
  readonly makespanMs: number;
  /** The most phases that ran at once. */
  readonly peakConcurrency: number;
}

/** Options of {@link simulatePlan}. */
export interface SimulatePlanOptions {
  readonly workers: number;
  /** Each phase's duration in milliseconds; a phase not listed takes 0. */
  readonly durations: ReadonlyMap<number, number>;
  /**
   * The `parallel_group` policy.
   * @default 'strict'
   */
  readonly groupPolicy?: GroupPolicy;
}

interface Running {
  readonly phaseId: number;
  readonly endMs: number;
  readonly worker: number;
}

/**
 * Runs the scheduler's dispatch rule on a virtual clock: every phase succeeds after its duration. Tells users
 * what a worker count buys, and is the makespan estimate `analyzePlan` reports.
 * @example
 * const { makespanMs } = simulatePlan(plan, { workers: 4, durations });
 */
export function simulatePlan(plan: Plan, options: SimulatePlanOptions): SimulatedSchedule {
  const order = topologicalOrder(plan);
  const { remainingMs } = computePathTimes(plan, order, options.durations);
  const dispatcher = new Dispatcher({
    workers: options.workers,
    groupPolicy: options.groupPolicy ?? 'strict',
    priorityOf: (id) => remainingMs.get(id) ?? 0,
    groupOf: (id) => plan.byId.get(id)?.parallelGroup ?? null,
  });
  const dependents = dependentsOf(plan);
  const waiting = new Map(plan.phases.map((phase) => [phase.id, phase.dependsOn.length]));
  for (const [id, count] of waiting) if (count === 0) dispatcher.markReady(id);
  const running = new BinaryHeap<Running>((a, b) => a.endMs < b.endMs || (a.endMs === b.endMs && a.phaseId < b.phaseId));
  const freeWorkers = new BinaryHeap<number>((a, b) => a < b);
  for (let worker = 0; worker < options.workers; worker += 1) freeWorkers.push(worker);
  const phases: ScheduledPhase[] = [];
  let now = 0;
  let peak = 0;
  const complete = (done: Running): void => {
    dispatcher.finished(done.phaseId);
    freeWorkers.push(done.worker);
    for (const dependent of dependents.get(done.phaseId) ?? []) {
      const left = (waiting.get(dependent) ?? 0) - 1;
      waiting.set(dependent, left);
      if (left === 0) dispatcher.markReady(dependent);
    }
  };
  for (;;) {
    for (let id = dispatcher.next(); id !== undefined; id = dispatcher.next()) {
      const worker = freeWorkers.pop() as number;
      const endMs = now + (options.durations.get(id) ?? 0);
      running.push({ phaseId: id, endMs, worker });
      phases.push({ phaseId: id, startMs: now, endMs, worker });
    }
    peak = Math.max(peak, dispatcher.running);
    const first = running.peek();
    if (first === undefined) break;
    now = first.endMs;
    // Every phase ending at this instant frees its worker before the next choice is made.
    while (running.peek()?.endMs === now) complete(running.pop() as Running);
  }
  return { phases, makespanMs: now, peakConcurrency: peak };
}
