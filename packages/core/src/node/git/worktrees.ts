import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { runGit } from './git.js';
import type { GitOptions } from './git.js';

/** Where and on what a new worktree is made. */
export interface AddWorktreeOptions {
  /** The worktree's folder; it must not exist yet, its parent is created. */
  readonly path: string;
  /** The new branch the worktree checks out; it must not exist yet. */
  readonly branch: string;
  /** The commit-ish the branch starts from (a branch name, a sha). */
  readonly from: string;
}

/** One worktree of a repository, as `git worktree list --porcelain` tells it. */
export interface WorktreeEntry {
  readonly path: string;
  /** The commit checked out; absent for a bare repository. */
  readonly head?: string;
  /** The short branch name; absent when detached or bare. */
  readonly branch?: string;
  /** Whether git would prune it (its folder is gone). */
  readonly prunable: boolean;
}

/**
 * Makes a worktree of `root` at `path` on a new `branch` started from `from`.
 * @throws CoreError `git_failed` when the branch exists, the path is taken or `from` names no commit.
 * @example
 * await addWorktree(root, { path: `${root}/.hypervisor/worktrees/build`, branch: 'kazuba/r1/build', from: 'main' });
 */
export async function addWorktree(root: string, worktree: AddWorktreeOptions, options: GitOptions = {}): Promise<void> {
  await mkdir(dirname(resolve(root, worktree.path)), { recursive: true });
  await runGit(root, ['worktree', 'add', '--quiet', '-b', worktree.branch, worktree.path, worktree.from], options);
}

/**
 * Removes the worktree at `path` with whatever changes it holds; a worktree whose folder is already gone is
 * pruned instead. The branch stays (see {@link deleteBranch}).
 * @throws CoreError `git_failed` when `path` exists but is not a worktree of `root`.
 */
export async function removeWorktree(root: string, path: string, options: GitOptions = {}): Promise<void> {
  if (!existsSync(resolve(root, path))) {
    await runGit(root, ['worktree', 'prune'], options);
    return;
  }
  // Twice forced: also removes a locked worktree, which a killed run may leave.
  await runGit(root, ['worktree', 'remove', '--force', '--force', path], options);
}

/**
 * Lists the worktrees of `root`, the main one first.
 * @throws CoreError `git_failed` when `root` is not a repository.
 */
export async function listWorktrees(root: string, options: GitOptions = {}): Promise<WorktreeEntry[]> {
  const { stdout } = await runGit(root, ['worktree', 'list', '--porcelain'], options);
  return stdout
    .split(/\n\n+/)
    .filter((block) => block.startsWith('worktree '))
    .map(parseWorktree);
}

function parseWorktree(block: string): WorktreeEntry {
  const lines = block.split('\n');
  const value = (key: string) => lines.find((line) => line.startsWith(`${key} `))?.slice(key.length + 1);
  const head = value('HEAD');
  const branch = value('branch')?.replace(/^refs\/heads\//, '');
  return Object.freeze({
    path: block.replace(/\n[\s\S]*$/, '').slice('worktree '.length),
    ...(head === undefined ? {} : { head }),
    ...(branch === undefined ? {} : { branch }),
    prunable: lines.some((line) => line === 'prunable' || line.startsWith('prunable ')),
  });
}

/**
 * Deletes a branch whether or not it is merged.
 * @throws CoreError `git_failed` when the branch does not exist or is checked out in a worktree.
 */
export async function deleteBranch(root: string, branch: string, options: GitOptions = {}): Promise<void> {
  await runGit(root, ['branch', '--quiet', '-D', branch], options);
}
