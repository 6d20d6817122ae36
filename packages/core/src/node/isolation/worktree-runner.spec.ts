import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { readCheckpoint } from '@kazuba/toon';
import { definePlan } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AttemptResult, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { commitFile, createRepo, git, readText, removeTempDirs, writeText } from '../git/__fixtures__/temp-repo.js';
import { headOf } from '../git/commits.js';
import { runGit } from '../git/git.js';
import { ignoreHypervisorFolder } from '../git/repository.js';
import { createFunctionRunner, createHangingRunner } from './__fixtures__/function-runner.js';
import type { AttemptWork } from './__fixtures__/function-runner.js';
import { createWorktreeRunner } from './worktree-runner.js';

afterAll(removeTempDirs);

function phaseOf(id: number, name = `Edit ${id}`): Phase {
  return definePlan([{ id, name, prompt: `phase ${id}`, checkpoint: `checkpoints/phase_${id}.toon` }]).phases[0] as Phase;
}

async function attempt(runner: PhaseRunner, phase: Phase, attemptNumber = 1, signal = new AbortController().signal) {
  const events = await lastValueFrom(runner.run({ runId: 'r1', phase, attempt: attemptNumber, prompt: phase.prompt, signal }).pipe(toArray()));
  const results = events.filter((event): event is RunnerEvent & { type: 'result' } => event.type === 'result');
  expect(results).toHaveLength(1);
  expect(events.at(-1)?.type).toBe('result');
  return { events, result: (results[0] as RunnerEvent & { type: 'result' }).result };
}

async function setup(work: AttemptWork) {
  const root = await createRepo();
  await ignoreHypervisorFolder(root);
  const inner = createFunctionRunner(work);
  return { root, inner, runner: createWorktreeRunner({ root, runner: inner, runId: 'r1' }) };
}

const place = (root: string, id: number, attemptNumber = 1) => ({
  worktree: join(root, '.hypervisor', 'worktrees', 'r1', `phase-${id}`),
  branch: `kazuba/r1/phase-${id}-${attemptNumber}`,
});

async function branchExists(root: string, branch: string): Promise<boolean> {
  return (await runGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { allowFailure: true })).exitCode === 0;
}

async function expectRootClean(root: string) {
  expect(await git(root, 'status', '--porcelain')).toBe('');
  expect(existsSync(join(root, '.git', 'MERGE_HEAD'))).toBe(false);
}

/** Polls `condition` until it holds (real git processes finish on their own time). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A work that writes `text` to `file` in the worktree. */
const writing = (file: string, text: string): AttemptWork => (workdir) => writeText(workdir, file, text);

