import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { isCoreError } from '../../core-error.js';
import { createRepo, createTempDir, git, readText, removeTempDirs, writeText } from '../git/__fixtures__/temp-repo.js';
import { prepareIsolation } from './prepare-isolation.js';

afterAll(removeTempDirs);

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isCoreError(error) || error.code !== 'invalid_config') throw new Error('expected invalid_config', { cause: error });
  return error.message;
}

describe('prepareIsolation', () => {
  it('chooses worktree isolation on a clean repository top and keeps .hypervisor out of git', async () => {
    const repo = await createRepo();
    expect(await prepareIsolation(repo)).toEqual({ isolation: 'worktree', branch: 'main' });
    expect(await readText(repo, '.hypervisor/.gitignore')).toBe('*\n');
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('refuses a root with changed tracked files and names them', async () => {
    const repo = await createRepo();
    await writeText(repo, 'a.txt', 'changed\n');
    await writeText(repo, 'untracked.txt', 'ignored by the check\n');
    expect(await refusal(prepareIsolation(repo))).toBe(
      `the working tree at ${repo} has uncommitted changes in a.txt: commit or stash them, or allow a dirty tree`,
    );
  });

  it('names at most 10 dirty files, then how many more', async () => {
    const repo = await createRepo();
    const files = Array.from({ length: 12 }, (_, index) => `f${String(index).padStart(2, '0')}.txt`);
    await Promise.all(files.map((file) => writeText(repo, file, 'x\n')));
    await git(repo, 'add', '.');
    expect(await refusal(prepareIsolation(repo))).toContain(`in ${files.slice(0, 10).join(', ')} and 2 more:`);
  });

  it('runs on a dirty root when allowDirty is set', async () => {
    const repo = await createRepo();
    await writeText(repo, 'a.txt', 'changed\n');
    expect(await prepareIsolation(repo, { allowDirty: true })).toEqual({ isolation: 'worktree', branch: 'main' });
  });

  it('refuses a detached HEAD', async () => {
    const repo = await createRepo();
    await git(repo, 'checkout', '--quiet', '--detach');
    expect(await refusal(prepareIsolation(repo))).toBe(`the git repository at ${repo} has a detached HEAD: check out a branch`);
  });

  it('chooses no isolation outside git, below a work tree top, and in a repository without a commit', async () => {
    const plain = await createTempDir();
    expect(await prepareIsolation(plain)).toEqual({ isolation: 'none', reason: `${plain} is not the top of a git work tree` });
    const repo = await createRepo();
    await writeText(repo, 'sub/file.txt', 'x\n');
    expect(await prepareIsolation(join(repo, 'sub'))).toMatchObject({ isolation: 'none' });
    const empty = await createRepo(false);
    expect(await prepareIsolation(empty)).toEqual({ isolation: 'none', reason: `the git repository at ${empty} has no commit yet` });
  });
});
