import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { createRepo, createTempDir, failureOf, removeTempDirs, writeText } from './__fixtures__/temp-repo.js';
import { runGit } from './git.js';

afterAll(removeTempDirs);

describe('runGit', () => {
  it('returns the output and exit code of a command', async () => {
    const repo = await createRepo();
    const result = await runGit(repo, ['rev-parse', '--abbrev-ref', 'HEAD']);
    expect(result).toEqual({ stdout: 'main', stderr: '', exitCode: 0 });
  });

  it('runs git with no pager, no editor and no prompt, and lets the caller add variables', async () => {
    const repo = await createRepo();
    expect((await runGit(repo, ['var', 'GIT_EDITOR'])).stdout).toBe('true');
    expect((await runGit(repo, ['var', 'GIT_PAGER'])).stdout).toBe('cat');
    expect((await runGit(repo, ['var', 'GIT_EDITOR'], { env: { GIT_EDITOR: 'vi' } })).stdout).toBe('vi');
    const prompt = await runGit(repo, ['-c', 'alias.prompt=!printf %s "$GIT_TERMINAL_PROMPT"', 'prompt']);
    expect(prompt.stdout).toBe('0');
  });

  it('returns a failure as a result when allowed to', async () => {
    const dir = await createTempDir();
    const result = await runGit(dir, ['rev-parse', '--show-toplevel'], { allowFailure: true });
    expect(result.exitCode).toBe(128);
    expect(result.stderr).toMatch(/^fatal: not a git repository/);
  });

  it('fails in one line naming the command, the repository and git\'s verdict', async () => {
    const repo = await createRepo();
    const error = await failureOf(runGit(repo, ['checkout', 'no-such-branch']));
    expect(error.code).toBe('git_failed');
    expect(error.message).toBe(
      `git checkout no-such-branch failed in ${repo}: error: pathspec 'no-such-branch' did not match any file(s) known to git`,
    );
    expect(error.context).toEqual({ args: ['checkout', 'no-such-branch'], cwd: repo, exitCode: 1, stderr: expect.any(String) });
  });

  it('quotes arguments with spaces or line breaks so the message stays on one line', async () => {
    const repo = await createRepo();
    const error = await failureOf(runGit(repo, ['commit', '-m', 'two words\nsecond line', '--', 'missing.txt']));
    expect(error.message).toMatch(/^git commit -m "two words\\nsecond line" -- missing\.txt failed in /);
    expect(error.message).not.toContain('\n');
  });

  it('takes the verdict from stdout when stderr is empty, else names the exit code', async () => {
    const repo = await createRepo();
    await writeText(repo, 'a.txt', 'changed\n');
    const fromStdout = await failureOf(runGit(repo, ['diff', '--exit-code']));
    expect(fromStdout.message).toBe(`git diff --exit-code failed in ${repo}: diff --git a/a.txt b/a.txt`);
    const silent = await failureOf(runGit(repo, ['diff', '--quiet']));
    expect(silent.message).toBe(`git diff --quiet failed in ${repo}: exit code 1`);
  });

  it('fails with git_failed when git cannot start in the folder', async () => {
    const missing = join(await createTempDir(), 'missing');
    const error = await failureOf(runGit(missing, ['status'], { allowFailure: true }));
    expect(error.code).toBe('git_failed');
    expect(error.message).toBe(`git status failed in ${missing}: The "cwd" option is invalid: ${missing}.`);
    expect(error.context['exitCode']).toBeUndefined();
    expect(error.cause).toBeDefined();
  });
});
