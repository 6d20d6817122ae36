import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { createRepo, commitFile, failureOf, git, removeTempDirs, withoutIdentity, writeText } from './__fixtures__/temp-repo.js';
import { commitAll, headOf, holdsCommit } from './commits.js';
import { addWorktree } from './worktrees.js';

afterAll(removeTempDirs);

async function worktreeOf(repo: string) {
  const path = join(repo, '.hypervisor', 'worktrees', 'phase');
  await addWorktree(repo, { path, branch: 'kazuba/r1/phase', from: 'main' });
  return path;
}

describe('commitAll', () => {
  it('commits modified and untracked files with the configured identity and returns the sha', async () => {
    const repo = await createRepo();
    const worktree = await worktreeOf(repo);
    await writeText(worktree, 'a.txt', 'changed\n');
    await writeText(worktree, 'src/new.ts', 'export {};\n');
    const commit = await commitAll(worktree, 'phase build: Build it');
    expect(commit).toBe(await headOf(worktree));
    expect(await git(worktree, 'log', '-1', '--format=%an <%ae>|%s')).toBe('Repo Owner <owner@example.invalid>|phase build: Build it');
    expect(await git(worktree, 'show', '--name-only', '--format=', 'HEAD')).toBe('a.txt\nsrc/new.ts');
    expect(await git(worktree, 'status', '--porcelain')).toBe('');
  });

  it('makes no commit when nothing changed', async () => {
    const repo = await createRepo();
    const worktree = await worktreeOf(repo);
    const before = await headOf(worktree);
    expect(await commitAll(worktree, 'phase idle: Nothing')).toBeUndefined();
    expect(await headOf(worktree)).toBe(before);
  });

  it('returns undefined after an agent committed by itself, leaving its commit on the branch', async () => {
    const repo = await createRepo();
    const worktree = await worktreeOf(repo);
    const own = await commitFile(worktree, 'b.txt', 'b\n', 'agent commit');
    expect(await commitAll(worktree, 'phase self: Self')).toBeUndefined();
    expect(await headOf(worktree)).toBe(own);
    expect(await git(repo, 'rev-list', '--count', 'main..kazuba/r1/phase')).toBe('1');
  });

  it('never commits a .hypervisor folder, at the top or deeper', async () => {
    const repo = await createRepo();
    const worktree = await worktreeOf(repo);
    await writeText(worktree, '.hypervisor/runs/r1/checkpoint.toon', 'state\n');
    await writeText(worktree, 'pkg/.hypervisor/state', 'state\n');
    expect(await commitAll(worktree, 'phase state: Only state')).toBeUndefined();
    await writeText(worktree, 'b.txt', 'b\n');
    await commitAll(worktree, 'phase real: Real change');
    expect(await git(worktree, 'show', '--name-only', '--format=', 'HEAD')).toBe('b.txt');
    expect(await git(worktree, 'ls-files')).toBe('a.txt\nb.txt');
  });

  it('commits as the kazuba hypervisor when git has no identity configured', async () => {
    const repo = await createRepo();
    const env = await withoutIdentity(repo);
    await writeText(repo, 'b.txt', 'b\n');
    const commit = await commitAll(repo, 'phase anon: Anonymous', { env });
    expect(commit).toBe(await headOf(repo));
    expect(await git(repo, 'log', '-1', '--format=%an <%ae>|%cn <%ce>')).toBe(
      'kazuba hypervisor <hypervisor@kazuba.invalid>|kazuba hypervisor <hypervisor@kazuba.invalid>',
    );
  });
});

describe('headOf', () => {
  it('fails with git_failed in a repository without commits', async () => {
    const repo = await createRepo(false);
    const error = await failureOf(headOf(repo));
    expect(error.message).toBe(`git rev-parse --verify HEAD failed in ${repo}: fatal: Needed a single revision`);
  });
});

describe('holdsCommit', () => {
  it('says whether HEAD already holds a commit: its own and older ones, not one on another branch', async () => {
    const repo = await createRepo();
    const first = await headOf(repo);
    await git(repo, 'checkout', '--quiet', '-b', 'side');
    const side = await commitFile(repo, 'side.txt', 'side\n', 'on the side');
    await git(repo, 'checkout', '--quiet', 'main');
    expect(await holdsCommit(repo, first)).toBe(true);
    expect(await holdsCommit(repo, side)).toBe(false);
  });
});
