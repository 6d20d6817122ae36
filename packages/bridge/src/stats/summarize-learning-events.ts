import { RESUMED_REASON } from '@kazuba/hypervisor-v2';
import { isCompacted } from '../compact/compaction-plan.js';
import type { LearningEvent } from '../learning-event.js';
import { median, percentile } from './order-statistics.js';

/** Mean, median and 95th percentile of phase durations in milliseconds; `null` when no phase finished. */
export interface DurationSummary {
  readonly mean: number | null;
  readonly median: number | null;
  /** The nearest-rank 95th percentile: the smallest duration that at least 95% of durations do not exceed. */
  readonly p95: number | null;
}

/** Counts and figures over a list of learning events: what {@link summarizeLearningEvents} returns. */
export interface LearningEventStats {
  /** Every event, of any type. */
  readonly events: number;
  /**
   * The part of `events` that compaction kept from older runs for the duration history (`metadata.compacted:
   * true`). Their runs' other events are gone, so the other figures leave them out and describe the runs whose
   * events are whole.
   */
  readonly compacted: number;
  /** Attempts started (`phase_start`). */
  readonly started: number;
  /** Phases that ended in success (`phase_end` with `success: true`). */
  readonly succeeded: number;
  /** Phases that ended partially done (`phase_end` with `success: false`: quality below the threshold). */
  readonly partial: number;
  /** Phases that failed for good (`phase_failed`). */
  readonly failed: number;
  /** Retries scheduled (`phase_retry`), rate-limit waits included. */
  readonly retried: number;
  /** The part of `retried` that waited for a rate limit (`metadata.rate_limited: true`) and spent no retry. */
  readonly rateLimited: number;
  /**
   * Phases skipped (`phase_skipped` with any status but `cancelled`), e.g. after a dependency failed; phases that
   * resume found already complete are counted apart, as `resumed`.
   */
  readonly skipped: number;
  /**
   * Phases that resume found already complete and did not run again: the `metadata.resumed` of each `run_end`, plus
   * the `phase_skipped` events of reason `already complete` that earlier versions recorded for each such phase.
   */
  readonly resumed: number;
  /** Phases cancelled (`phase_skipped` with `metadata.status: 'cancelled'`). */
  readonly cancelled: number;
  /** Durations of the phases that ran to an end (`phase_end` and `phase_failed`). */
  readonly durationMs: DurationSummary;
  /** Sum of `metadata.cost_usd` over all events, in US dollars. */
  readonly totalCostUsd: number;
  /** Per model (`metadata.model`): the attempts that ended on it, their turns and their cost. */
  readonly byModel: Readonly<Record<string, ModelStats>>;
}

/** What the attempts on one model did. */
export interface ModelStats {
  readonly attempts: number;
  readonly turns: number;
  readonly costUsd: number;
}

type MutableStats = {
  -readonly [K in Exclude<keyof LearningEventStats, 'durationMs' | 'byModel'>]: LearningEventStats[K];
};

/** The events that end an attempt: a retry (not a rate-limit wait), a phase's end or failure. */
function endsAttempt(event: LearningEvent): boolean {
  if (event.event_type === 'phase_retry') return event.metadata['rate_limited'] !== true;
  return event.event_type === 'phase_end' || event.event_type === 'phase_failed';
}

function countModel(byModel: Map<string, ModelStats>, event: LearningEvent): void {
  const model = event.metadata.model;
  if (model === undefined || !endsAttempt(event)) return;
  const seen = byModel.get(model) ?? { attempts: 0, turns: 0, costUsd: 0 };
  byModel.set(model, {
    attempts: seen.attempts + 1,
    turns: seen.turns + (event.metadata.turns ?? 0),
    costUsd: seen.costUsd + (event.metadata.cost_usd ?? 0),
  });
}

function count(stats: MutableStats, event: LearningEvent): void {
  switch (event.event_type) {
    case 'phase_start':
      stats.started += 1;
      return;
    case 'phase_end':
      if (event.success === true) stats.succeeded += 1;
      else stats.partial += 1;
      return;
    case 'phase_failed':
      stats.failed += 1;
      return;
    case 'phase_retry':
      stats.retried += 1;
      if (event.metadata['rate_limited'] === true) stats.rateLimited += 1;
      return;
    case 'phase_skipped':
      if (event.metadata.status === 'cancelled') stats.cancelled += 1;
      else if (event.metadata['reason'] === RESUMED_REASON) stats.resumed += 1;
      else stats.skipped += 1;
      return;
    case 'run_end':
      stats.resumed += event.metadata.resumed ?? 0;
      return;
    default:
      return;
  }
}

/**
 * Counts what happened in a list of learning events (a bridge's history, or a history file read back):
 * attempts started, phases succeeded, partial, failed, retried, skipped, resumed and cancelled, the duration mean /
 * median / p95 of phases that ran to an end, the total cost, and per model the attempts, turns and cost; the
 * events compaction kept from older runs are counted apart, as `compacted`. Pure.
 * @example
 * const stats = summarizeLearningEvents(await readLearningEvents('.hypervisor/learning.jsonl'));
 * console.log(`${stats.failed} failed, p95 ${stats.durationMs.p95} ms, $${stats.totalCostUsd.toFixed(2)}`);
 */
export function summarizeLearningEvents(events: Iterable<LearningEvent>): LearningEventStats {
  const stats: MutableStats = {
    events: 0,
    compacted: 0,
    started: 0,
    succeeded: 0,
    partial: 0,
    failed: 0,
    retried: 0,
    rateLimited: 0,
    skipped: 0,
    resumed: 0,
    cancelled: 0,
    totalCostUsd: 0,
  };
  const durations: number[] = [];
  const byModel = new Map<string, ModelStats>();
  for (const event of events) {
    stats.events += 1;
    if (isCompacted(event)) {
      stats.compacted += 1;
      continue;
    }
    count(stats, event);
    countModel(byModel, event);
    stats.totalCostUsd += event.metadata.cost_usd ?? 0;
    const ranToAnEnd = event.event_type === 'phase_end' || event.event_type === 'phase_failed';
    if (ranToAnEnd && event.duration_ms !== null) durations.push(event.duration_ms);
  }
  const sorted = durations.sort((a, b) => a - b);
  const durationMs: DurationSummary = {
    mean: sorted.length === 0 ? null : sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    median: median(sorted),
    p95: percentile(sorted, 95),
  };
  return Object.freeze({ ...stats, durationMs: Object.freeze(durationMs), byModel: Object.freeze(Object.fromEntries(byModel)) });
}
