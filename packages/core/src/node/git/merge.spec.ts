import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { createRepo, failureOf, git, readText, removeTempDirs, withoutIdentity, writeText } from './__fixtures__/temp-repo.js';
import { commitAll, headOf } from './commits.js';
import { mergeBranch } from './merge.js';
import { ignoreHypervisorFolder } from './repository.js';
import { createMergeLock } from './merge-lock.js';
import { addWorktree } from './worktrees.js';

afterAll(removeTempDirs);

/** Runs a phase as the hypervisor would: a worktree from main's tip, a change, committed. */
async function phase(repo: string, id: string, file: string, text: string): Promise<string> {
  const path = join(repo, '.hypervisor', 'worktrees', id);
  const branch = `kazuba/r1/${id}`;
  await addWorktree(repo, { path, branch, from: 'main' });
  await writeText(path, file, text);
  await commitAll(path, `phase ${id}: change ${file}`);
  return branch;
}

async function expectRootUntouched(repo: string, tip: string) {
  expect(await headOf(repo)).toBe(tip);
  expect(await git(repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  expect(existsSync(join(repo, '.git', 'MERGE_HEAD'))).toBe(false);
}

describe('mergeBranch', () => {
  it('fast-forwards the integration branch and updates the root working tree', async () => {
    const repo = await createRepo();
    // The worktrees live in the root's state folder, which would otherwise show as untracked.
    await ignoreHypervisorFolder(repo);
    const branch = await phase(repo, 'one', 'a.txt', 'one\nTWO\nthree\n');
    const result = await mergeBranch(repo, branch, 'merge phase one');
    expect(result).toEqual({ outcome: 'merged', commit: await git(repo, 'rev-parse', branch), fastForward: true });
    expect(await git(repo, 'rev-parse', 'main')).toBe(await git(repo, 'rev-parse', branch));
    expect(await readText(repo, 'a.txt')).toBe('one\nTWO\nthree\n');
    expect(await git(repo, 'status', '--porcelain')).toBe('');
  });

  it('makes a merge commit when the branch no longer starts from the tip', async () => {
    const repo = await createRepo();
    const first = await phase(repo, 'one', 'b.txt', 'b\n');
    const second = await phase(repo, 'two', 'c.txt', 'c\n');
    await mergeBranch(repo, first, 'merge phase one');
    const result = await mergeBranch(repo, second, 'merge phase two');
    expect(result).toEqual({ outcome: 'merged', commit: await headOf(repo), fastForward: false });
    expect(await git(repo, 'log', '-1', '--format=%P|%s')).toBe(`${await git(repo, 'rev-parse', first)} ${await git(repo, 'rev-parse', second)}|merge phase two`);
    expect([await readText(repo, 'b.txt'), await readText(repo, 'c.txt')]).toEqual(['b\n', 'c\n']);
  });

  it('names the conflicting files, aborts the merge and leaves the root at its tip', async () => {
    const repo = await createRepo();
    const first = await phase(repo, 'one', 'a.txt', 'one\nfirst\nthree\n');
    const second = await phase(repo, 'two', 'a.txt', 'one\nsecond\nthree\n');
    await mergeBranch(repo, first, 'merge phase one');
    const tip = await headOf(repo);
    expect(await mergeBranch(repo, second, 'merge phase two')).toEqual({ outcome: 'conflict', files: ['a.txt'] });
    await expectRootUntouched(repo, tip);
    expect(await readText(repo, 'a.txt')).toBe('one\nfirst\nthree\n');
  });

  it('reports a branch with nothing new as merged at the current tip', async () => {
    const repo = await createRepo();
    await addWorktree(repo, { path: join(repo, '.hypervisor', 'worktrees', 'idle'), branch: 'idle', from: 'main' });
    expect(await mergeBranch(repo, 'idle', 'merge idle')).toEqual({ outcome: 'merged', commit: await headOf(repo), fastForward: true });
  });

  it('makes the merge commit as the kazuba hypervisor when git has no identity configured', async () => {
    const repo = await createRepo();
    const first = await phase(repo, 'one', 'b.txt', 'b\n');
    const second = await phase(repo, 'two', 'c.txt', 'c\n');
    const env = await withoutIdentity(repo);
    await mergeBranch(repo, first, 'merge phase one', { env });
    const result = await mergeBranch(repo, second, 'merge phase two', { env });
    expect(result).toMatchObject({ outcome: 'merged', fastForward: false });
    expect(await git(repo, 'log', '-1', '--format=%an <%ae>')).toBe('kazuba hypervisor <hypervisor@kazuba.invalid>');
  });

  it('serialises merges of phases that finish together under the merge lock', async () => {
    const repo = await createRepo();
    const branches = await Promise.all(['p1', 'p2', 'p3'].map((id) => phase(repo, id, `${id}.txt`, `${id}\n`)));
    const lock = createMergeLock();
    const results = await Promise.all(branches.map((branch) => lock.runExclusive(() => mergeBranch(repo, branch, `merge ${branch}`))));
    expect(results.map((result) => result.outcome)).toEqual(['merged', 'merged', 'merged']);
    expect(await git(repo, 'ls-files')).toBe('a.txt\np1.txt\np2.txt\np3.txt');
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('fails with git_failed for a branch that does not exist', async () => {
    const repo = await createRepo();
    const error = await failureOf(mergeBranch(repo, 'kazuba/r1/missing', 'merge missing'));
    expect(error.message).toBe(
      `git merge-base --is-ancestor HEAD kazuba/r1/missing failed in ${repo}: fatal: Not a valid object name kazuba/r1/missing`,
    );
  });

  it('fails with git_failed when local changes at the root are in the way, changing nothing', async () => {
    const repo = await createRepo();
    const first = await phase(repo, 'one', 'b.txt', 'b\n');
    const second = await phase(repo, 'two', 'a.txt', 'one\nsecond\nthree\n');
    await mergeBranch(repo, first, 'merge phase one');
    const tip = await headOf(repo);
    await writeText(repo, 'a.txt', 'edited at the root\n');
    const error = await failureOf(mergeBranch(repo, second, 'merge phase two'));
    expect(error.message).toMatch(/^git merge --no-ff --no-edit -m "merge phase two" kazuba\/r1\/two failed in .*: error: Your local changes/);
    expect(await headOf(repo)).toBe(tip);
    expect(await readText(repo, 'a.txt')).toBe('edited at the root\n');
  });

  it('aborts a merge that a hook stopped, so the root is never left mid-merge', async () => {
    const repo = await createRepo();
    const first = await phase(repo, 'one', 'b.txt', 'b\n');
    const second = await phase(repo, 'two', 'c.txt', 'c\n');
    await mergeBranch(repo, first, 'merge phase one');
    const tip = await headOf(repo);
    await writeText(repo, '.git/hooks/pre-merge-commit', '#!/bin/sh\necho "no merges today" >&2\nexit 1\n');
    await chmod(join(repo, '.git/hooks/pre-merge-commit'), 0o755);
    const error = await failureOf(mergeBranch(repo, second, 'merge phase two'));
    expect(error.message).toMatch(/failed in .*: no merges today$/);
    await expectRootUntouched(repo, tip);
    expect(existsSync(join(repo, 'c.txt'))).toBe(false);
  });
});
