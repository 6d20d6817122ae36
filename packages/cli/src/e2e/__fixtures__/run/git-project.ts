// Plans in real git repositories, for the worktree isolation tests.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writePlan } from './write-plan.js';
import type { FixturePhase, FixtureProject } from './write-plan.js';

/** Runs git in `cwd` and returns its trimmed stdout; throws on failure. */
export const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

/**
 * A plan in a git repository whose `main` holds one commit with `files` (path to text; `shared.txt` by default),
 * with an identity of its own; the plan folder stays untracked.
 */
export async function repoWith(phases: readonly FixturePhase[], files: Readonly<Record<string, string>> = { 'shared.txt': 'base\n' }): Promise<FixtureProject> {
  const project = await writePlan(phases);
  git(project.root, 'init', '--quiet', '--initial-branch=main');
  git(project.root, 'config', 'user.name', 'Test');
  git(project.root, 'config', 'user.email', 'test@example.invalid');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(project.root, path)), { recursive: true });
    await writeFile(join(project.root, path), text);
  }
  git(project.root, 'add', '--', ...Object.keys(files));
  git(project.root, 'commit', '--quiet', '-m', 'initial');
  return project;
}
