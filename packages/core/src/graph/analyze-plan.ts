import type { Plan } from '../plan/plan.js';
import type { GroupPolicy } from '../schedule/dispatcher.js';
import { simulateWithPriority } from '../schedule/simulate-plan.js';
import { computePathTimes } from './critical-path.js';
import { createHintEstimator } from './estimator.js';
import type { Estimate, Estimator } from './estimator.js';
import { levelsOf, topologicalOrder } from './topology.js';

/** Options of {@link analyzePlan}. */
export interface AnalyzePlanOptions {
  /**
   * Workers for the makespan estimate and its lower bound.
   * @default 4
   */
  readonly workers?: number;
  /**
   * Where durations come from.
   * @default createHintEstimator()
   */
  readonly estimator?: Estimator;
  /**
   * The `parallel_group` policy of the simulated run.
   * @default 'strict'
   */
  readonly groupPolicy?: GroupPolicy;
}

/** What running a plan will look like, before anything runs. */
export interface PlanAnalysis {
  readonly plan: string;
  readonly workers: number;
  readonly groupPolicy: GroupPolicy;
  /** Every phase after its dependencies, ties broken by id. */
  readonly order: readonly number[];
  /** Phase ids by level (longest-path depth): `levels[0]` have no dependencies. */
  readonly levels: readonly (readonly number[])[];
  readonly widestLevel: { readonly level: number; readonly width: number };
  readonly estimates: ReadonlyMap<number, Estimate>;
  readonly totalWorkMs: number;
  readonly criticalPath: { readonly phaseIds: readonly number[]; readonly lengthMs: number };
  readonly slackMs: ReadonlyMap<number, number>;
  /** max(critical path, total work / workers): no schedule can beat it. */
  readonly lowerBoundMs: number;
  /** The scheduler's own rule run on a virtual clock with these workers (see `simulatePlan`). */
  readonly makespanMs: number;
  readonly peakConcurrency: number;
}

function groupLevels(order: readonly number[], levelOf: ReadonlyMap<number, number>): number[][] {
  const levels: number[][] = [];
  for (const id of order) {
    const level = levelOf.get(id) ?? 0;
    (levels[level] ??= []).push(id);
  }
  return levels.map((ids) => ids.sort((a, b) => a - b));
}

/**
 * Analyses a plan in O((V+E) log V): deterministic order, levels, duration estimates, critical path, slack,
 * a lower bound on the makespan for the given workers, and the makespan the scheduler would reach.
 * @example
 * const analysis = analyzePlan(await loadPlan('plans/v2'), { workers: 4 });
 * analysis.criticalPath.phaseIds; // [11, 13, 14, 15, 18, 19, 21, 22]
 */
export function analyzePlan(plan: Plan, options: AnalyzePlanOptions = {}): PlanAnalysis {
  const workers = options.workers ?? 4;
  const groupPolicy = options.groupPolicy ?? 'strict';
  const estimator = options.estimator ?? createHintEstimator();
  const estimates = new Map(plan.phases.map((phase) => [phase.id, estimator.estimate(phase)]));
  const durations = new Map([...estimates].map(([id, estimate]) => [id, estimate.durationMs]));
  const order = topologicalOrder(plan);
  const levels = groupLevels(order, levelsOf(plan, order));
  const widest = levels.reduce((best, ids, level) => (ids.length > best.width ? { level, width: ids.length } : best), { level: 0, width: 0 });
  const times = computePathTimes(plan, order, durations);
  let totalWorkMs = 0;
  for (const ms of durations.values()) totalWorkMs += ms;
  const simulated = simulateWithPriority(plan, { workers, durations, groupPolicy }, times.remainingMs);
  return {
    plan: plan.name,
    workers,
    groupPolicy,
    order,
    levels,
    widestLevel: widest,
    estimates,
    totalWorkMs,
    criticalPath: times.criticalPath,
    slackMs: times.slackMs,
    lowerBoundMs: Math.max(times.criticalPath.lengthMs, totalWorkMs / workers),
    makespanMs: simulated.makespanMs,
    peakConcurrency: simulated.peakConcurrency,
  };
}
