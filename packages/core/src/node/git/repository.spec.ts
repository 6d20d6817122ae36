import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createRepo, createTempDir, failureOf, git, readText, removeTempDirs, writeText } from './__fixtures__/temp-repo.js';
import { ignoreHypervisorFolder, inspectRoot } from './repository.js';

afterAll(removeTempDirs);

describe('inspectRoot', () => {
  it('reports a clean repository top with its branch', async () => {
    const repo = await createRepo();
    expect(await inspectRoot(repo)).toEqual({ isWorkTreeTop: true, hasCommit: true, branch: 'main', dirtyFiles: [] });
  });

  it('lists modified, staged, deleted and renamed tracked files but not untracked ones', async () => {
    const repo = await createRepo();
    await writeText(repo, 'b.txt', 'b\n');
    await writeText(repo, 'c d.txt', 'c\n');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '--quiet', '-m', 'more');
    await writeText(repo, 'a.txt', 'changed\n');
    await git(repo, 'mv', 'b.txt', 'renamed.txt');
    await git(repo, 'rm', '--quiet', 'c d.txt');
    await writeText(repo, 'untracked.txt', 'new\n');
    const { dirtyFiles } = await inspectRoot(repo);
    expect([...dirtyFiles].sort()).toEqual(['a.txt', 'c d.txt', 'renamed.txt']);
  });

  it('reports a folder outside any repository as not a work tree top', async () => {
    const dir = await createTempDir();
    expect(await inspectRoot(dir)).toEqual({ isWorkTreeTop: false, hasCommit: false, dirtyFiles: [] });
  });

  it('reports a folder inside a repository as not a work tree top', async () => {
    const repo = await createRepo();
    await mkdir(join(repo, 'sub'));
    await writeText(repo, 'a.txt', 'dirty\n');
    expect(await inspectRoot(join(repo, 'sub'))).toEqual({ isWorkTreeTop: false, hasCommit: false, dirtyFiles: [] });
  });

  it('accepts a root reached through a symbolic link', async () => {
    const repo = await createRepo();
    const link = join(await createTempDir(), 'link');
    await symlink(repo, link);
    expect((await inspectRoot(link)).isWorkTreeTop).toBe(true);
  });

  it('reports a repository without commits, on its unborn branch', async () => {
    const repo = await createRepo(false);
    expect(await inspectRoot(repo)).toEqual({ isWorkTreeTop: true, hasCommit: false, branch: 'main', dirtyFiles: [] });
  });

  it('reports no branch when HEAD is detached', async () => {
    const repo = await createRepo();
    await git(repo, 'checkout', '--quiet', '--detach');
    expect(await inspectRoot(repo)).toEqual({ isWorkTreeTop: true, hasCommit: true, dirtyFiles: [] });
  });

  it('fails with git_failed for a root that does not exist', async () => {
    const missing = join(await createTempDir(), 'missing');
    expect((await failureOf(inspectRoot(missing))).code).toBe('git_failed');
  });
});

describe('ignoreHypervisorFolder', () => {
  it('keeps the state folder out of git status without touching the project .gitignore', async () => {
    const repo = await createRepo();
    await writeText(repo, '.gitignore', 'dist/\n');
    await git(repo, 'add', '.gitignore');
    await git(repo, 'commit', '--quiet', '-m', 'ignore dist');
    const file = await ignoreHypervisorFolder(repo);
    await writeText(repo, '.hypervisor/runs/r1/checkpoint.toon', 'state\n');
    expect(file).toBe(join(repo, '.hypervisor', '.gitignore'));
    expect(await readText(repo, '.hypervisor/.gitignore')).toBe('*\n');
    expect(await readText(repo, '.gitignore')).toBe('dist/\n');
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('can be called again on a folder that already exists', async () => {
    const repo = await createRepo();
    await ignoreHypervisorFolder(repo);
    await ignoreHypervisorFolder(repo);
    expect(await git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});
