import { firstValueFrom, from } from 'rxjs';
import { decideResume } from '../checkpoint/resume.js';
import type { ResumeDecision } from '../checkpoint/resume.js';
import type { Phase, Plan } from '../plan/plan.js';
import type { CheckpointStore } from './ports.js';

/** A resume decision, with what made a checkpoint unreadable when one was. */
export interface PhaseResumeDecision extends ResumeDecision {
  readonly error?: unknown;
}

/**
 * Reads every phase's record and decides which phases resume skips. A record that cannot be read (corrupt,
 * unreadable) never counts as complete: the phase runs again and the decision carries the error.
 */
export async function readResumeDecisions(plan: Plan, store: CheckpointStore | undefined, force: boolean): Promise<ReadonlyMap<number, PhaseResumeDecision>> {
  if (store === undefined) return new Map(plan.phases.map((phase) => [phase.id, { run: true, reason: 'no-checkpoint' }]));
  if (force) return new Map(plan.phases.map((phase) => [phase.id, { run: true, reason: 'forced' }]));
  const decide = async (phase: Phase): Promise<[number, PhaseResumeDecision]> => {
    try {
      const view = await firstValueFrom(from(store.read(phase)), { defaultValue: undefined });
      return [phase.id, decideResume(view, phase.hash)];
    } catch (error) {
      return [phase.id, { run: true, reason: 'unreadable-checkpoint', error }];
    }
  };
  return new Map(await Promise.all(plan.phases.map(decide)));
}
