import type { LearningEvent } from '../learning-event.js';
import { CompactionCensus, markCompacted, resolveCompactionOptions } from './compaction-plan.js';
import type { CompactionOptions } from './compaction-plan.js';

/**
 * Bounds a learning-event history: the events of the latest `keepRuns` runs (by `metadata.run_id`, the run whose
 * last event comes last being the latest) stay as they are; of older runs, only the duration facts a duration
 * history reads are kept (successful `phase_end` events of a plan, not from a dry run), the last
 * `keepDurations` per phase of each plan, each marked `metadata.compacted: true`. Order is kept, so a duration
 * history built from the result gives the same estimates and samples as one built from the events given, for
 * any `keepLast` up to `keepDurations`. Compacting again changes nothing. Pure.
 * @throws BridgeError `invalid_options` when `keepRuns` or `keepDurations` is not a positive integer.
 * @example
 * const bounded = compactLearningEvents(await readLearningEvents(path), { keepRuns: 50 });
 */
export function compactLearningEvents(events: Iterable<LearningEvent>, options: CompactionOptions = {}): LearningEvent[] {
  const resolved = resolveCompactionOptions(options);
  const list = [...events];
  const census = new CompactionCensus();
  for (const event of list) census.count(event);
  const plan = census.plan(resolved);
  const kept: LearningEvent[] = [];
  for (const event of list) {
    const verdict = plan.verdict(event);
    if (verdict !== 'drop') kept.push(verdict === 'mark' ? markCompacted(event) : event);
  }
  return kept;
}
