import { firstValueFrom, from } from 'rxjs';
import { decideResume } from '../checkpoint/resume.js';
import type { ResumeDecision } from '../checkpoint/resume.js';
import type { Plan } from '../plan/plan.js';
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
  const decide = async (phaseId: number, hash: string, read: () => ReturnType<CheckpointStore['read']>): Promise<[number, PhaseResumeDecision]> => {
    if (force) return [phaseId, { run: true, reason: 'forced' }];
    try {
      const view = await firstValueFrom(from(read()), { defaultValue: undefined });
      return [phaseId, decideResume(view, hash)];
    } catch (error) {
      return [phaseId, { run: true, reason: 'unreadable-checkpoint', error }];
    }
  };
  if (store === undefined) return new Map(plan.phases.map((phase) => [phase.id, { run: true, reason: 'no-checkpoint' }]));
  return new Map(await Promise.all(plan.phases.map((phase) => decide(phase.id, phase.hash, () => store.read(phase)))));
}
