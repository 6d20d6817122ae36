import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeCheckpoint } from '@kazuba/toon';
import { commitFile, createRepo, createTempDir, git, removeTempDirs, writeText } from '../git/__fixtures__/temp-repo.js';
import { ignoreHypervisorFolder } from '../git/repository.js';
import { addWorktree } from '../git/worktrees.js';
import { findLeftovers, removeLeftovers } from './leftovers.js';

afterAll(removeTempDirs);

const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

async function recordRun(root: string, runId: string, outcome: string, pid: number): Promise<void> {
  await writeCheckpoint(join(root, '.hypervisor', 'runs', runId, 'run.toon'), { kind: 'kazuba.hypervisor.run', run_id: runId, outcome, pid });
}

/**
 * A repository with leftovers of three runs: `live` (this process, still running) has a worktree; `crashed` has
 * a worktree holding uncommitted work and a merged branch; `ended` has an unmerged branch with a commit.
 */
async function repoWithLeftovers() {
  const root = await createRepo();
  await ignoreHypervisorFolder(root);
  await recordRun(root, 'live', 'running', process.pid);
  await recordRun(root, 'crashed', 'running', deadPid());
  await recordRun(root, 'ended', 'failed', process.pid);
  const folder = (run: string, name: string) => join(root, '.hypervisor', 'worktrees', run, name);
  await addWorktree(root, { path: folder('live', 'phase-1'), branch: 'kazuba/live/phase-1-1', from: 'main' });
  await addWorktree(root, { path: folder('crashed', 'phase-2'), branch: 'kazuba/crashed/phase-2-3', from: 'main' });
  await writeText(folder('crashed', 'phase-2'), 'half.txt', 'half\n');
  await git(root, 'branch', 'kazuba/crashed/phase-4-1');
  await addWorktree(root, { path: folder('ended', 'phase-5'), branch: 'kazuba/ended/phase-5-1', from: 'main' });
  await commitFile(folder('ended', 'phase-5'), 'five.txt', 'five\n', 'phase 5 work');
  await git(root, 'worktree', 'remove', folder('ended', 'phase-5'));
  // Neither a run's folder nor one of our branches: never touched.
  await git(root, 'branch', 'feature/mine');
  return { root, folder };
}

describe('findLeftovers', () => {
  it('lists the worktrees and kazuba branches of every run with its state, phase and attempt', async () => {
    const { root, folder } = await repoWithLeftovers();
    const found = await findLeftovers(root);
    expect(found.worktrees).toEqual([
      { path: folder('crashed', 'phase-2'), runId: 'crashed', runState: 'crashed', phaseId: 2, branch: 'kazuba/crashed/phase-2-3' },
      { path: folder('live', 'phase-1'), runId: 'live', runState: 'live', phaseId: 1, branch: 'kazuba/live/phase-1-1' },
    ]);
    expect(found.branches.map(({ name, runState, phaseId, attempt, merged }) => ({ name, runState, phaseId, attempt, merged }))).toEqual([
      { name: 'kazuba/crashed/phase-2-3', runState: 'crashed', phaseId: 2, attempt: 3, merged: true },
      { name: 'kazuba/crashed/phase-4-1', runState: 'crashed', phaseId: 4, attempt: 1, merged: true },
      { name: 'kazuba/ended/phase-5-1', runState: 'ended', phaseId: 5, attempt: 1, merged: false },
      { name: 'kazuba/live/phase-1-1', runState: 'live', phaseId: 1, attempt: 1, merged: true },
    ]);
  });

  it('finds the worktrees of a root given through a symbolic link', async () => {
    const { root, folder } = await repoWithLeftovers();
    const link = join(await createTempDir(), 'link');
    await symlink(root, link);
    expect((await findLeftovers(link)).worktrees.map((worktree) => worktree.path)).toEqual([folder('crashed', 'phase-2'), folder('live', 'phase-1')]);
  });

  it('finds nothing in a repository no run used', async () => {
    const root = await createRepo();
    expect(await findLeftovers(root)).toEqual({ worktrees: [], branches: [] });
  });
});

describe('removeLeftovers', () => {
  it('removes every worktree and branch of the runs that are not running, and nothing of a live run', async () => {
    const { root, folder } = await repoWithLeftovers();
    const removed = await removeLeftovers(root);
    expect(removed.worktrees.map((worktree) => worktree.path)).toEqual([folder('crashed', 'phase-2')]);
    expect(removed.branches.map((branch) => branch.name)).toEqual(['kazuba/crashed/phase-2-3', 'kazuba/crashed/phase-4-1', 'kazuba/ended/phase-5-1']);
    expect(removed.keptBranches).toEqual([]);
    // The worktree's uncommitted work was committed on its branch first: the commit reported brings it back.
    const saved = removed.branches.find((branch) => branch.name === 'kazuba/crashed/phase-2-3');
    expect(saved?.merged).toBe(false);
    expect(await git(root, 'show', `${String(saved?.commit)}:half.txt`)).toBe('half');
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'crashed'))).toBe(false);
    expect(existsSync(folder('live', 'phase-1'))).toBe(true);
    expect(await git(root, 'branch', '--list', '--format=%(refname:short)')).toBe('feature/mine\nkazuba/live/phase-1-1\nmain');
  });

  it('with keepUnmerged, keeps the branches the integration branch lacks, the worktree\'s work committed on its own', async () => {
    const { root } = await repoWithLeftovers();
    const removed = await removeLeftovers(root, { runIds: ['crashed', 'ended', 'live'], keepUnmerged: true });
    expect(removed.branches.map((branch) => branch.name)).toEqual(['kazuba/crashed/phase-4-1']);
    expect(removed.keptBranches.map((branch) => branch.name)).toEqual(['kazuba/crashed/phase-2-3', 'kazuba/ended/phase-5-1']);
    expect(await git(root, 'show', 'kazuba/crashed/phase-2-3:half.txt')).toBe('half');
    expect(await git(root, 'log', '-1', '--format=%s', 'kazuba/crashed/phase-2-3')).toBe('phase 2: unfinished work of a run that stopped, kept by the hypervisor');
    expect((await findLeftovers(root)).worktrees.map((worktree) => worktree.runId)).toEqual(['live']);
  });
});
