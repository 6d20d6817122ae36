import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeCheckpoint } from '@kazuba/toon';
import type { CleanReportJson } from '../commands/clean-report.js';
import type { StatusReportJson } from '../commands/status-report.js';
import { git, repoWith } from './__fixtures__/run/git-project.js';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { removePlans } from './__fixtures__/run/write-plan.js';
import type { FixtureProject } from './__fixtures__/run/write-plan.js';

// Real git and whole runs of the built CLI: seconds each, more on a loaded machine.
jest.setTimeout(60_000);
afterAll(removePlans);


const hypervisor = (project: FixtureProject, args: readonly string[]) => runBuiltCli(args, { cwd: project.root });
const kazubaBranches = (root: string): string => git(root, 'branch', '--list', '--format=%(refname:short)', 'kazuba/*');
const worktreeFolders = (root: string): string[] => git(root, 'worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree '));

describe('hypervisor clean (built)', () => {
  let project: FixtureProject;
  let runId: string;

  beforeAll(async () => {
    // Phase 1 merges; phase 2 fails, leaving its worktree (holding x.txt, uncommitted) and its branch.
    project = await repoWith([
      { id: 1, run: 'echo one > one.txt' },
      { id: 2, run: 'echo x > x.txt; exit 1', dependsOn: [1] },
    ]);
    const run = await hypervisor(project, ['run', 'plan', '--retries', '0']);
    expect(run.status).toBe(1);
    // The branch kazuba/<run-id>/phase-2-1 names the run.
    runId = kazubaBranches(project.root).split('/')[1] ?? '';
  });

  it('leaves the failed phase to inspect, and status lists its worktree and branch', async () => {
    expect(runId).toMatch(/^run-/);
    const status = await hypervisor(project, ['status', 'plan']);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`\\n {2}\\.hypervisor/worktrees/${runId}/phase-2 +2 +kazuba/${runId}/phase-2-1 +${runId}\\n`));
    expect(status.stdout).toContain('\nhypervisor clean removes those of runs that are not running.\n');
    const report = JSON.parse((await hypervisor(project, ['status', 'plan', '--json'])).stdout) as StatusReportJson;
    expect(report.leftovers).toEqual({
      worktrees: [{ path: `.hypervisor/worktrees/${runId}/phase-2`, runId, runState: 'ended', phaseId: 2, branch: `kazuba/${runId}/phase-2-1` }],
      branches: [{ name: `kazuba/${runId}/phase-2-1`, runId, runState: 'ended', phaseId: 2, attempt: 1, commit: git(project.root, 'rev-parse', 'main'), merged: true }],
    });
  });

  it('lists them with --dry-run and removes nothing', async () => {
    const result = await hypervisor(project, ['clean', '--dry-run']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `would remove worktree .hypervisor/worktrees/${runId}/phase-2 (phase 2 of run ${runId})\n` +
        `would delete branch kazuba/${runId}/phase-2-1 (at ${git(project.root, 'rev-parse', '--short=7', 'main')})\n`,
    );
    expect(existsSync(join(project.root, '.hypervisor', 'worktrees', runId, 'phase-2', 'x.txt'))).toBe(true);
    expect(kazubaBranches(project.root)).toBe(`kazuba/${runId}/phase-2-1`);
  });

  it('removes them, printing the commit that keeps what the worktree held, then has nothing left to clean', async () => {
    const result = await hypervisor(project, ['clean']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const [first, second, ...rest] = result.stdout.split('\n');
    expect(first).toBe(`removed worktree .hypervisor/worktrees/${runId}/phase-2 (phase 2 of run ${runId})`);
    const branch = `kazuba/${runId}/phase-2-1`;
    const sha = /\(was ([0-9a-f]{40});/.exec(second ?? '')?.[1] as string;
    expect(second).toBe(`deleted branch ${branch} with unmerged work (was ${sha}; \`git branch ${branch} ${sha}\` restores it)`);
    expect(rest).toEqual(['']);
    expect(existsSync(join(project.root, '.hypervisor', 'worktrees', runId))).toBe(false);
    expect(worktreeFolders(project.root)).toEqual([`worktree ${await realpath(project.root)}`]);
    expect(kazubaBranches(project.root)).toBe('');
    git(project.root, 'branch', branch, sha);
    expect(git(project.root, 'show', `${branch}:x.txt`)).toBe('x');
    git(project.root, 'branch', '-D', branch);

    expect(await hypervisor(project, ['clean'])).toMatchObject({ status: 0, stdout: 'nothing to clean\n', stderr: '' });
  });

  it("keeps a live run's worktree and branch, and says why", async () => {
    const live = await repoWith([{ id: 1, run: 'true' }]);
    await writeCheckpoint(join(live.root, '.hypervisor', 'runs', 'r-live', 'run.toon'), { kind: 'kazuba.hypervisor.run', run_id: 'r-live', outcome: 'running', pid: process.pid });
    await writeFile(join(live.root, '.hypervisor', '.gitignore'), '*\n');
    git(live.root, 'worktree', 'add', '--quiet', '-b', 'kazuba/r-live/phase-1-1', '.hypervisor/worktrees/r-live/phase-1', 'main');
    const result = await hypervisor(live, ['clean']);
    expect(result).toMatchObject({
      status: 0,
      stdout:
        'kept worktree .hypervisor/worktrees/r-live/phase-1 (phase 1 of run r-live): the run is live\n' +
        'kept branch kazuba/r-live/phase-1-1: the run is live\n' +
        'nothing to clean\n',
    });
    expect(existsSync(join(live.root, '.hypervisor', 'worktrees', 'r-live', 'phase-1'))).toBe(true);
    expect(kazubaBranches(live.root)).toBe('kazuba/r-live/phase-1-1');
    const status = await hypervisor(live, ['status', 'plan']);
    expect(status.stdout).toMatch(/\n {2}\.hypervisor\/worktrees\/r-live\/phase-1 +1 +kazuba\/r-live\/phase-1-1 +r-live \(run live\)\n/);
    const report = JSON.parse((await hypervisor(live, ['clean', '--json'])).stdout) as CleanReportJson;
    expect(report.kept.worktrees.map((worktree) => worktree.runState)).toEqual(['live']);
  });

  it('has nothing to clean in a folder that is no git repository, and exits 0', async () => {
    const plain = await realpath(await mkdtemp(join(tmpdir(), 'kazuba-cli-clean-')));
    try {
      const result = await runBuiltCli(['clean'], { cwd: plain });
      expect(result).toMatchObject({ status: 0, stdout: `nothing to clean: ${plain} is not a git repository\n`, stderr: '' });
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
