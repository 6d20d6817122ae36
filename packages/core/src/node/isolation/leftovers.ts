import { existsSync } from 'node:fs';
import { readdir, realpath, rmdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { holdsCommit } from '../git/commits.js';
import { runGit } from '../git/git.js';
import type { GitOptions } from '../git/git.js';
import { deleteBranch, listWorktrees } from '../git/worktrees.js';
import { pathSegment } from '../store/run-folder.js';
import { readRunStates } from '../store/run-states.js';
import type { RunState } from '../store/run-states.js';
import { setAsideWorktree } from './attempt-worktree.js';

/** What a leftover belongs to: its run (by the folder name it was made under), the run's state, the phase. */
interface LeftoverOwner {
  readonly runId: string;
  /** `unknown` when the run has no readable record. */
  readonly runState: RunState | 'unknown';
  readonly phaseId?: number;
}

/** A worktree a run left under `.hypervisor/worktrees/`. */
export interface LeftoverWorktree extends LeftoverOwner {
  readonly path: string;
  readonly branch?: string;
}

/** A `kazuba/<run>/phase-<id>-<attempt>` branch a run left. */
export interface LeftoverBranch extends LeftoverOwner {
  readonly name: string;
  readonly attempt?: number;
  readonly commit: string;
  /** Whether the integration branch (the root's HEAD) holds all of it: deleting it loses nothing. */
  readonly merged: boolean;
}

/** The worktrees and branches runs left behind, the live runs' included (see `runState`). */
export interface Leftovers {
  readonly worktrees: readonly LeftoverWorktree[];
  readonly branches: readonly LeftoverBranch[];
}

/** What {@link removeLeftovers} did. */
export interface RemovedLeftovers {
  readonly worktrees: readonly LeftoverWorktree[];
  readonly branches: readonly LeftoverBranch[];
  /** Branches kept because they hold work the integration branch does not (only with `keepUnmerged`). */
  readonly keptBranches: readonly LeftoverBranch[];
}

/** Which leftovers {@link removeLeftovers} removes. */
export interface RemoveLeftoversOptions extends GitOptions {
  /**
   * Only these runs' leftovers (run ids); by default those of every run that is not live.
   * A live run's leftovers are never removed.
   */
  readonly runIds?: readonly string[];
  /**
   * Keep the branches holding work the integration branch does not.
   * @default false
   */
  readonly keepUnmerged?: boolean;
}

function stateOf(states: ReadonlyMap<string, RunState>, segment: string): RunState | 'unknown' {
  for (const [runId, state] of states) if (pathSegment(runId) === segment) return state;
  return 'unknown';
}

function phaseOf(name: string): { phaseId?: number; attempt?: number } {
  const match = /^phase-(\d+)(?:-(\d+))?$/.exec(name);
  if (match === null) return {};
  return { phaseId: Number(match[1]), ...(match[2] === undefined ? {} : { attempt: Number(match[2]) }) };
}

async function leftoverWorktrees(root: string, states: ReadonlyMap<string, RunState>, options: GitOptions): Promise<LeftoverWorktree[]> {
  const folder = join(root, '.hypervisor', 'worktrees');
  const found: LeftoverWorktree[] = [];
  for (const entry of await listWorktrees(root, options)) {
    const parts = relative(folder, entry.path).split(sep);
    if (parts.length !== 2 || parts[0] === '..' || parts[0] === '') continue;
    const [runId, name] = parts as [string, string];
    const { phaseId } = phaseOf(name);
    found.push({ path: entry.path, runId, runState: stateOf(states, runId), ...(phaseId === undefined ? {} : { phaseId }), ...(entry.branch === undefined ? {} : { branch: entry.branch }) });
  }
  return found;
}

async function leftoverBranches(root: string, states: ReadonlyMap<string, RunState>, options: GitOptions): Promise<LeftoverBranch[]> {
  const { stdout } = await runGit(root, ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads/kazuba/'], options);
  const found: LeftoverBranch[] = [];
  for (const line of stdout.split('\n').filter((text) => text !== '')) {
    const [name = '', commit = ''] = line.split(' ');
    const parts = name.split('/');
    if (parts.length !== 3) continue;
    const runId = parts[1] as string;
    const merged = await holdsCommit(root, commit, options);
    found.push({ name, runId, runState: stateOf(states, runId), commit, merged, ...phaseOf(parts[2] as string) });
  }
  return found;
}

/**
 * Lists the worktrees under `<root>/.hypervisor/worktrees/<run>/` and the `kazuba/<run>/…` branches, each with
 * its run's state (from the run records) and, for branches, whether the root's HEAD already holds it.
 * @throws CoreError `git_failed` when `root` is not a git repository.
 */
export async function findLeftovers(givenRoot: string, options: GitOptions = {}): Promise<Leftovers> {
  // git names worktrees with symbolic links resolved (macOS /tmp is /private/tmp): so must the root.
  const root = await realpath(givenRoot);
  const states = await readRunStates(root);
  const [worktrees, branches] = await Promise.all([leftoverWorktrees(root, states, options), leftoverBranches(root, states, options)]);
  return { worktrees, branches };
}

/** Removes the folders under `.hypervisor/worktrees/` of the chosen runs that nothing is left in. */
async function removeEmptyRunFolders(root: string, chosen: (owner: LeftoverOwner) => boolean): Promise<void> {
  const folder = join(root, '.hypervisor', 'worktrees');
  if (!existsSync(folder)) return;
  const states = await readRunStates(root);
  for (const runId of await readdir(folder)) {
    // rmdir removes only an empty folder: one still holding a worktree stays.
    if (chosen({ runId, runState: stateOf(states, runId) })) await rmdir(join(folder, runId)).catch(() => undefined);
  }
}

/**
 * Removes the leftovers of runs that are not live (or of `runIds`, never a live one's): every worktree, what it
 * held first committed on its branch, then every branch (with `keepUnmerged`, only those the root's HEAD holds).
 * A deleted branch's `commit` holds all of its work: `git branch <name> <commit>` brings it back.
 * @throws CoreError `git_failed` when git refuses a removal.
 * @example
 * const removed = await removeLeftovers(root); // what `hypervisor clean` does
 */
export async function removeLeftovers(givenRoot: string, options: RemoveLeftoversOptions = {}): Promise<RemovedLeftovers> {
  const { runIds, keepUnmerged = false, ...gitOptions } = options;
  const root = await realpath(givenRoot);
  const wanted = runIds === undefined ? undefined : new Set(runIds.map(pathSegment));
  const chosen = (owner: LeftoverOwner): boolean => owner.runState !== 'live' && (wanted === undefined || wanted.has(owner.runId));
  const found = await findLeftovers(root, gitOptions);
  const worktrees = found.worktrees.filter(chosen);
  for (const worktree of worktrees) {
    await setAsideWorktree(root, worktree.path, `phase ${worktree.phaseId ?? '?'}: unfinished work of a run that stopped, kept by the hypervisor`);
  }
  await removeEmptyRunFolders(root, chosen);
  // Set aside, a worktree's branch may have gained a commit: look again.
  const branches = (await findLeftovers(root, gitOptions)).branches.filter(chosen);
  const removed = branches.filter((branch) => !keepUnmerged || branch.merged);
  for (const branch of removed) await deleteBranch(root, branch.name, gitOptions);
  return { worktrees, branches: removed, keptBranches: branches.filter((branch) => !removed.includes(branch)) };
}
