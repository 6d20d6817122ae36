import { runGit } from './git.js';
import type { GitOptions } from './git.js';

/** The author and committer of the commits the hypervisor makes when git has no identity configured. */
export const FALLBACK_IDENTITY = Object.freeze({ name: 'kazuba hypervisor', email: 'hypervisor@kazuba.invalid' });

/**
 * The `-c user.name=… -c user.email=…` arguments to put before a command that commits in `cwd`: none when git
 * has both configured (the user's identity wins), else the {@link FALLBACK_IDENTITY}.
 * @throws CoreError `git_failed` when git cannot start.
 */
export async function identityArgs(cwd: string, options: GitOptions = {}): Promise<string[]> {
  const [name, email] = await Promise.all([configured(cwd, 'user.name', options), configured(cwd, 'user.email', options)]);
  if (name && email) return [];
  return ['-c', `user.name=${FALLBACK_IDENTITY.name}`, '-c', `user.email=${FALLBACK_IDENTITY.email}`];
}

async function configured(cwd: string, key: string, options: GitOptions): Promise<boolean> {
  const result = await runGit(cwd, ['config', '--get', key], { ...options, allowFailure: true });
  return result.exitCode === 0 && result.stdout.trim() !== '';
}
