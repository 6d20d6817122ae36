import { BridgeError } from '../errors.js';
import { DEFAULT_KEEP_LAST, durationFactKey } from '../history/duration-facts.js';
import type { LearningEvent } from '../learning-event.js';

/** Options of `compactLearningEvents` and `compactLearningEventsFile`. */
export interface CompactionOptions {
  /**
   * How many of the latest runs keep all their events. Older runs keep only their duration facts (successful
   * `phase_end` events, marked `metadata.compacted: true`), as many as `keepDurations` allows.
   * @default 50
   */
  readonly keepRuns?: number;
  /**
   * How many duration facts to keep per phase of a plan, counting those of the runs kept whole. Estimates of a
   * duration history whose `keepLast` is at most this are the same before and after compaction.
   * @default 10, the duration history's default `keepLast`
   */
  readonly keepDurations?: number;
}

/** {@link CompactionOptions} with the defaults applied. */
export interface ResolvedCompactionOptions {
  readonly keepRuns: number;
  readonly keepDurations: number;
}

/** What compaction does with one event: keeps it as it is, keeps it marked as compacted, or leaves it out. */
export type CompactionVerdict = 'keep' | 'mark' | 'drop';

const DEFAULT_KEEP_RUNS = 50;

function positiveInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new BridgeError('invalid_options', `${field} must be a positive integer, got ${String(value)}`, { field });
  }
  return value;
}

/**
 * Applies the defaults of {@link CompactionOptions} and checks them.
 * @throws BridgeError `invalid_options` when `keepRuns` or `keepDurations` is not a positive integer.
 */
export function resolveCompactionOptions(options: CompactionOptions): ResolvedCompactionOptions {
  return {
    keepRuns: positiveInteger(options.keepRuns ?? DEFAULT_KEEP_RUNS, 'keepRuns'),
    keepDurations: positiveInteger(options.keepDurations ?? DEFAULT_KEEP_LAST, 'keepDurations'),
  };
}

/** Tells whether compaction kept an event from an older run (`metadata.compacted: true`). */
export function isCompacted(event: LearningEvent): boolean {
  return event.metadata.compacted === true;
}

// A run id is never empty, so '' cannot collide with one: events without a run id count as one run together.
const runKeyOf = (event: LearningEvent): string => event.metadata.run_id ?? '';

interface FactTally {
  total: number;
  /** The 0-based rank, among the facts of its phase, of the first one already marked compacted. */
  firstCompacted: number | undefined;
}

/**
 * What a first look at the events finds: the runs whose events are whole, ordered by their last event, and how
 * many duration facts each phase of each plan has. Pure; takes the events in file order.
 */
export class CompactionCensus {
  /** Events counted. */
  events = 0;
  /** Of those, events kept by an earlier compaction. */
  compacted = 0;
  readonly #lastSeen = new Map<string, number>();
  readonly #facts = new Map<string, FactTally>();

  count(event: LearningEvent): void {
    // Compacted events belong to runs compaction already reduced: they keep no run whole.
    if (isCompacted(event)) this.compacted += 1;
    else this.#lastSeen.set(runKeyOf(event), this.events);
    const key = durationFactKey(event);
    if (key !== undefined) {
      const tally = this.#facts.get(key) ?? { total: 0, firstCompacted: undefined };
      if (tally.firstCompacted === undefined && isCompacted(event)) tally.firstCompacted = tally.total;
      tally.total += 1;
      this.#facts.set(key, tally);
    }
    this.events += 1;
  }

  /** Decides which runs stay whole and how many facts of each phase to keep. */
  plan(options: ResolvedCompactionOptions): CompactionPlan {
    const latestFirst = [...this.#lastSeen].sort((a, b) => b[1] - a[1]).map(([run]) => run);
    return new CompactionPlan(new Set(latestFirst.slice(0, options.keepRuns)), latestFirst.length, this.#facts, options.keepDurations);
  }
}

/**
 * The verdict on each event, given in the order the census counted them. A fact of an older run is kept when it
 * is among the last `keepDurations` facts of its phase in the whole history: every fact left out has at least
 * that many after it, all kept, so the last `keepLast ≤ keepDurations` facts of each phase, all a duration
 * history reads, are the same before and after.
 */
export class CompactionPlan {
  /** Runs whose events are whole before compaction. */
  readonly runs: number;
  /** Of those, the runs whose events compaction reduces to duration facts. */
  readonly compactedRuns: number;
  /** Whether compaction changes anything: a run to reduce, or an older fact to leave out. */
  readonly changes: boolean;
  readonly #seen = new Map<string, number>();

  constructor(
    private readonly wholeRuns: ReadonlySet<string>,
    runs: number,
    private readonly facts: ReadonlyMap<string, FactTally>,
    private readonly keepDurations: number,
  ) {
    this.runs = runs;
    this.compactedRuns = runs - wholeRuns.size;
    const excessCompacted = [...facts.values()].some(({ total, firstCompacted }) => firstCompacted !== undefined && firstCompacted < total - keepDurations);
    this.changes = this.compactedRuns > 0 || excessCompacted;
  }

  verdict(event: LearningEvent): CompactionVerdict {
    const key = durationFactKey(event);
    const rank = key === undefined ? 0 : (this.#seen.get(key) ?? 0);
    if (key !== undefined) this.#seen.set(key, rank + 1);
    const compacted = isCompacted(event);
    if (!compacted && this.wholeRuns.has(runKeyOf(event))) return 'keep';
    if (key === undefined || rank < (this.facts.get(key)?.total ?? 0) - this.keepDurations) return 'drop';
    return compacted ? 'keep' : 'mark';
  }
}

/** The event with `metadata.compacted: true`, frozen. */
export function markCompacted(event: LearningEvent): LearningEvent {
  const metadata: LearningEvent['metadata'] = { ...event.metadata };
  metadata.compacted = true;
  return Object.freeze({ ...event, metadata: Object.freeze(metadata) });
}
