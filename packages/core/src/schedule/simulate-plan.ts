import { VirtualTimeScheduler, map, timer } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { BinaryHeap } from '../graph/binary-heap.js';
import { computePathTimes } from '../graph/critical-path.js';
import { topologicalOrder } from '../graph/topology.js';
import type { Plan } from '../plan/plan.js';
import { parseHypervisorConfig } from './config.js';
import type { GroupPolicy } from './dispatcher.js';
import type { PhaseRunner } from './ports.js';
import { RunEngine } from './run-engine.js';

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

/**
 * Plays the scheduler itself — the same engine as a real run, in dry-run form — on a virtual clock where every
 * phase succeeds after its duration: what a worker count buys, and the makespan `analyzePlan` reports. With one
 * worker it shows a sequential or interactive run (phases in plan order, the lowest ready id first); with more,
 * a parallel run with that many workers (the longest remaining critical path first).
 * Phases are given the lowest free worker slot as they start.
 * @throws RangeError when `workers` is not a positive integer or a duration is negative or not finite.
 * @example
 * const { makespanMs } = simulatePlan(plan, { workers: 4, durations });
 */
export function simulatePlan(plan: Plan, options: SimulatePlanOptions): SimulatedSchedule {
  return simulateWithPriority(plan, options, computePathTimes(plan, topologicalOrder(plan), options.durations).remainingMs);
}

/** {@link simulatePlan} for a caller that already holds each phase's remaining critical path (`analyzePlan`). */
export function simulateWithPriority(plan: Plan, options: SimulatePlanOptions, priority: ReadonlyMap<number, number>): SimulatedSchedule {
  for (const phase of plan.phases) {
    const ms = options.durations.get(phase.id) ?? 0;
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`duration of phase ${phase.id} must be a finite number ≥ 0, got ${ms}`);
  }
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
  return replay(playEngine(plan, options, priority), options.workers);
}

/** A runner that "runs" each phase for its duration on the given clock and succeeds: what a dry run executes. */
export function simulatedRunner(durations: ReadonlyMap<number, number>, scheduler: SchedulerLike): PhaseRunner {
  return {
    run: (request) =>
      timer(durations.get(request.phase.id) ?? 0, scheduler).pipe(map(() => ({ type: 'result' as const, result: { outcome: 'succeeded' as const } }))),
  };
}

function playEngine(plan: Plan, options: SimulatePlanOptions, priority: ReadonlyMap<number, number>): HypervisorEvent[] {
  const scheduler = new VirtualTimeScheduler();
  const config = parseHypervisorConfig({ mode: 'dry_run', maxWorkers: options.workers, groupPolicy: options.groupPolicy ?? 'strict', breaker: { threshold: 0 } });
  const events: HypervisorEvent[] = [];
  const engine = new RunEngine({
    plan,
    config,
    ports: { runner: simulatedRunner(options.durations, scheduler) },
    scheduler,
    runId: 'simulation',
    resume: new Map(),
    priority,
    dryRun: true,
    emit: (event) => events.push(event),
    complete: () => undefined,
  });
  engine.start();
  scheduler.flush();
  return events;
}

// Turns the engine's started/finished events into slots and times, phases in the order they started.
function replay(events: readonly HypervisorEvent[], workers: number): SimulatedSchedule {
  const free = new BinaryHeap<number>((a, b) => a < b);
  for (let worker = 0; worker < workers; worker += 1) free.push(worker);
  const phases: ScheduledPhase[] = [];
  const slotOf = new Map<number, number>();
  let running = 0;
  let peak = 0;
  let makespanMs = 0;
  for (const event of events) {
    if (event.type === 'phase:started') {
      slotOf.set(event.phaseId, phases.length);
      phases.push({ phaseId: event.phaseId, startMs: event.timestamp, endMs: event.timestamp, worker: free.pop() as number });
      running += 1;
      peak = Math.max(peak, running);
    } else if (event.type === 'phase:finished') {
      const index = slotOf.get(event.phaseId) as number;
      const started = phases[index] as ScheduledPhase;
      phases[index] = { ...started, endMs: event.timestamp };
      free.push(started.worker);
      running -= 1;
      makespanMs = Math.max(makespanMs, event.timestamp);
    }
  }
  return { phases, makespanMs, peakConcurrency: peak };
}
