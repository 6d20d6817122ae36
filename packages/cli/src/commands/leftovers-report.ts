import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
// Static imports are fine here: the commands load this module only when they run.
import { isCoreError } from '@kazuba/core';
import type { LeftoverBranch, LeftoverWorktree, Leftovers, findLeftovers } from '@kazuba/core/node';
import { CliError } from '../run/cli-error.js';

/** Why a root can hold no worktrees of its runs, so that nothing was looked for. */
export type NoLeftoversReason = 'not-a-repository' | 'not-the-top';

/** The worktrees and `kazuba/*` branches runs left, in JSON: worktree paths relative to the root. */
export interface LeftoversJson {
  readonly worktrees: readonly LeftoverWorktree[];
  readonly branches: readonly LeftoverBranch[];
}

/** What runs left at a root, the live runs' included, or why nothing was looked for. */
export interface RootLeftovers extends LeftoversJson {
  /** The root with its symbolic links resolved, as git names it: what the leftovers are looked for and removed in. */
  readonly gitRoot: string;
  /** Why nothing was looked for; absent when the root is the top of a git work tree. */
  readonly none?: NoLeftoversReason;
}

/** No worktrees, no branches. */
export const NO_LEFTOVERS: LeftoversJson = Object.freeze({ worktrees: [], branches: [] });

// git runs with LC_ALL=C (see @kazuba/core's runGit), so its message is the English one.
function isNotARepository(error: unknown): boolean {
  if (!isCoreError(error) || error.code !== 'git_failed') return false;
  const stderr = error.context['stderr'];
  return typeof stderr === 'string' && stderr.includes('not a git repository');
}

/**
 * Ends the command on a git failure in one line, exit 1 (a failure of the command, not of its input); rethrows
 * anything else.
 */
export function throwGitFailure(error: unknown): never {
  if (isCoreError(error) && error.code === 'git_failed') throw new CliError('run_failed', error.message, { cause: error });
  throw error;
}

/** The leftovers with their worktree paths relative to `gitRoot`, worktrees by path and branches by name. */
export function relativeLeftovers(gitRoot: string, leftovers: Leftovers): LeftoversJson {
  const worktrees = leftovers.worktrees.map((worktree) => ({ ...worktree, path: relative(gitRoot, worktree.path) }));
  return {
    worktrees: worktrees.sort((a, b) => a.path.localeCompare(b.path)),
    branches: [...leftovers.branches].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * Finds the worktrees and `kazuba/*` branches runs left at `root`. Only the top of a git work tree can hold
 * them: a root that is no git repository (or no folder) holds none, and in a folder inside a repository the
 * branches git lists belong to the runs at its top, whose records are not here, so they are not looked for.
 * @param find `@kazuba/core/node`'s `findLeftovers`
 * @throws CliError `run_failed` when git fails otherwise (it cannot start, the repository is broken).
 */
export async function readLeftovers(root: string, find: typeof findLeftovers): Promise<RootLeftovers> {
  if (!existsSync(root)) return { gitRoot: root, none: 'not-a-repository', ...NO_LEFTOVERS };
  // git names paths with their links resolved: under a linked root, no worktree path would be under the root.
  const gitRoot = await realpath(root);
  let leftovers: Leftovers;
  try {
    leftovers = await find(gitRoot);
  } catch (error) {
    if (isNotARepository(error)) return { gitRoot, none: 'not-a-repository', ...NO_LEFTOVERS };
    throwGitFailure(error);
  }
  // `.git` is a folder at the top of a repository, a file at the top of a linked worktree, absent below a top.
  if (!existsSync(join(gitRoot, '.git'))) return { gitRoot, none: 'not-the-top', ...NO_LEFTOVERS };
  return { gitRoot, ...relativeLeftovers(gitRoot, leftovers) };
}

/** `phase 2 of run <id>`, or `run <id>` for a leftover whose phase cannot be told. */
export function describeOwner(owner: { readonly runId: string; readonly phaseId?: number }): string {
  return owner.phaseId === undefined ? `run ${owner.runId}` : `phase ${owner.phaseId} of run ${owner.runId}`;
}
