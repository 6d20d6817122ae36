import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCheckpoint } from '@kazuba/toon';
import { removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import { renderCleanText } from './clean-report.js';
import type { CleanReportJson } from './clean-report.js';

afterAll(removeScratchDirs);

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A repository on `main` with one commit, its `.hypervisor/` ignored as a run leaves it. */
async function createRepo(): Promise<string> {
  const root = await realpath(await scratchDir());
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'config', 'user.name', 'Test');
  git(root, 'config', 'user.email', 'test@example.invalid');
  git(root, 'config', 'commit.gpgsign', 'false');
  await writeFile(join(root, 'shared.txt'), 'base\n');
  git(root, 'add', 'shared.txt');
  git(root, 'commit', '--quiet', '-m', 'initial');
  await mkdir(join(root, '.hypervisor'));
  await writeFile(join(root, '.hypervisor', '.gitignore'), '*\n');
  return root;
}

async function recordRun(root: string, runId: string, outcome: 'running' | 'failed'): Promise<void> {
  await writeCheckpoint(join(root, '.hypervisor', 'runs', runId, 'run.toon'), { kind: 'kazuba.hypervisor.run', run_id: runId, outcome, pid: process.pid });
}

/** A phase attempt's worktree and branch, as a run makes them; returns the worktree's path under the root. */
function addAttempt(root: string, runId: string, phase: number): string {
  const path = `.hypervisor/worktrees/${runId}/phase-${phase}`;
  git(root, 'worktree', 'add', '--quiet', '-b', `kazuba/${runId}/phase-${phase}-1`, path, 'main');
  return path;
}

/**
 * Leftovers of two runs. `ended` (failed): phase 2's worktree holding uncommitted work, phase 3's merged branch,
 * phase 4's branch holding a commit `main` lacks. `live` (this process): phase 1's worktree.
 */
async function repoWithLeftovers(): Promise<{ readonly root: string; readonly main: string; readonly unmerged: string }> {
  const root = await createRepo();
  await recordRun(root, 'ended', 'failed');
  await recordRun(root, 'live', 'running');
  await writeFile(join(root, addAttempt(root, 'ended', 2), 'x.txt'), 'x\n');
  git(root, 'branch', 'kazuba/ended/phase-3-1');
  const four = join(root, addAttempt(root, 'ended', 4));
  await writeFile(join(four, 'four.txt'), 'four\n');
  git(four, 'add', 'four.txt');
  git(four, 'commit', '--quiet', '-m', 'phase 4 work');
  git(root, 'worktree', 'remove', four);
  addAttempt(root, 'live', 1);
  return { root, main: git(root, 'rev-parse', 'main'), unmerged: git(root, 'rev-parse', 'kazuba/ended/phase-4-1') };
}

const kazubaBranches = (root: string): string => git(root, 'branch', '--list', '--format=%(refname:short)', 'kazuba/*');

