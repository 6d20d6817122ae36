import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from './git.js';
import type { GitOptions } from './git.js';

/** What a project root is to git, as far as worktree isolation cares. */
export interface RootInspection {
  /** Whether the root is the top folder of a git work tree (not a folder inside one, not outside any). */
  readonly isWorkTreeTop: boolean;
  /** Whether that work tree's HEAD names a commit. */
  readonly hasCommit: boolean;
  /** The branch checked out at the root; absent when HEAD is detached or the root is not a work tree top. */
  readonly branch?: string;
  /** Tracked files with changes, staged or not (untracked files are not listed). */
  readonly dirtyFiles: readonly string[];
}

const NOT_A_WORK_TREE_TOP: RootInspection = Object.freeze({ isWorkTreeTop: false, hasCommit: false, dirtyFiles: [] });

/**
 * Tells whether `root` can host worktree isolation: the top of a work tree with a commit, its branch and its
 * dirty tracked files. A folder inside a work tree is reported as not a top, with nothing else.
 * @throws CoreError `git_failed` when git cannot start (a missing `root` included) or a query fails.
 * @example
 * const { isWorkTreeTop, hasCommit, branch, dirtyFiles } = await inspectRoot(process.cwd());
 */
export async function inspectRoot(root: string, options: GitOptions = {}): Promise<RootInspection> {
  if (!(await isWorkTreeTop(root, options))) return NOT_A_WORK_TREE_TOP;
  const head = await runGit(root, ['rev-parse', '--verify', '--quiet', 'HEAD'], { ...options, allowFailure: true });
  const branch = await currentBranch(root, options);
  const dirtyFiles = await listDirtyFiles(root, options);
  return Object.freeze({
    isWorkTreeTop: true,
    hasCommit: head.exitCode === 0,
    ...(branch === undefined ? {} : { branch }),
    dirtyFiles: Object.freeze(dirtyFiles),
  });
}

async function isWorkTreeTop(root: string, options: GitOptions): Promise<boolean> {
  const result = await runGit(root, ['rev-parse', '--show-toplevel'], { ...options, allowFailure: true });
  if (result.exitCode !== 0) return false;
  // git resolves symbolic links in the top it prints (macOS /tmp is /private/tmp), so compare real paths.
  const [top, wanted] = await Promise.all([realpath(result.stdout.trim()), realpath(root)]);
  return top === wanted;
}

async function currentBranch(root: string, options: GitOptions): Promise<string | undefined> {
  const result = await runGit(root, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { ...options, allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function listDirtyFiles(root: string, options: GitOptions): Promise<string[]> {
  const { stdout } = await runGit(root, ['status', '--porcelain=v1', '--untracked-files=no', '-z'], options);
  return parseStatus(stdout);
}

/** Reads `git status --porcelain=v1 -z`: `XY path` entries, a rename or copy followed by its source path. */
function parseStatus(output: string): string[] {
  const paths: string[] = [];
  let sourceNext = false;
  for (const entry of output.split('\0').filter((part) => part !== '')) {
    if (!sourceNext) paths.push(entry.slice(3));
    sourceNext = !sourceNext && /[RC]/.test(entry.slice(0, 2));
  }
  return paths;
}

/**
 * Keeps the hypervisor's state folder out of git: writes `.hypervisor/.gitignore` holding `*` (which ignores
 * itself too), leaving the project's own `.gitignore` alone.
 * @throws the file system's error when the folder or file cannot be written.
 */
export async function ignoreHypervisorFolder(root: string): Promise<string> {
  const folder = join(root, '.hypervisor');
  await mkdir(folder, { recursive: true });
  const file = join(folder, '.gitignore');
  await writeFile(file, '*\n', 'utf8');
  return file;
}
