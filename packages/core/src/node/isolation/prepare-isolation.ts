import { CoreError } from '../../core-error.js';
import type { GitOptions } from '../git/git.js';
import { ignoreHypervisorFolder, inspectRoot } from '../git/repository.js';

/** What a caller may pass to {@link prepareIsolation}. */
export interface PrepareIsolationOptions extends GitOptions {
  /**
   * Run even when tracked files at the root have changes (the phases then start from HEAD, not from them).
   * @default false
   */
  readonly allowDirty?: boolean;
}

/** How a run's attempts are isolated, as {@link prepareIsolation} decided. */
export type IsolationDecision =
  /** Each attempt runs in its own worktree; `branch` is the integration branch. */
  | { readonly isolation: 'worktree'; readonly branch: string }
  /** The root cannot host worktrees: attempts run in the root itself, as without git. */
  | { readonly isolation: 'none'; readonly reason: string };

const SHOWN_FILES = 10;

function listFiles(files: readonly string[]): string {
  const shown = files.slice(0, SHOWN_FILES).join(', ');
  return files.length > SHOWN_FILES ? `${shown} and ${files.length - SHOWN_FILES} more` : shown;
}

/**
 * Decides whether a run at `root` can use worktree isolation and prepares the root for it: `none` (with the
 * reason) when the root is not the top of a git work tree with a commit; else the integration branch, after
 * keeping `.hypervisor/` out of git.
 * @throws CoreError `invalid_config` when HEAD is detached, or tracked files have changes and `allowDirty` is not
 *   set (naming at most 10 of them); `git_failed` when git cannot start.
 * @example
 * const decision = await prepareIsolation(root, { allowDirty: flags.allowDirty });
 * if (decision.isolation === 'worktree') runner = createWorktreeRunner({ root, runId, runner });
 */
export async function prepareIsolation(root: string, options: PrepareIsolationOptions = {}): Promise<IsolationDecision> {
  const { allowDirty = false, ...gitOptions } = options;
  const inspection = await inspectRoot(root, gitOptions);
  if (!inspection.isWorkTreeTop) return Object.freeze({ isolation: 'none', reason: `${root} is not the top of a git work tree` });
  if (!inspection.hasCommit) return Object.freeze({ isolation: 'none', reason: `the git repository at ${root} has no commit yet` });
  if (inspection.branch === undefined) {
    throw new CoreError('invalid_config', `the git repository at ${root} has a detached HEAD: check out a branch`, { root });
  }
  const { dirtyFiles } = inspection;
  if (dirtyFiles.length > 0 && !allowDirty) {
    const message = `the working tree at ${root} has uncommitted changes in ${listFiles(dirtyFiles)}: commit or stash them, or allow a dirty tree`;
    throw new CoreError('invalid_config', message, { root, dirtyFiles });
  }
  await ignoreHypervisorFolder(root);
  return Object.freeze({ isolation: 'worktree', branch: inspection.branch });
}
