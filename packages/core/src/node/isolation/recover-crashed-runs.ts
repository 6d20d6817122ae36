import { firstValueFrom, from } from 'rxjs';
import type { Plan } from '../../plan/plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';
import { holdsCommit } from '../git/commits.js';
import { removeLeftovers } from './leftovers.js';
import { forgetMergeIntent, readMergeJournal } from './merge-journal.js';
import type { JournalEntry } from './merge-journal.js';

/** What {@link recoverCrashedRuns} did for one crashed run. */
export interface RecoveredRun {
  readonly runId: string;
  /** Phases whose branch the run merged before it died, without a checkpoint: now recorded complete. */
  readonly completedPhases: readonly { readonly id: number; readonly title: string }[];
  /** The run's worktrees, removed (what they held committed on their branches first). */
  readonly removedWorktrees: readonly string[];
  /** The run's branches holding work the integration branch does not: kept for inspection. */
  readonly keptBranches: readonly string[];
}

/** What {@link recoverCrashedRuns} needs. */
export interface RecoverCrashedRunsOptions {
  /** The runs whose hypervisor died while they ran (see `reapOrphans`). */
  readonly runIds: readonly string[];
  /** The plan about to run: only its phases, unchanged since the crash, are recorded complete. */
  readonly plan: Plan;
  readonly store: CheckpointStore;
}

/** Records a journaled phase complete when its commit is in the integration branch and its checkpoint is not. */
async function completeFromJournal(root: string, entry: JournalEntry, options: RecoverCrashedRunsOptions): Promise<boolean> {
  const { record } = entry;
  const phase = options.plan.phases.find((candidate) => candidate.id === record.phase_id);
  // Another plan's phase, or one edited since: not this run's to decide.
  if (phase === undefined || phase.hash !== record.phase_hash) return false;
  const commit = record.isolation?.commit;
  const view = await firstValueFrom(from(options.store.read(phase)), { defaultValue: undefined }).catch(() => undefined);
  const recorded = view?.status === 'success' || view?.status === 'partial';
  const complete = !recorded && commit !== undefined && (await holdsCommit(root, commit));
  if (complete) await firstValueFrom(from(options.store.write(phase, record)), { defaultValue: undefined });
  // Merged and recorded, or never merged (its branch is a leftover): either way the entry is dealt with.
  await forgetMergeIntent(entry);
  return complete;
}

/**
 * Cleans up after runs whose hypervisor died (SIGKILL, power loss) under worktree isolation, before a new run
 * starts: a phase the dead run merged without writing its checkpoint is recorded complete from the merge journal
 * (when its commit is in the integration branch and its phase file is unchanged), so it is not run again; the
 * dead run's worktrees are removed, what they held first committed on their branches; its branches the
 * integration branch holds are deleted, the others kept for inspection (`hypervisor clean` removes them).
 * @throws CoreError `git_failed` when git refuses a removal; the store's error when a record cannot be written.
 */
export async function recoverCrashedRuns(root: string, options: RecoverCrashedRunsOptions): Promise<RecoveredRun[]> {
  const recovered: RecoveredRun[] = [];
  for (const runId of options.runIds) {
    const completedPhases: { id: number; title: string }[] = [];
    for (const entry of await readMergeJournal(root, runId)) {
      if (await completeFromJournal(root, entry, options)) completedPhases.push({ id: entry.record.phase_id, title: entry.record.phase_title });
    }
    const removed = await removeLeftovers(root, { runIds: [runId], keepUnmerged: true });
    recovered.push({
      runId,
      completedPhases,
      removedWorktrees: removed.worktrees.map((worktree) => worktree.path),
      keptBranches: removed.keptBranches.map((branch) => branch.name),
    });
  }
  return recovered;
}