describe('createWorktreeRunner', () => {
  it('runs three phases side by side in their worktrees and merges each into its own commit', async () => {
    const { root, inner, runner } = await setup((workdir, request) => writeText(workdir, `p${request.phase.id}.txt`, `phase ${request.phase.id}\n`));
    const base = await headOf(root);
    const runs = await Promise.all([1, 2, 3].map((id) => attempt(runner, phaseOf(id))));
    expect(inner.requests.map((request) => request.workdir).sort()).toEqual([1, 2, 3].map((id) => place(root, id).worktree));
    for (const [index, { events, result }] of runs.entries()) {
      const { worktree, branch } = place(root, index + 1);
      expect(events[0]).toEqual({ type: 'output', stream: 'stdout', text: `started ${worktree}\n` });
      expect(result).toEqual({ outcome: 'succeeded', isolation: { commit: expect.any(String), mergeCommit: expect.any(String), branch, worktree } });
      expect(existsSync(worktree)).toBe(false);
      expect(await branchExists(root, branch)).toBe(false);
    }
    const subjects = (await git(root, 'log', '--no-merges', '--format=%s', `${base}..HEAD`)).split('\n').sort();
    expect(subjects).toEqual(['phase 1: Edit 1', 'phase 2: Edit 2', 'phase 3: Edit 3']);
    expect(await git(root, 'ls-files')).toBe('a.txt\np1.txt\np2.txt\np3.txt');
    expect(await readText(root, 'p2.txt')).toBe('phase 2\n');
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'r1'))).toBe(false);
    const merges = runs.map(({ result }) => (result.outcome === 'succeeded' ? result.isolation?.mergeCommit : undefined));
    expect(merges).toContain(await headOf(root));
    await expectRootClean(root);
  });

  it('starts a phase from the tip at that moment, so it sees a merged phase before it', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      if (request.phase.id === 1) return writeText(workdir, 'b.txt', 'first\n');
      return appendFile(join(workdir, 'b.txt'), 'second\n');
    });
    const first = await attempt(runner, phaseOf(1));
    const second = await attempt(runner, phaseOf(2));
    expect(second.result).toMatchObject({ outcome: 'succeeded', isolation: { commit: expect.any(String) } });
    expect(first.result.outcome === 'succeeded' && second.result.outcome === 'succeeded' && second.result.isolation?.commit).toBe(await headOf(root));
    expect(await readText(root, 'b.txt')).toBe('first\nsecond\n');
    expect(await git(root, 'log', '--format=%s', '-2')).toBe('phase 2: Edit 2\nphase 1: Edit 1');
  });

  it('fails the second of two phases editing the same line with merge_conflict, keeping its worktree', async () => {
    let releaseSecond: () => void = () => undefined;
    const firstMerged = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    const { root, runner } = await setup(async (workdir, request) => {
      if (request.phase.id === 2) await firstMerged;
      await writeText(workdir, 'a.txt', `one\nphase ${request.phase.id}\nthree\n`);
      return { outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 } };
    });
    const second = attempt(runner, phaseOf(2, 'Second'));
    const first = await attempt(runner, phaseOf(1, 'First'));
    releaseSecond();
    const { result } = await second;
    const { worktree, branch } = place(root, 2);
    expect(result).toEqual({
      outcome: 'failed',
      error: { name: 'MergeConflict', code: 'merge_conflict', message: 'merge conflict in a.txt' },
      agent: { profile: 'shell', exitCode: 0 },
      conflict: { files: ['a.txt'], branch, worktree, phases: [{ id: 1, title: 'First' }] },
    });
    expect(first.result.outcome === 'succeeded' && first.result.isolation?.mergeCommit).toBe(await headOf(root));
    expect(await readText(root, 'a.txt')).toBe('one\nphase 1\nthree\n');
    await expectRootClean(root);
    expect(await readText(worktree, 'a.txt')).toBe('one\nphase 2\nthree\n');
    expect(await git(worktree, 'log', '-1', '--format=%s')).toBe('phase 2: Second');
    expect(await branchExists(root, branch)).toBe(true);
  });

  it('passes the validation report of a conflicting attempt on', async () => {
    const { root, runner } = await setup(async (workdir) => {
      await commitFile(root, 'a.txt', 'one\nroot moved\nthree\n', 'the root moved during the attempt');
      await writeText(workdir, 'a.txt', 'one\nmine\nthree\n');
      return { outcome: 'succeeded', validation: { script: 'check.sh', passed: true, exitCode: 0, outputTail: '' } };
    });
    const { result } = await attempt(runner, phaseOf(2));
    // The change came from outside the run: no phase is named.
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'merge_conflict' }, validation: { script: 'check.sh' }, conflict: { phases: [] } });
    expect(result).not.toHaveProperty('agent');
  });

  it('merges nothing for a phase that changes nothing, and removes its worktree', async () => {
    const { root, runner } = await setup(async () => undefined);
    const tip = await headOf(root);
    const { result } = await attempt(runner, phaseOf(4));
    expect(result).toEqual({ outcome: 'succeeded', isolation: place(root, 4) });
    expect(await headOf(root)).toBe(tip);
    expect(existsSync(place(root, 4).worktree)).toBe(false);
    expect(await branchExists(root, place(root, 4).branch)).toBe(false);
  });

  it('merges the commits an agent made by itself', async () => {
    let own = '';
    const { root, runner } = await setup(async (workdir) => {
      own = await commitFile(workdir, 'agent.txt', 'by the agent\n', 'agent: add agent.txt');
    });
    const { result } = await attempt(runner, phaseOf(5));
    expect(result).toMatchObject({ outcome: 'succeeded', isolation: { commit: own, mergeCommit: own } });
    expect(await git(root, 'log', '-1', '--format=%s')).toBe('agent: add agent.txt');
    expect(await readText(root, 'agent.txt')).toBe('by the agent\n');
  });

  it('never commits a checkpoint written under .hypervisor inside the worktree', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      await writeText(workdir, '.hypervisor/checkpoints/phase.toon', 'state\n');
      if (request.phase.id === 7) await writeText(workdir, 'real.txt', 'real\n');
    });
    const onlyState = await attempt(runner, phaseOf(6));
    expect(onlyState.result).toEqual({ outcome: 'succeeded', isolation: place(root, 6) });
    const withChange = await attempt(runner, phaseOf(7));
    expect(withChange.result).toMatchObject({ outcome: 'succeeded', isolation: { commit: expect.any(String) } });
    expect(await git(root, 'show', '--name-only', '--format=', 'HEAD')).toBe('real.txt');
    expect(await git(root, 'ls-files')).toBe('a.txt\nreal.txt');
  });

  it('returns an inner failure as it was and keeps the worktree with its changes', async () => {
    const failure: AttemptResult = { outcome: 'failed', error: { name: 'AgentError', code: 'exit_code', message: 'exit code 1' } };
    const { root, runner } = await setup(async (workdir) => {
      await writeText(workdir, 'half.txt', 'half done\n');
      return failure;
    });
    const tip = await headOf(root);
    const { result } = await attempt(runner, phaseOf(8), 2);
    expect(result).toEqual(failure);
    expect(await readText(place(root, 8, 2).worktree, 'half.txt')).toBe('half done\n');
    expect(await branchExists(root, place(root, 8, 2).branch)).toBe(true);
    expect(await headOf(root)).toBe(tip);
  });

  it('gives a retry the same folder, going on from the files of the failed attempt, and merges the work of both', async () => {
    const { root, inner, runner } = await setup(async (workdir, request) => {
      if (request.attempt === 1) {
        await writeText(workdir, 'half.txt', 'half done\n');
        return { outcome: 'failed', error: { name: 'AgentError', code: 'exit_code', message: 'exit code 1' } };
      }
      return writeText(workdir, 'whole.txt', existsSync(join(workdir, 'half.txt')) ? 'saw half\n' : 'fresh\n');
    });
    await attempt(runner, phaseOf(16, 'Twice'), 1);
    await commitFile(root, 'other.txt', 'merged meanwhile\n', 'another change');
    const { result } = await attempt(runner, phaseOf(16, 'Twice'), 2);
    expect(inner.requests.map((request) => request.workdir)).toEqual([place(root, 16, 1).worktree, place(root, 16, 2).worktree]);
    expect(place(root, 16, 1).worktree).toBe(place(root, 16, 2).worktree);
    expect(result).toMatchObject({ outcome: 'succeeded', isolation: { branch: place(root, 16, 2).branch } });
    expect(await readText(root, 'whole.txt')).toBe('saw half\n');
    expect(await readText(root, 'half.txt')).toBe('half done\n');
    expect(await readText(root, 'other.txt')).toBe('merged meanwhile\n');
    const kept = place(root, 16, 1).branch;
    expect(await git(root, 'log', '-1', '--format=%s', kept)).toBe('phase 16: unfinished work of an earlier attempt, kept by the hypervisor');
  });

  it('merges a retry that only carries on the work of the failed attempt', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      if (request.attempt === 2) return undefined;
      await writeText(workdir, 'done.txt', 'done by attempt 1\n');
      return { outcome: 'failed', error: { name: 'ValidationError', code: 'validation_failed', message: 'flaky check' } };
    });
    await attempt(runner, phaseOf(19), 1);
    const { result } = await attempt(runner, phaseOf(19), 2);
    expect(result).toMatchObject({ outcome: 'succeeded', isolation: { commit: await headOf(root) } });
    expect(await readText(root, 'done.txt')).toBe('done by attempt 1\n');
  });

  it('starts the retry of a conflicted attempt from the tip, which holds the work it conflicted with', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      if (request.phase.id === 1) return writeText(workdir, 'a.txt', 'one\nfirst\nthree\n');
      if (request.attempt === 2) return writeText(workdir, 'seen.txt', await readText(workdir, 'a.txt'));
      await writeText(workdir, 'a.txt', 'one\nsecond\nthree\n');
      await attempt(runner, phaseOf(1));
    });
    const conflicted = await attempt(runner, phaseOf(2), 1);
    expect(conflicted.result).toMatchObject({ outcome: 'failed', error: { code: 'merge_conflict' } });
    const retried = await attempt(runner, phaseOf(2), 2);
    expect(retried.result.outcome).toBe('succeeded');
    expect(await readText(root, 'seen.txt')).toBe('one\nfirst\nthree\n');
  });

  it('journals the record of each merged attempt in the run folder before its merge, with its quality', async () => {
    const { root, runner } = await setup(async (workdir) => {
      await writeText(workdir, 'journal.txt', 'x\n');
      return { outcome: 'succeeded', quality: 0.75 };
    });
    const { result } = await attempt(runner, phaseOf(17, 'Journaled'), 2);
    const { value } = await readCheckpoint(join(root, '.hypervisor', 'runs', 'r1', 'merges', 'phase-17.toon'));
    const commit = result.outcome === 'succeeded' ? result.isolation?.commit : undefined;
    expect(value).toMatchObject({ phase_id: 17, phase_title: 'Journaled', status: 'success', attempts: 2, run_id: 'r1', quality: 0.75, isolation: { branch: place(root, 17, 2).branch, commit } });
    expect(commit).toBe(await headOf(root));
  });

  it('keeps the checkpoint a validation script wrote at the phase checkpoint path out of the commit', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      await writeText(workdir, request.phase.checkpoint, 'results: PASS\n');
      await writeText(workdir, 'work.txt', 'work\n');
    });
    await attempt(runner, phaseOf(18));
    expect(await git(root, 'show', '--name-only', '--format=', 'HEAD')).toBe('work.txt');
    expect(existsSync(join(root, phaseOf(18).checkpoint))).toBe(false);
  });

  it('turns an inner error into a failed result', async () => {
    const { runner } = await setup(async () => {
      throw Object.assign(new Error('the agent fell over'), { code: 'agent_broke' });
    });
    const { result } = await attempt(runner, phaseOf(9));
    expect(result).toEqual({ outcome: 'failed', error: { name: 'Error', code: 'agent_broke', message: 'the agent fell over' } });
  });

  it('fails with git_failed when the worktree cannot be made, without running the attempt', async () => {
    const { root, inner, runner } = await setup(async () => undefined);
    await git(root, 'branch', place(root, 10).branch);
    const { events, result } = await attempt(runner, phaseOf(10));
    expect(events).toHaveLength(1);
    expect(result).toMatchObject({ outcome: 'failed', error: { name: 'CoreError', code: 'git_failed', message: expect.stringMatching(/^git worktree add .* already exists$/) } });
    expect(inner.requests).toHaveLength(0);
  });

  it('fails with git_failed when the merge fails, leaving the root as it was', async () => {
    const { root, runner } = await setup(writing('a.txt', 'phase\n'));
    await writeText(root, 'a.txt', 'edited at the root\n');
    const tip = await headOf(root);
    const { result } = await attempt(runner, phaseOf(11));
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'git_failed', message: expect.stringContaining('Your local changes') } });
    expect(await headOf(root)).toBe(tip);
    expect(await readText(root, 'a.txt')).toBe('edited at the root\n');
    expect(existsSync(join(root, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(await branchExists(root, place(root, 11).branch)).toBe(true);
  });

  it('does not merge an attempt whose signal was aborted before it succeeded', async () => {
    const controller = new AbortController();
    const { root, runner } = await setup(async (workdir) => {
      await writeText(workdir, 'late.txt', 'late\n');
      controller.abort('timeout');
    });
    const tip = await headOf(root);
    const { result } = await attempt(runner, phaseOf(12), 1, controller.signal);
    expect(result).toEqual({ outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'the attempt was stopped before its merge' } });
    expect(await headOf(root)).toBe(tip);
    expect(existsSync(place(root, 12).worktree)).toBe(true);
  });

  it('stops the inner attempt on unsubscribe and keeps its worktree', async () => {
    const root = await createRepo();
    const inner = createHangingRunner();
    const runner = createWorktreeRunner({ root, runner: inner, runId: 'r1' });
    const phase = phaseOf(13);
    const subscription = runner.run({ runId: 'r1', phase, attempt: 1, prompt: phase.prompt, signal: new AbortController().signal }).subscribe();
    expect(await inner.started).toBe(place(root, 13).worktree);
    expect(inner.stopped()).toBe(false);
    subscription.unsubscribe();
    expect(inner.stopped()).toBe(true);
    expect(existsSync(place(root, 13).worktree)).toBe(true);
  });

  it('finishes a merge already begun when unsubscribed, leaving the root at a merged state', async () => {
    const root = await createRepo();
    await ignoreHypervisorFolder(root);
    const events: RunnerEvent[] = [];
    const phase = phaseOf(14);
    let merging: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      merging = resolve;
    });
    // A lock that tells when the merge begins (its second task; the first adds the worktree), so the test can
    // unsubscribe right then.
    let tasks = 0;
    const shared = {
      runExclusive: async <T>(task: () => Promise<T>): Promise<T> => {
        tasks += 1;
        if (tasks === 2) merging();
        return task();
      },
    };
    const locked = createWorktreeRunner({ root, runner: createFunctionRunner(writing('done.txt', 'done\n')), runId: 'r1', lock: shared });
    const subscription = locked.run({ runId: 'r1', phase, attempt: 1, prompt: phase.prompt, signal: new AbortController().signal }).subscribe((event) => events.push(event));
    await started;
    subscription.unsubscribe();
    await waitFor(() => !existsSync(place(root, 14).worktree));
    expect(await readText(root, 'done.txt')).toBe('done\n');
    await expectRootClean(root);
    expect(events.filter((event) => event.type === 'result')).toHaveLength(0);
  });

  it('keeps a merge that went in when the branch cannot be removed, and says so on stderr', async () => {
    const { root, runner } = await setup(async (workdir, request) => {
      await writeText(workdir, 'kept.txt', 'kept\n');
      // A second checkout of the branch makes git refuse to delete it.
      await runGit(root, ['worktree', 'add', '--force', '--quiet', join(root, '.hypervisor', 'other'), `kazuba/r1/phase-${request.phase.id}-1`]);
    });
    const { events, result } = await attempt(runner, phaseOf(15));
    expect(result).toMatchObject({ outcome: 'succeeded', isolation: { commit: expect.any(String) } });
    expect(events).toContainEqual({ type: 'output', stream: 'stderr', text: expect.stringMatching(/^hypervisor: merged, but could not clean up: git branch .*\n$/) });
    expect(await readText(root, 'kept.txt')).toBe('kept\n');
  });
});
