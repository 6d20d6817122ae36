import { defer, from, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { AttemptConflict, AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { settleOnce } from '../agents/run-attempt.js';
import { commitAll, headOf, holdsCommit } from '../git/commits.js';
import { mergeBranch } from '../git/merge.js';
import type { MergeOutcome } from '../git/merge.js';
import { createMergeLock } from '../git/merge-lock.js';
import type { MergeLock } from '../git/merge-lock.js';
import { checkpointInside, createAttemptWorktree, removeMergedWorktree, touchedBetween } from './attempt-worktree.js';
import type { AttemptWorktree } from './attempt-worktree.js';
import { writeMergeIntent } from './merge-journal.js';

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
  /**
   * Written into the merge journal's records (see `writeMergeIntent`).
   * @default '0.0.0'
   */
  readonly hypervisorVersion?: string;
}

type Succeeded = Extract<AttemptResult, { outcome: 'succeeded' }>;
type Failed = Extract<AttemptResult, { outcome: 'failed' }>;

/** A merge this runner made: which phase, and the integration branch's tip before and after. */
interface MergeMade {
  readonly phase: { readonly id: number; readonly title: string };
  readonly before: string;
  readonly after: string;
}

/** What the runner keeps between attempts. */
interface RunnerState extends WorktreeRunnerOptions {
  readonly lock: MergeLock;
  readonly hypervisorVersion: string;
  /** Every merge so far, in order: a conflict names the phases merged since the attempt started. */
  readonly merges: MergeMade[];
  /** Phases whose last attempt ended in a merge conflict: their next attempt starts from the tip. */
  readonly conflicted: Set<number>;
}

/** An attempt under way: its worktree, when it started and how many merges had been made then. */
interface AttemptContext {
  readonly request: AttemptRequest;
  readonly place: AttemptWorktree;
  readonly startedAtMs: number;
  readonly mergesBefore: number;
}

function resultEvent(result: AttemptResult): RunnerEvent {
  return { type: 'result', result };
}

/** The phases merged since the attempt started whose changes touch `files`. */
async function conflictingPhases(state: RunnerState, context: AttemptContext, files: readonly string[]): Promise<{ id: number; title: string }[]> {
  const since = state.merges.slice(context.mergesBefore);
  const touched = await Promise.all(since.map((merge) => touchedBetween(state.root, merge.before, merge.after, files)));
  return since.filter((_, index) => touched[index]).map((merge) => ({ ...merge.phase }));
}

function conflictResult(result: Succeeded, place: AttemptWorktree, files: readonly string[], phases: AttemptConflict['phases']): Failed {
  const message = `merge conflict in ${files.join(', ')}`;
  return {
    outcome: 'failed',
    error: { name: 'MergeConflict', code: 'merge_conflict', message },
    ...(result.agent === undefined ? {} : { agent: result.agent }),
    ...(result.validation === undefined ? {} : { validation: result.validation }),
    conflict: { files, branch: place.branch, worktree: place.worktree, phases },
  };
}

/**
 * Journals, then merges, the attempt's branch under the lock; the journal lets a run after a crash find the
 * merge the checkpoint was not yet written for.
 */
async function mergeUnderLock(state: RunnerState, context: AttemptContext, result: Succeeded, commit: string): Promise<MergeOutcome> {
  const { root } = state;
  const { request, place } = context;
  const { id, title } = request.phase;
  return state.lock.runExclusive(async () => {
    const isolation = { commit, branch: place.branch, worktree: place.worktree };
    await writeMergeIntent(root, { request, result, isolation, startedAtMs: context.startedAtMs, hypervisorVersion: state.hypervisorVersion });
    const before = await headOf(root);
    const merged = await mergeBranch(root, place.branch, `merge phase ${id}: ${title}`);
    if (merged.outcome === 'merged') state.merges.push({ phase: { id, title }, before, after: merged.commit });
    return merged;
  });
}

/**
 * Commits what a successful attempt left in its worktree and merges its branch into the integration branch under
 * the lock. Returns the result and the events to emit before it.
 */
async function integrate(state: RunnerState, context: AttemptContext, result: AttemptResult): Promise<RunnerEvent[]> {
  if (result.outcome !== 'succeeded') return [resultEvent(result)];
  const { request, place } = context;
  if (request.signal.aborted) {
    return [resultEvent({ outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'the attempt was stopped before its merge' } })];
  }
  const { root } = state;
  const { id, title, checkpoint } = request.phase;
  // A checkpoint the validation script wrote in the worktree is in the result already: it is not merged.
  await commitAll(place.worktree, `phase ${id}: ${title}`, { exclude: checkpointInside(checkpoint) });
  const commit = await headOf(place.worktree);
  const where = { branch: place.branch, worktree: place.worktree };
  if (await holdsCommit(root, commit)) {
    const cleanup = await state.lock.runExclusive(() => removeMergedWorktree(root, place));
    return [...cleanup, resultEvent({ ...result, isolation: where })];
  }
  // Not tied to the subscription: once begun, a merge runs to its end (or its abort) so the root is never left mid-merge.
  const merged = await mergeUnderLock(state, context, result, commit);
  if (merged.outcome === 'conflict') {
    state.conflicted.add(id);
    const phases = await conflictingPhases(state, context, merged.files);
    return [resultEvent(conflictResult(result, place, merged.files, phases))];
  }
  const cleanup = await state.lock.runExclusive(() => removeMergedWorktree(root, place));
  return [...cleanup, resultEvent({ ...result, isolation: { commit, mergeCommit: merged.commit, ...where } })];
}

