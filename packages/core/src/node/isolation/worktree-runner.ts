import { join } from 'node:path';
import { defer, from, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { settleOnce } from '../agents/run-attempt.js';
import { commitAll, headOf } from '../git/commits.js';
import { mergeBranch } from '../git/merge.js';
import { createMergeLock } from '../git/merge-lock.js';
import type { MergeLock } from '../git/merge-lock.js';
import { pathSegment } from '../store/run-folder.js';
import { addWorktree, deleteBranch, removeWorktree } from '../git/worktrees.js';

/** Options of {@link createWorktreeRunner}. */
export interface WorktreeRunnerOptions {
  /** The project root: the top of the work tree whose checked-out branch is the integration branch. */
  readonly root: string;
  /** Runs each attempt inside its worktree (it receives the request with `workdir` set). */
  readonly runner: PhaseRunner;
  /** Names the run's worktrees folder and branches. */
  readonly runId: string;
  /**
   * Serialises every change to the root repository (worktrees added and removed, merges); share one between
   * runners that work on the same root.
   * @default a new lock of this runner's own
   */
  readonly lock?: MergeLock;
}

/** Where one attempt runs: its worktree folder and branch. */
interface AttemptWorktree {
  readonly worktree: string;
  readonly branch: string;
  /** The integration branch's tip the branch started from. */
  readonly base: string;
}

type Succeeded = Extract<AttemptResult, { outcome: 'succeeded' }>;
type Failed = Extract<AttemptResult, { outcome: 'failed' }>;

function resultEvent(result: AttemptResult): RunnerEvent {
  return { type: 'result', result };
}

function worktreeOf(options: WorktreeRunnerOptions, request: AttemptRequest): Omit<AttemptWorktree, 'base'> {
  const name = `phase-${request.phase.id}-${request.attempt}`;
  const run = pathSegment(options.runId);
  return { worktree: join(options.root, '.hypervisor', 'worktrees', run, name), branch: `kazuba/${run}/${name}` };
}

async function createWorktree(options: WorktreeRunnerOptions, request: AttemptRequest): Promise<AttemptWorktree> {
  const { worktree, branch } = worktreeOf(options, request);
  const base = await headOf(options.root);
  await addWorktree(options.root, { path: worktree, branch, from: base });
  return { worktree, branch, base };
}

/** Removes a merged attempt's worktree and branch; a failure to do so is told on stderr, the merge stands. */
async function removeMerged(root: string, place: AttemptWorktree): Promise<RunnerEvent[]> {
  try {
    await removeWorktree(root, place.worktree);
    await deleteBranch(root, place.branch);
    return [];
  } catch (error) {
    return [{ type: 'output', stream: 'stderr', text: `hypervisor: merged, but could not clean up: ${toEventError(error).message}\n` }];
  }
}

function conflictResult(result: Succeeded, place: AttemptWorktree, files: readonly string[]): Failed {
  const message = `merge conflict in ${files.join(', ')}`;
  return {
    outcome: 'failed',
    error: { name: 'MergeConflict', code: 'merge_conflict', message },
    ...(result.agent === undefined ? {} : { agent: result.agent }),
    ...(result.validation === undefined ? {} : { validation: result.validation }),
    conflict: { files, branch: place.branch, worktree: place.worktree },
  };
}

/**
 * Commits what a successful attempt left in its worktree and merges its branch into the integration branch under
 * the lock. Returns the result and the events to emit before it.
 */
async function integrate(options: WorktreeRunnerOptions & { readonly lock: MergeLock }, request: AttemptRequest, place: AttemptWorktree, result: AttemptResult): Promise<RunnerEvent[]> {
  if (result.outcome !== 'succeeded') return [resultEvent(result)];
  if (request.signal.aborted) {
    return [resultEvent({ outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'the attempt was stopped before its merge' } })];
  }
  const { root } = options;
  const { id, title } = request.phase;
  await commitAll(place.worktree, `phase ${id}: ${title}`);
  const commit = await headOf(place.worktree);
  const where = { branch: place.branch, worktree: place.worktree };
  if (commit === place.base) {
    const cleanup = await options.lock.runExclusive(() => removeMerged(root, place));
    return [...cleanup, resultEvent({ ...result, isolation: where })];
  }
  // Not tied to the subscription: once begun, a merge runs to its end (or its abort) so the root is never left mid-merge.
  const merged = await options.lock.runExclusive(() => mergeBranch(root, place.branch, `merge phase ${id}: ${title}`));
  if (merged.outcome === 'conflict') return [resultEvent(conflictResult(result, place, merged.files))];
  const cleanup = await options.lock.runExclusive(() => removeMerged(root, place));
  return [...cleanup, resultEvent({ ...result, isolation: { commit, mergeCommit: merged.commit, ...where } })];
}

/**
 * Creates a runner that isolates each attempt in its own git worktree: a branch
 * `kazuba/<runId>/phase-<id>-<attempt>` from the integration branch's tip when the attempt starts, checked out
 * under `<root>/.hypervisor/worktrees/<runId>/`, where the inner runner runs the attempt (`workdir`). On success
 * what the agent left uncommitted is committed (`phase <id>: <title>`) and the branch merged into the integration
 * branch, one merge at a time: the result then carries `isolation` (the branch tip and the new root tip) and the
 * worktree and branch are removed. Nothing new on the branch means nothing to merge. A conflict fails the attempt
 * with code `merge_conflict` naming the files (the merge aborted, the branch and worktree kept); an inner failure
 * is returned as it was, the worktree kept; a git failure becomes a failed result with code `git_failed`. The
 * stream keeps the runner contract (events, then exactly one result); unsubscribing stops the inner attempt, and a
 * merge already begun still runs to its end.
 * @example
 * const runner = createWorktreeRunner({ root, runId: 'r1', runner: createProcessRunner({ supervisor, root }) });
 */
export function createWorktreeRunner(options: WorktreeRunnerOptions): PhaseRunner {
  const resolved = { ...options, lock: options.lock ?? createMergeLock() };
  return {
    run(request: AttemptRequest): Observable<RunnerEvent> {
      const inWorktree = (place: AttemptWorktree): Observable<RunnerEvent> =>
        settleOnce(options.runner.run({ ...request, workdir: place.worktree })).pipe(
          mergeMap((event) => (event.type === 'result' ? from(integrate(resolved, request, place, event.result)).pipe(mergeMap((events) => events)) : of(event))),
        );
      // The outer settleOnce keeps the contract: a git failure anywhere becomes the one failed result.
      // Every change to the root repository (worktrees, merges, clean-up) takes the lock: git's own locks on the
      // index and refs make concurrent ones fail.
      return settleOnce(defer(() => resolved.lock.runExclusive(() => createWorktree(resolved, request))).pipe(mergeMap(inWorktree)));
    },
  };
}
