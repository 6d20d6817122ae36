import { BridgeError, isBridgeError } from '../errors.js';
import { streamLearningEvents } from '../io/learning-event-files.js';
import type { ReadLearningEventsOptions } from '../io/learning-event-files.js';
import type { LearningEvent } from '../learning-event.js';
import { median } from '../stats/order-statistics.js';
import { DEFAULT_KEEP_LAST, isDurationFact, mayBeDurationFact } from './duration-facts.js';
import type { EstimablePhase, PhaseEstimate, PhaseEstimator } from './phase-estimator.js';

/** One successful run of a phase, as the history keeps it. */
export interface DurationSample {
  readonly durationMs: number;
  /** The phase's hash when it ran; undefined when the event did not record it. */
  readonly phaseHash: string | undefined;
  readonly runId: string | undefined;
  /** When the phase ended, ISO 8601 UTC. */
  readonly timestamp: string;
}

/**
 * How the history treats samples recorded for another version of a phase (another `phase_hash`, or none).
 * `prefer`: use the samples of the current hash when there are any, else the others, since an edited phase is
 * usually about as long as before and a measured duration beats a size hint. `require`: use only samples of
 * the current hash, else the fallback.
 */
export type HashMatch = 'prefer' | 'require';

/** Options of {@link createDurationHistory}. */
export interface DurationHistoryOptions<P extends EstimablePhase, S extends string> {
  /** The plan whose phases are estimated: only events whose `metadata.plan_name` equals it are used. */
  readonly plan: string;
  /** Estimates a phase that has no usable history, e.g. `@kazuba/core`'s `createHintEstimator()`. */
  readonly fallback: PhaseEstimator<P, S>;
  /**
   * How many of the latest successful durations are kept per phase; the estimate is their median. Older ones
   * are dropped as events are read, so memory stays bounded however long the history file is.
   * @default 10
   */
  readonly keepLast?: number;
  /**
   * Whether samples of another version of the phase may be used; see {@link HashMatch}.
   * @default 'prefer'
   */
  readonly hashMatch?: HashMatch;
}

/** Options of {@link loadDurationHistory}. */
export interface LoadDurationHistoryOptions<P extends EstimablePhase, S extends string>
  extends DurationHistoryOptions<P, S>,
    ReadLearningEventsOptions {
  /**
   * Treat a history file that does not exist as empty (the first run has none yet) instead of failing.
   * @default true
   */
  readonly allowMissing?: boolean;
}

/**
 * Phase durations measured in earlier runs, as an estimator: the median of the last `keepLast` successful
 * durations of the phase, else the fallback's estimate. Pass it to `@kazuba/core`'s scheduler (or
 * `analyzePlan` / `simulatePlan`) as its estimator, so critical-path priorities and ETAs come from real
 * durations.
 */
export interface DurationHistory<P extends EstimablePhase = EstimablePhase, S extends string = string> extends PhaseEstimator<P, S | 'history'> {
  /** The plan this history is for. */
  readonly plan: string;
  /** The median of the phase's kept durations with `source: 'history'`, else `fallback.estimate(phase)`. */
  estimate(phase: P): PhaseEstimate<S | 'history'>;
  /** The durations kept for a phase, oldest first (at most `keepLast`). */
  samples(phaseId: number): readonly DurationSample[];
}

interface ResolvedOptions {
  readonly plan: string;
  readonly keepLast: number;
  readonly hashMatch: HashMatch;
}

function resolveOptions(options: DurationHistoryOptions<EstimablePhase, string>): ResolvedOptions {
  const keepLast = options.keepLast ?? DEFAULT_KEEP_LAST;
  if (!Number.isSafeInteger(keepLast) || keepLast < 1) {
    throw new BridgeError('invalid_options', `keepLast must be a positive integer, got ${String(keepLast)}`, { field: 'keepLast' });
  }
  if (typeof options.plan !== 'string' || options.plan === '') {
    throw new BridgeError('invalid_options', 'plan must name the plan whose durations to use', { field: 'plan' });
  }
  return { plan: options.plan, keepLast, hashMatch: options.hashMatch ?? 'prefer' };
}

/** Keeps the last `keepLast` successful durations per phase of one plan, as events go by. */
class SampleWindows {
  readonly #windows = new Map<number, DurationSample[]>();