describe('hypervisor clean', () => {
  it("removes the worktrees and branches of runs that are not running, saving a worktree's changes on the branch it prints", async () => {
    const { root, main, unmerged } = await repoWithLeftovers();
    const result = await runCaptured(['clean', '--root', root]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    const saved = /^deleted branch kazuba\/ended\/phase-2-1 with unmerged work \(was ([0-9a-f]{40});/.exec(lines[1] ?? '')?.[1] as string;
    expect(lines).toEqual([
      'removed worktree .hypervisor/worktrees/ended/phase-2 (phase 2 of run ended)',
      `deleted branch kazuba/ended/phase-2-1 with unmerged work (was ${saved}; \`git branch kazuba/ended/phase-2-1 ${saved}\` restores it)`,
      `deleted branch kazuba/ended/phase-3-1 (was ${main.slice(0, 7)})`,
      `deleted branch kazuba/ended/phase-4-1 with unmerged work (was ${unmerged}; \`git branch kazuba/ended/phase-4-1 ${unmerged}\` restores it)`,
      'kept worktree .hypervisor/worktrees/live/phase-1 (phase 1 of run live): the run is live',
      'kept branch kazuba/live/phase-1-1: the run is live',
      '',
    ]);
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'ended'))).toBe(false);
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'live', 'phase-1'))).toBe(true);
    expect(kazubaBranches(root)).toBe('kazuba/live/phase-1-1');
    // The printed commit holds what the worktree held.
    git(root, 'branch', 'restored', saved);
    expect(git(root, 'show', 'restored:x.txt')).toBe('x');
  });

  it('lists what it would remove with --dry-run, and removes nothing', async () => {
    const { root, main, unmerged } = await repoWithLeftovers();
    const result = await runCaptured(['clean', '--root', root, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'would remove worktree .hypervisor/worktrees/ended/phase-2 (phase 2 of run ended)',
      `would delete branch kazuba/ended/phase-2-1 (at ${main.slice(0, 7)})`,
      `would delete branch kazuba/ended/phase-3-1 (at ${main.slice(0, 7)})`,
      `would delete branch kazuba/ended/phase-4-1 with unmerged work (at ${unmerged})`,
      'would keep worktree .hypervisor/worktrees/live/phase-1 (phase 1 of run live): the run is live',
      'would keep branch kazuba/live/phase-1-1: the run is live',
      '',
    ]);
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'ended', 'phase-2', 'x.txt'))).toBe(true);
    expect(kazubaBranches(root).split('\n')).toHaveLength(4);
  });

  it('prints what it removed and kept as JSON with --json, in the working directory without --root', async () => {
    const root = await createRepo();
    await recordRun(root, 'ended', 'failed');
    await recordRun(root, 'live', 'running');
    git(root, 'branch', 'kazuba/ended/phase-3-1');
    git(root, 'branch', 'kazuba/live/phase-1-2');
    const commit = git(root, 'rev-parse', 'main');
    const report = JSON.parse((await runCaptured(['clean', '--json'], root)).stdout) as CleanReportJson;
    expect(report).toEqual({
      root,
      dryRun: false,
      notSearched: null,
      removed: { worktrees: [], branches: [{ name: 'kazuba/ended/phase-3-1', runId: 'ended', runState: 'ended', phaseId: 3, attempt: 1, commit, merged: true }] },
      kept: { worktrees: [], branches: [{ name: 'kazuba/live/phase-1-2', runId: 'live', runState: 'live', phaseId: 1, attempt: 2, commit, merged: true }] },
    });
    expect(kazubaBranches(root)).toBe('kazuba/live/phase-1-2');
  });

  it('says there is nothing to clean in a repository no run left anything in', async () => {
    const root = await createRepo();
    expect(await runCaptured(['clean', '--root', root])).toEqual({ code: 0, stdout: 'nothing to clean\n', stderr: '' });
  });

  it('has nothing to clean in a folder that is no git repository, or no folder at all, and exits 0', async () => {
    const plain = await scratchDir();
    expect(await runCaptured(['clean', '--root', plain])).toEqual({ code: 0, stdout: `nothing to clean: ${plain} is not a git repository\n`, stderr: '' });
    const missing = join(plain, 'no-such-folder');
    const report = JSON.parse((await runCaptured(['clean', '--root', missing, '--json'])).stdout) as CleanReportJson;
    expect(report).toMatchObject({ root: missing, notSearched: 'not-a-repository', removed: { worktrees: [], branches: [] } });
  });

  it('leaves the branches alone from a folder below the top of a repository, where no run keeps worktrees', async () => {
    const root = await createRepo();
    git(root, 'branch', 'kazuba/other/phase-1-1');
    await mkdir(join(root, 'sub'));
    const result = await runCaptured(['clean'], join(root, 'sub'));
    expect(result.stdout).toBe(`nothing to clean: ${join(root, 'sub')} is inside a git repository, not at its top where runs keep their worktrees (give the top with --root)\n`);
    expect(kazubaBranches(root)).toBe('kazuba/other/phase-1-1');
  });

  it('ends with one line and exit 1 when git refuses a removal', async () => {
    const root = await createRepo();
    // A branch of ours checked out in a worktree elsewhere: git will not delete it.
    const elsewhere = join(await realpath(await scratchDir()), 'elsewhere');
    git(root, 'worktree', 'add', '--quiet', '-b', 'kazuba/gone/phase-1-1', elsewhere, 'main');
    const result = await runCaptured(['clean', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^hypervisor: git branch --quiet -D kazuba\/gone\/phase-1-1 failed in .*: error: .*kazuba\/gone\/phase-1-1.*\n$/);
  });

  it('explains in --help what it removes, what it keeps and how to restore a branch', async () => {
    const { stdout } = await runCaptured(['clean', '--help']);
    expect(stdout).toContain('--dry-run');
    expect(stdout).toContain('git branch <name> <sha>');
    expect(stdout).toContain("A live run's are kept.");
  });
});

describe('renderCleanText', () => {
  it('names a leftover whose phase cannot be told by its run alone', () => {
    const worktree = { path: '.hypervisor/worktrees/r-1/scratch', runId: 'r-1', runState: 'crashed' as const };
    const report: CleanReportJson = { root: '/p', dryRun: false, notSearched: null, removed: { worktrees: [worktree], branches: [] }, kept: { worktrees: [], branches: [] } };
    expect(renderCleanText(report)).toBe('removed worktree .hypervisor/worktrees/r-1/scratch (run r-1)\n');
  });
});
