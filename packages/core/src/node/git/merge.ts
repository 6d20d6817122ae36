import { headOf } from './commits.js';
import { gitFailed, runGit } from './git.js';
import type { GitOptions, GitResult } from './git.js';
import { identityArgs } from './identity.js';

/** How a merge into the integration branch ended. */
export type MergeOutcome =
  /** The branch is in: `commit` is the new tip; `fastForward` when no merge commit was needed. */
  | { readonly outcome: 'merged'; readonly commit: string; readonly fastForward: boolean }
  /** Both sides changed `files`; the merge was aborted and the root left as it was. */
  | { readonly outcome: 'conflict'; readonly files: readonly string[] };

/**
 * Merges `branch` into the branch checked out at `root`, updating the root's working tree: a fast-forward when
 * possible (also when `branch` holds nothing new), else a merge commit with `message`. A conflict is never
 * resolved: the merge is aborted and the conflicted files returned.
 * @throws CoreError `git_failed` when the merge fails for another reason (a missing branch, local changes in the
 *   way); a merge git had begun is aborted first, so the root is never left mid-merge.
 * @example
 * const result = await mergeBranch(root, 'kazuba/r1/build', 'merge phase build');
 */
export async function mergeBranch(root: string, branch: string, message: string, options: GitOptions = {}): Promise<MergeOutcome> {
  const ancestry = ['merge-base', '--is-ancestor', 'HEAD', branch];
  const canFastForward = await runGit(root, ancestry, { ...options, allowFailure: true });
  // 1 means "not an ancestor"; anything else is git failing, e.g. on a branch that does not exist.
  if (canFastForward.exitCode > 1) throw gitFailed(root, ancestry, canFastForward);
  if (canFastForward.exitCode === 0) {
    await runGit(root, ['merge', '--ff-only', '--quiet', branch], options);
    return merged(root, true, options);
  }
  const identity = await identityArgs(root, options);
  const args = [...identity, 'merge', '--no-ff', '--no-edit', '-m', message, branch];
  const result = await runGit(root, args, { ...options, allowFailure: true });
  if (result.exitCode === 0) return merged(root, false, options);
  return abortFailedMerge(root, args, result, options);
}

async function merged(root: string, fastForward: boolean, options: GitOptions): Promise<MergeOutcome> {
  return Object.freeze({ outcome: 'merged', commit: await headOf(root, options), fastForward });
}

async function abortFailedMerge(root: string, args: string[], failed: GitResult, options: GitOptions): Promise<MergeOutcome> {
  const { stdout } = await runGit(root, ['diff', '--name-only', '--diff-filter=U', '-z'], options);
  const files = stdout.split('\0').filter((file) => file !== '');
  const inProgress = await runGit(root, ['rev-parse', '--quiet', '--verify', 'MERGE_HEAD'], { ...options, allowFailure: true });
  if (inProgress.exitCode === 0) await runGit(root, ['merge', '--abort'], options);
  if (files.length > 0) return Object.freeze({ outcome: 'conflict', files: Object.freeze(files) });
  throw gitFailed(root, args, failed);
}