  constructor(private readonly options: ResolvedOptions) {}

  add(event: LearningEvent): void {
    if (!isDurationFact(event) || event.metadata.plan_name !== this.options.plan) return;
    const { metadata } = event;
    let window = this.#windows.get(event.phase_id);
    if (window === undefined) {
      window = [];
      this.#windows.set(event.phase_id, window);
    }
    window.push(Object.freeze({ durationMs: event.duration_ms, phaseHash: metadata.phase_hash, runId: metadata.run_id, timestamp: event.timestamp }));
    if (window.length > this.options.keepLast) window.shift();
  }

  build<P extends EstimablePhase, S extends string>(fallback: PhaseEstimator<P, S>): DurationHistory<P, S> {
    const windows = new Map([...this.#windows].map(([id, samples]) => [id, Object.freeze(samples)] as const));
    const { plan, hashMatch } = this.options;
    return Object.freeze({
      plan,
      samples: (phaseId: number): readonly DurationSample[] => windows.get(phaseId) ?? [],
      estimate(phase: P): PhaseEstimate<S | 'history'> {
        const samples = windows.get(phase.id) ?? [];
        const current = samples.filter((sample) => sample.phaseHash === phase.hash);
        const usable = current.length > 0 || hashMatch === 'require' ? current : samples;
        const durationMs = median(usable.map((sample) => sample.durationMs).sort((a, b) => a - b));
        return durationMs === null ? fallback.estimate(phase) : { durationMs, source: 'history' };
      },
    });
  }
}

/**
 * Builds a {@link DurationHistory} from learning events already in memory (e.g. a bridge's `history()`). Uses
 * the `phase_end` events with `success: true` and a `duration_ms` whose `metadata.plan_name` is `plan` (dry
 * runs excluded), in the order given, keyed by phase id and aware of `metadata.phase_hash`. Pure.
 * @throws BridgeError `invalid_options` when `keepLast` is not a positive integer or `plan` is empty.
 * @example
 * const history = createDurationHistory(bridge.history(), { plan: plan.name, fallback: createHintEstimator() });
 * history.estimate(plan.phases[0]); // { durationMs: 61250, source: 'history' }
 */
export function createDurationHistory<P extends EstimablePhase, S extends string>(
  events: Iterable<LearningEvent>,
  options: DurationHistoryOptions<P, S>,
): DurationHistory<P, S> {
  const windows = new SampleWindows(resolveOptions(options));
  for (const event of events) windows.add(event);
  return windows.build(options.fallback);
}

/**
 * Reads one or more JSONL history files (in the order given, each line by line, keeping only the last
 * `keepLast` durations per phase in memory) into a {@link DurationHistory}; see {@link createDurationHistory}
 * for which events count. A whole line that says it is an event of another type (and never mentions `phase_end`)
 * is passed over unparsed; every other line is parsed and validated, so a torn line, or one that is no learning
 * event, is still reported.
 * @throws BridgeError `invalid_options`; `not_found` for a missing file when `allowMissing` is false;
 * `io_error`; `invalid_json_line` or `invalid_event_line` naming the file and line (unless `onInvalidLine` is
 * given).
 * @example
 * const history = await loadDurationHistory('.hypervisor/learning.jsonl', { plan: plan.name, fallback: createHintEstimator() });
 * const run$ = createRun(plan, config, { ...ports, estimator: history });
 */
export async function loadDurationHistory<P extends EstimablePhase, S extends string>(
  paths: string | readonly string[],
  options: LoadDurationHistoryOptions<P, S>,
): Promise<DurationHistory<P, S>> {
  const windows = new SampleWindows(resolveOptions(options));
  const allowMissing = options.allowMissing ?? true;
  // Only the lines that may be duration facts are parsed and validated: a long history is mostly other events.
  const readOptions = { select: mayBeDurationFact, ...(options.onInvalidLine === undefined ? {} : { onInvalidLine: options.onInvalidLine }) };
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    try {
      for await (const event of streamLearningEvents(path, readOptions)) windows.add(event);
    } catch (error) {
      if (!(allowMissing && isBridgeError(error) && error.code === 'not_found')) throw error;
    }
  }
  return windows.build(options.fallback);
}
