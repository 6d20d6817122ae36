import { runGit } from './git.js';
import type { GitOptions } from './git.js';
import { identityArgs } from './identity.js';

/**
 * Every path but the hypervisor's state: a `.hypervisor/` folder at any depth (a validation script may write a
 * checkpoint in the worktree) is never staged.
 */
const EVERYTHING_BUT_STATE = ['.', ':(exclude,glob).hypervisor/**', ':(exclude,glob)**/.hypervisor/**'];

/** What a caller may pass to {@link commitAll}. */
export interface CommitAllOptions extends GitOptions {
  /** Paths relative to the worktree that are never staged either (a phase's checkpoint path). */
  readonly exclude?: readonly string[];
}

/**
 * Commits everything that changed in `worktree` (untracked files included, `.hypervisor/` and `exclude`
 * excluded) and returns the new commit's sha, or `undefined` when nothing changed (commits the agent made itself
 * stay as they are).
 * Uses git's configured identity, else `kazuba hypervisor <hypervisor@kazuba.invalid>`. Hooks do not run: the
 * phase's validation has already judged the change.
 * @throws CoreError `git_failed` when staging or committing fails.
 * @example
 * const commit = await commitAll(worktree, 'phase build: Build the parser');
 */
export async function commitAll(worktree: string, message: string, commitOptions: CommitAllOptions = {}): Promise<string | undefined> {
  const { exclude = [], ...options } = commitOptions;
  const excluded = exclude.map((path) => `:(exclude,literal)${path}`);
  await runGit(worktree, ['add', '--all', '--', ...EVERYTHING_BUT_STATE, ...excluded], options);
  const staged = await runGit(worktree, ['diff', '--cached', '--quiet'], { ...options, allowFailure: true });
  if (staged.exitCode === 0) return undefined;
  const identity = await identityArgs(worktree, options);
  await runGit(worktree, [...identity, 'commit', '--quiet', '--no-verify', '-m', message], options);
  return headOf(worktree, options);
}

/**
 * The sha of the commit checked out in a repository or worktree.
 * @throws CoreError `git_failed` when it has no commit or is not a repository.
 */
export async function headOf(repoOrWorktree: string, options: GitOptions = {}): Promise<string> {
  const { stdout } = await runGit(repoOrWorktree, ['rev-parse', '--verify', 'HEAD'], options);
  return stdout.trim();
}

/**
 * Whether the commit checked out in `repo` (its HEAD) already holds `commit`: merging it would bring nothing.
 * @example
 * if (await holdsCommit(root, phaseCommit)) return; // already merged
 */
export async function holdsCommit(repo: string, commit: string, options: GitOptions = {}): Promise<boolean> {
  return (await runGit(repo, ['merge-base', '--is-ancestor', commit, 'HEAD'], { ...options, allowFailure: true })).exitCode === 0;
}
