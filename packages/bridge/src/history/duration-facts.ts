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

/** The plan and phase a duration fact is about, as one key; undefined for any other event. */
export function durationFactKey(event: LearningEvent): string | undefined {
  return isDurationFact(event) ? JSON.stringify([event.metadata.plan_name, event.phase_id]) : undefined;
}
