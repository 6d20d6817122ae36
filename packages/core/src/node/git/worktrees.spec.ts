import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRepo, createTempDir, failureOf, git, readText, removeTempDirs, writeText } from './__fixtures__/temp-repo.js';
import { addWorktree, deleteBranch, listWorktrees, removeWorktree } from './worktrees.js';

afterAll(removeTempDirs);

async function repoWithWorktree() {
  const repo = await createRepo();
  const path = join(repo, '.hypervisor', 'worktrees', 'r1', 'build');
  await addWorktree(repo, { path, branch: 'kazuba/r1/build', from: 'main' });
  return { repo, path };
}

describe('worktrees', () => {
  it('adds a worktree on a new branch from the tip, creating its parent folders', async () => {
    const { repo, path } = await repoWithWorktree();
    expect(await readText(path, 'a.txt')).toBe('one\ntwo\nthree\n');
    expect(await git(path, 'symbolic-ref', '--short', 'HEAD')).toBe('kazuba/r1/build');
    expect(await git(path, 'rev-parse', 'HEAD')).toBe(await git(repo, 'rev-parse', 'main'));
  });

  it('starts the branch from any commit-ish', async () => {
    const repo = await createRepo();
    const first = await git(repo, 'rev-parse', 'HEAD');
    await writeText(repo, 'a.txt', 'later\n');
    await git(repo, 'commit', '--quiet', '-am', 'later');
    const path = join(await createTempDir(), 'nested', 'wt');
    await addWorktree(repo, { path, branch: 'old', from: first });
    expect(await git(path, 'rev-parse', 'HEAD')).toBe(first);
  });

  it('lists the main worktree first, then the added ones with their branch and head', async () => {
    const { repo, path } = await repoWithWorktree();
    const head = await git(repo, 'rev-parse', 'HEAD');
    expect(await listWorktrees(repo)).toEqual([
      { path: repo, head, branch: 'main', prunable: false },
      { path, head, branch: 'kazuba/r1/build', prunable: false },
    ]);
  });

  it('lists a detached worktree without a branch and a bare repository without a head', async () => {
    const repo = await createRepo();
    const path = join(await createTempDir(), 'detached');
    await git(repo, 'worktree', 'add', '--quiet', '--detach', path, 'main');
    expect((await listWorktrees(repo))[1]).toEqual({ path, head: await git(repo, 'rev-parse', 'HEAD'), prunable: false });
    const bare = await createTempDir();
    await git(bare, 'init', '--quiet', '--bare');
    expect(await listWorktrees(bare)).toEqual([{ path: bare, prunable: false }]);
  });

  it('removes a worktree with uncommitted changes and keeps its branch', async () => {
    const { repo, path } = await repoWithWorktree();
    await writeText(path, 'a.txt', 'half done\n');
    await writeText(path, 'new.txt', 'untracked\n');
    await removeWorktree(repo, path);
    expect(existsSync(path)).toBe(false);
    expect((await listWorktrees(repo)).map((entry) => entry.path)).toEqual([repo]);
    expect(await git(repo, 'branch', '--list', 'kazuba/r1/build')).toContain('kazuba/r1/build');
  });

  it('prunes a worktree whose folder is already gone, which the listing showed as prunable', async () => {
    const { repo, path } = await repoWithWorktree();
    await rm(path, { recursive: true, force: true });
    expect((await listWorktrees(repo))[1]).toMatchObject({ path, prunable: true });
    await removeWorktree(repo, path);
    await removeWorktree(repo, path);
    expect((await listWorktrees(repo)).map((entry) => entry.path)).toEqual([repo]);
  });

  it('deletes a branch that was never merged once its worktree is removed', async () => {
    const { repo, path } = await repoWithWorktree();
    await writeText(path, 'b.txt', 'b\n');
    await git(path, 'add', '.');
    await git(path, 'commit', '--quiet', '-m', 'unmerged');
    await removeWorktree(repo, path);
    await deleteBranch(repo, 'kazuba/r1/build');
    expect(await git(repo, 'branch', '--list', 'kazuba/r1/build')).toBe('');
  });

  it('fails with git_failed on a taken branch, a folder that is not a worktree and a missing branch', async () => {
    const { repo } = await repoWithWorktree();
    const again = addWorktree(repo, { path: join(repo, '..', 'other'), branch: 'kazuba/r1/build', from: 'main' });
    expect((await failureOf(again)).message).toMatch(/^git worktree add --quiet -b kazuba\/r1\/build .* main failed in /);
    const plain = join(await createTempDir(), 'plain');
    await mkdir(plain);
    expect((await failureOf(removeWorktree(repo, plain))).code).toBe('git_failed');
    expect((await failureOf(deleteBranch(repo, 'no-such-branch'))).message).toBe(
      `git branch --quiet -D no-such-branch failed in ${repo}: error: branch 'no-such-branch' not found.`,
    );
  });
});
