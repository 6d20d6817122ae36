// Temporary folders and repositories for the git specs, driven by real git.
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isCoreError } from '../../../core-error.js';
import type { CoreError } from '../../../core-error.js';
import { runGit } from '../git.js';

const created: string[] = [];

/** A new empty folder under the OS temp folder (its real path), removed by {@link removeTempDirs}. */
export async function createTempDir(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'kazuba-git-')));
  created.push(dir);
  return dir;
}

/** Removes every folder {@link createTempDir} made. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** A repository on `main` with its own identity and, unless `commit` is false, one commit holding `a.txt`. */
export async function createRepo(commit = true): Promise<string> {
  const repo = await createTempDir();
  await runGit(repo, ['init', '--quiet', '--initial-branch=main']);
  await runGit(repo, ['config', 'user.name', 'Repo Owner']);
  await runGit(repo, ['config', 'user.email', 'owner@example.invalid']);
  await runGit(repo, ['config', 'commit.gpgsign', 'false']);
  if (commit) await commitFile(repo, 'a.txt', 'one\ntwo\nthree\n', 'initial');
  return repo;
}

/** Writes `text` to `file` under `dir`, creating its folders. */
export async function writeText(dir: string, file: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, file)), { recursive: true });
  await writeFile(join(dir, file), text, 'utf8');
}

/** Reads `file` under `dir`. */
export async function readText(dir: string, file: string): Promise<string> {
  return readFile(join(dir, file), 'utf8');
}

/** Writes and commits one file with git directly (as an agent would), returning the commit's sha. */
export async function commitFile(repo: string, file: string, text: string, message: string): Promise<string> {
  await writeText(repo, file, text);
  await runGit(repo, ['add', '--', file]);
  await runGit(repo, ['commit', '--quiet', '-m', message]);
  return (await runGit(repo, ['rev-parse', 'HEAD'])).stdout.trim();
}

/** Runs git and returns its trimmed stdout. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await runGit(cwd, args)).stdout.trim();
}

/** Removes the repository's own identity and returns an environment in which git finds none elsewhere. */
export async function withoutIdentity(repo: string): Promise<Record<string, string>> {
  await runGit(repo, ['config', '--unset', 'user.name']);
  await runGit(repo, ['config', '--unset', 'user.email']);
  const home = await createTempDir();
  return { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1', EMAIL: '' };
}

/** The CoreError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<CoreError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isCoreError(error)) throw new Error('expected a CoreError', { cause: error });
  return error;
}