/**
 * Creates a runner that isolates each attempt in its own git worktree: a branch
 * `kazuba/<runId>/phase-<id>-<attempt>` from the integration branch's tip when the attempt starts, checked out
 * at `<root>/.hypervisor/worktrees/<runId>/phase-<id>` (the same folder for every attempt of the phase), where
 * the inner runner runs the attempt (`workdir`). On success what the agent left uncommitted is committed
 * (`phase <id>: <title>`; the phase's checkpoint path excepted) and, after its record is written to the merge
 * journal, the branch merged into the integration branch, one merge at a time: the result then carries
 * `isolation` (the branch tip and the new root tip) and the worktree and branch are removed. Nothing new on the
 * branch means nothing to merge. A conflict fails the attempt with code `merge_conflict` naming the files and the
 * phases merged meanwhile that touched them (the merge aborted, the branch and worktree kept); an inner failure
 * is returned as it was, the worktree kept. The next attempt of the phase commits what the one before left on
 * that one's branch before taking the folder, and goes on from that branch (after a conflict: from the tip, which
 * holds the work it conflicted with). A git failure becomes a failed result with code `git_failed`. The
 * stream keeps the runner contract (events, then exactly one result); unsubscribing stops the inner attempt, and a
 * merge already begun still runs to its end.
 * @example
 * const runner = createWorktreeRunner({ root, runId: 'r1', runner: createProcessRunner({ supervisor, root }) });
 */
export function createWorktreeRunner(options: WorktreeRunnerOptions): PhaseRunner {
  const state: RunnerState = { ...options, lock: options.lock ?? createMergeLock(), hypervisorVersion: options.hypervisorVersion ?? '0.0.0', merges: [], conflicted: new Set() };
  const start = async (request: AttemptRequest): Promise<AttemptContext> => {
    const mergesBefore = state.merges.length;
    const from = state.conflicted.delete(request.phase.id) ? 'tip' : 'previous';
    const place = await createAttemptWorktree(state.root, request, from);
    return { request, place, startedAtMs: Date.now(), mergesBefore };
  };
  return {
    run(request: AttemptRequest): Observable<RunnerEvent> {
      const inWorktree = (context: AttemptContext): Observable<RunnerEvent> =>
        settleOnce(options.runner.run({ ...request, workdir: context.place.worktree })).pipe(
          mergeMap((event) => (event.type === 'result' ? from(integrate(state, context, event.result)).pipe(mergeMap((events) => events)) : of(event))),
        );
      // The outer settleOnce keeps the contract: a git failure anywhere becomes the one failed result.
      // Every change to the root repository (worktrees, merges, clean-up) takes the lock: git's own locks on the
      // index and refs make concurrent ones fail.
      return settleOnce(defer(() => state.lock.runExclusive(() => start(request))).pipe(mergeMap(inWorktree)));
    },
  };
}
