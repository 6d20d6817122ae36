import type { CheckpointView } from '@kazuba/toon';

/** Why a phase runs again, or why it does not. */
export type ResumeReason = 'completed' | 'no-checkpoint' | 'unreadable-checkpoint' | 'not-successful' | 'phase-changed' | 'forced';

/** Whether resume runs a phase, and why. */
export interface ResumeDecision {
  readonly run: boolean;
  readonly reason: ResumeReason;
}

/**
 * Decides whether a phase must run again on resume (DESIGN.md section 4): not when its checkpoint records
 * success and its phase file is unchanged since. A checkpoint of the original Python tooling records no
 * hash, so its success counts as it stands.
 *
 * @param view the phase's checkpoint, or undefined when it has none
 * @param phaseHash the current hash of the phase file (see `hashPhaseSource`)
 * @example
 * decideResume(normalizeCheckpoint(value), hashPhaseSource(source)); // { run: false, reason: 'completed' }
 */
export function decideResume(view: CheckpointView | undefined, phaseHash: string): ResumeDecision {
  if (view === undefined) return { run: true, reason: 'no-checkpoint' };
  if (view.status !== 'success') return { run: true, reason: 'not-successful' };
  if (view.phaseHash !== undefined && view.phaseHash !== phaseHash) return { run: true, reason: 'phase-changed' };
  return { run: false, reason: 'completed' };
}
