import { LEARNING_EVENT_TYPES } from '../learning-event.js';
import type { LearningEvent } from '../learning-event.js';

/** How many durations per phase a duration history keeps by default; compaction keeps as many. */
export const DEFAULT_KEEP_LAST = 10;

/**
 * Tells whether an event is a measured duration a duration history learns from: a `phase_end` with
 * `success: true` and a `duration_ms`, of a named plan, not from a dry run (a dry run plays each phase for its
 * estimate, which would feed the estimate back as a measurement).
 */
export function isDurationFact(event: LearningEvent): event is LearningEvent & { readonly phase_id: number; readonly duration_ms: number } {
  const { metadata } = event;
  return (
    event.event_type === 'phase_end' &&
    event.success === true &&
    event.phase_id !== null &&
    event.duration_ms !== null &&
    metadata.plan_name !== undefined &&
    metadata['dry_run'] !== true
  );
}

/** A line that says it is a learning event of a type other than `phase_end` (the types are plain words: no escaping). */
const OTHER_EVENT_TYPE = new RegExp(`"event_type"\\s*:\\s*"(?:${LEARNING_EVENT_TYPES.filter((type) => type !== 'phase_end').join('|')})"`);

/**
 * Tells from the text of a JSONL line, without parsing it, whether it may hold a duration fact: what spares a
 * duration history the parsing and validation of the other lines, most of a long history. Only a line that is a
 * whole JSON object (from `{` to `}`), says it is a learning event of another type, and never mentions `phase_end`
 * (nor holds a `\u` escape, which could spell it) is passed over. Any other line is parsed, so a line torn by a
 * crash, or one that is no learning event at all, is still reported.
 */
export function mayBeDurationFact(text: string): boolean {
  const line = text.trim();
  if (!line.startsWith('{') || !line.endsWith('}') || line.includes('phase_end') || line.includes('\\u')) return true;
  return !OTHER_EVENT_TYPE.test(line);
}

/** The plan and phase a duration fact is about, as one key; undefined for any other event. */
export function durationFactKey(event: LearningEvent): string | undefined {
  return isDurationFact(event) ? JSON.stringify([event.metadata.plan_name, event.phase_id]) : undefined;
}
