import { execa } from 'execa';
import { CoreError } from '../../core-error.js';
import { messageOf } from '../process/error-details.js';

/**
 * The environment every git command runs with, over the inherited one: English, parseable output, and nothing
 * that waits for a person (no pager, no editor, no credential prompt). Variables that would point git at another
 * repository than `cwd` are removed.
 */
export const GIT_ENVIRONMENT: Readonly<Record<string, string | undefined>> = Object.freeze({
  LC_ALL: 'C',
  LANG: 'C',
  LANGUAGE: undefined,
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  GIT_EDITOR: 'true',
  GIT_MERGE_AUTOEDIT: 'no',
  GIT_DIR: undefined,
  GIT_WORK_TREE: undefined,
  GIT_INDEX_FILE: undefined,
  GIT_COMMON_DIR: undefined,
});

/** What a caller may pass to any git operation. */
export interface GitOptions {
  /**
   * Variables added to the environment of the git process (an `undefined` value removes one), applied after
   * {@link GIT_ENVIRONMENT}.
   * @default {}
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What a caller may pass to {@link runGit}. */
export interface RunGitOptions extends GitOptions {
  /**
   * Return a non-zero exit as a result instead of throwing (a git that cannot start still throws).
   * @default false
   */
  readonly allowFailure?: boolean;
}

/** The outcome of one git command. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * Runs `git <args>` in `cwd` (an argument vector, never a shell string) and returns its output.
 * @throws CoreError `git_failed` when git exits non-zero (unless `allowFailure`) or cannot start; the message is
 *   one line naming the command and the repository, the context holds `args`, `cwd`, `exitCode` and `stderr`.
 * @example
 * const { stdout } = await runGit('/repo', ['rev-parse', 'HEAD']);
 */
export async function runGit(cwd: string, args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const result = await execa('git', [...args], {
    cwd,
    env: { ...GIT_ENVIRONMENT, ...options.env },
    stdin: 'ignore',
    reject: false,
  });
  const { stdout, stderr, exitCode } = result;
  if (exitCode === undefined) {
    // git did not start (a missing cwd, no git on PATH); execa's original message says why, its first line
    // ("The "cwd" option is invalid: …") is enough.
    const reason = messageOf({ message: result.originalMessage });
    throw gitFailed(cwd, args, { exitCode, stdout, stderr, reason }, result);
  }
  if (exitCode !== 0 && options.allowFailure !== true) throw gitFailed(cwd, args, { exitCode, stdout, stderr });
  return { stdout, stderr, exitCode };
}

/** What went wrong with one git command, for {@link gitFailed}. */
export interface GitFailure {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** One line that says why; by default git's verdict from stderr (else stdout), else the exit code. */
  readonly reason?: string;
}

/** Builds the `git_failed` error of a command: one line naming the command and the repository. */
export function gitFailed(cwd: string, args: readonly string[], failure: GitFailure, cause?: unknown): CoreError {
  const { exitCode, stdout, stderr } = failure;
  const reason = failure.reason ?? meaningfulLine(stderr) ?? meaningfulLine(stdout) ?? `exit code ${String(exitCode)}`;
  const message = `${formatCommand(args)} failed in ${cwd}: ${reason}`;
  const context = { args: [...args], cwd, exitCode, stderr };
  return new CoreError('git_failed', message, context, cause === undefined ? undefined : { cause });
}

/** Shows a command as one line, quoting the arguments that hold spaces, quotes or line breaks. */
function formatCommand(args: readonly string[]): string {
  const shown = args.map((arg) => (arg === '' || /[\s"'\\]/.test(arg) ? JSON.stringify(arg) : arg));
  return ['git', ...shown].join(' ');
}

function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
}

/** git puts hints before its verdict, so a `fatal:` or `error:` line wins over the first line. */
function meaningfulLine(text: string): string | undefined {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? firstLine(text);
}
