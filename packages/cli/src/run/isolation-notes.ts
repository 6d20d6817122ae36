import { existsSync, readdirSync } from 'node:fs';
import { runWorktreesFolder } from '@kazuba/core/node';
import type { IsolationDecision, RecoveredRun } from '@kazuba/core/node';

/** What the run tells about worktree isolation: the decision, the clean-up after a crashed run, what it kept. */
export interface IsolationNotes {
  readonly onIsolation: (decision: IsolationDecision) => void;
  readonly onRecovery: (recovered: readonly RecoveredRun[]) => void;
  /** The folder of the worktrees this run kept (phases that failed or were stopped), when it kept any. */
  readonly keptWorktrees: () => string | undefined;
}

/** The lines that tell what was done after each crashed run: phases counted complete, worktrees removed, branches kept. */
export function recoveryLines(recovered: readonly RecoveredRun[]): string[] {
  return recovered.flatMap((run) => {
    const completed = run.completedPhases.map(
      (phase) => `phase ${phase.id} (${phase.title}) was merged by run ${run.runId} before it stopped: counted complete`,
    );
    const removed = run.removedWorktrees.length === 0 ? [] : [`removed ${run.removedWorktrees.length} worktree${run.removedWorktrees.length === 1 ? '' : 's'} of run ${run.runId}, which stopped without finishing`];
    const kept =
      run.keptBranches.length === 0
        ? []
        : [`its unfinished work is kept on ${run.keptBranches.length === 1 ? 'branch' : 'branches'} ${run.keptBranches.join(', ')} (\`hypervisor clean\` removes them)`];
    return [...completed, ...removed, ...kept];
  });
}

/**
 * Notes for a run at `root`: `note` receives each line to show; `keptWorktrees` looks, once the run is over, for
 * worktrees it left in `.hypervisor/worktrees/<run-id>`.
 */
export function createIsolationNotes(root: string, runId: string, note: (text: string) => void): IsolationNotes {
  let folder: string | undefined;
  return {
    onIsolation: (decision) => {
      if (decision.isolation !== 'worktree') return;
      folder = runWorktreesFolder(root, runId);
      note(`isolation: each phase runs in its own git worktree and is merged into ${decision.branch}`);
    },
    onRecovery: (recovered) => {
      for (const line of recoveryLines(recovered)) note(line);
    },
    keptWorktrees: () => {
      // The folder is missing, or empty, when every phase that ran merged.
      if (folder === undefined || !existsSync(folder)) return undefined;
      return readdirSync(folder).length === 0 ? undefined : folder;
    },
  };
}
