import { existsSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { AttemptRequest, RunnerEvent } from '../../schedule/ports.js';
import { commitAll, headOf } from '../git/commits.js';
import { runGit } from '../git/git.js';
import { addWorktree, deleteBranch, removeWorktree } from '../git/worktrees.js';
import { pathSegment } from '../store/run-folder.js';

/** Where one attempt runs: its worktree folder and branch. */
export interface AttemptWorktree {
  readonly worktree: string;
  readonly branch: string;
  /** The integration branch's tip the branch started from. */
  readonly base: string;
}

/** The folder that holds a run's worktrees: `<root>/.hypervisor/worktrees/<run-id>`. */
export function runWorktreesFolder(root: string, runId: string): string {
  return join(root, '.hypervisor', 'worktrees', pathSegment(runId));
}

/**
 * The worktree and branch of an attempt. The folder is the phase's (`phase-<id>`), the same for every attempt,
 * so that an agent resuming its session on a retry finds it where it left it (agents keep sessions per folder);
 * the branch is the attempt's (`kazuba/<run-id>/phase-<id>-<attempt>`).
 */
export function attemptPlace(root: string, request: AttemptRequest): Omit<AttemptWorktree, 'base'> {
  const { id } = request.phase;
  return {
    worktree: join(runWorktreesFolder(root, request.runId), `phase-${id}`),
    branch: `kazuba/${pathSegment(request.runId)}/phase-${id}-${request.attempt}`,
  };
}

/**
 * Saves what is left in a worktree as a commit on its own branch (so a kept branch holds all of a failed or
 * interrupted attempt's work), then removes the worktree; the branch stays.
 */
export async function setAsideWorktree(root: string, worktree: string, message: string): Promise<void> {
  if (existsSync(worktree)) await commitAll(worktree, message);
  await removeWorktree(root, worktree);
}

/**
 * Makes the attempt's worktree on a new branch from the integration branch's tip now. A worktree an earlier
 * attempt of the phase left (failed, conflicted) is set aside first: its work committed on its branch.
 */
export async function createAttemptWorktree(root: string, request: AttemptRequest): Promise<AttemptWorktree> {
  const { worktree, branch } = attemptPlace(root, request);
  if (existsSync(worktree)) await setAsideWorktree(root, worktree, `phase ${request.phase.id}: unfinished work of an earlier attempt, kept by the hypervisor`);
  const base = await headOf(root);
  await addWorktree(root, { path: worktree, branch, from: base });
  return { worktree, branch, base };
}

/** Removes a merged attempt's worktree and branch; a failure to do so is told on stderr, the merge stands. */
export async function removeMergedWorktree(root: string, place: AttemptWorktree): Promise<RunnerEvent[]> {
  try {
    await removeWorktree(root, place.worktree);
    await deleteBranch(root, place.branch);
    return [];
  } catch (error) {
    return [{ type: 'output', stream: 'stderr', text: `hypervisor: merged, but could not clean up: ${toEventError(error).message}\n` }];
  }
}

/** The phase's checkpoint path when it lies inside the work tree (it is then kept out of the phase's commit). */
export function checkpointInside(checkpoint: string): string[] {
  const path = normalize(checkpoint);
  return isAbsolute(path) || path === '..' || path.startsWith(`..${'/'}`) ? [] : [path];
}

/** Whether the branch changed `files` between two commits (both given as shas). */
export async function touchedBetween(root: string, from: string, to: string, files: readonly string[]): Promise<boolean> {
  const { stdout } = await runGit(root, ['diff', '--name-only', from, to, '--', ...files.map((file) => `:(literal)${file}`)]);
  return stdout.trim() !== '';
}
