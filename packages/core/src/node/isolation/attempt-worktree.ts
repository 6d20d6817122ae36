import { existsSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize } from 'node:path';
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
export function attemptPlace(root: string, request: AttemptRequest): AttemptWorktree {
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

/** Where an attempt's branch starts: the integration branch's tip, or where the phase's previous attempt left off. */
export type AttemptStart = 'tip' | 'previous';

/**
 * Makes the attempt's worktree on a new branch. A worktree an earlier attempt of the phase left (failed,
 * stopped, conflicted) is set aside first: its work committed on its branch. The branch starts from that
 * attempt's branch when `start` is `previous` and there is one (a retry goes on from the files as the failed
 * attempt left them, as it would without isolation), else from the integration branch's tip now.
 */
export async function createAttemptWorktree(root: string, request: AttemptRequest, start: AttemptStart): Promise<AttemptWorktree> {
  const { worktree, branch } = attemptPlace(root, request);
  let base: string | undefined;
  if (existsSync(worktree)) {
    await setAsideWorktree(root, worktree, `phase ${request.phase.id}: unfinished work of an earlier attempt, kept by the hypervisor`);
    if (start === 'previous') base = await previousTip(root, request);
  }
  await addWorktree(root, { path: worktree, branch, from: base ?? (await headOf(root)) });
  return { worktree, branch };
}

/** The tip of the branch of the attempt before this one, when it exists. */
async function previousTip(root: string, request: AttemptRequest): Promise<string | undefined> {
  const previous = attemptPlace(root, { ...request, attempt: request.attempt - 1 }).branch;
  const found = await runGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${previous}`], { allowFailure: true });
  return found.exitCode === 0 ? found.stdout.trim() : undefined;
}


/**
 * Removes a merged attempt's worktree and branch, and the run's worktrees folder once it is empty; a failure to
 * do so is told on stderr, the merge stands.
 */
export async function removeMergedWorktree(root: string, place: AttemptWorktree): Promise<RunnerEvent[]> {
  try {
    await removeWorktree(root, place.worktree);
    await deleteBranch(root, place.branch);
    // Only an empty folder goes: another phase's worktree keeps it (and worktrees are added under the same lock).
    await rmdir(dirname(place.worktree)).catch(() => undefined);
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
