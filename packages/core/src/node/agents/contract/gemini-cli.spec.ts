import { afterAll, describe, expect, it } from '@jest/globals';
import { createProcessSupervisor } from '../../process/process-supervisor.js';
import { PERMISSION_MODES } from '../agent-profile.js';
import type { AgentProfileInput } from '../agent-profile.js';
import { attemptPhase, binFolderOf, createSandbox, removeSandboxes, specOf } from './__fixtures__/real-cli.js';

// The real gemini (@google/gemini-cli, pinned) without credentials: it parses our flags, then stops with exit 41 and
// "Please set an Auth method in your $HOME/.gemini/settings.json ..." (a JSON error on stderr with -o json, plain text
// with -o stream-json), before any network call. So every attempt here ends fatal `not_logged_in` unless it refused
// an argument first.
const TIMEOUT_MS = 90_000;
const MODEL = 'gemini-2.5-pro';
const supervisor = createProcessSupervisor();

afterAll(async () => {
  await supervisor.shutdown();
  await removeSandboxes();
});

const notLoggedIn = (home: string): string =>
  `gemini has no credentials: set GEMINI_API_KEY, or run \`gemini\` once and log in (it said: Please set an Auth method in your ${home}/.gemini/settings.json`;

describe('the real gemini CLI, given the argument vectors we build', () => {
  it('is installed where the contract expects it', () => {
    expect(() => binFolderOf('gemini')).not.toThrow();
  });

  it.each<['json' | 'stream-json', 'argument' | 'stdin', string[]]>([
    ['json', 'argument', ['-p', 'Say hi.']],
    ['stream-json', 'argument', ['-p', 'Say hi.']],
    ['json', 'stdin', []],
    ['stream-json', 'stdin', []],
  ])(
    'answers our %s vector with every profile option set, the prompt as %s, as not logged in: fatal not_logged_in',
    async (outputFormat, promptVia, promptArgs) => {
      const sandbox = await createSandbox('gemini', { git: false });
      const profile: AgentProfileInput = {
        name: 'gemini',
        outputFormat,
        promptVia,
        model: MODEL,
        permissionMode: 'auto_edit',
        trustWorkspace: true,
        allowedTools: ['run_shell_command(git log)'],
        extraArgs: [],
      };
      const spec = specOf(profile, sandbox, 'Say hi.');
      expect(spec.args).toEqual([...promptArgs, '-o', outputFormat, '--approval-mode', 'auto_edit', '--skip-trust', '-m', MODEL, '--allowed-tools', 'run_shell_command(git log)']);
      expect(spec.stdin).toBe(promptVia === 'stdin' ? 'Say hi.' : undefined);

      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(attempt.result).toMatchObject({
        outcome: 'fatal',
        error: { code: 'not_logged_in', message: expect.stringContaining(notLoggedIn(sandbox.home)) },
        agent: { profile: 'gemini', exitCode: 41, model: MODEL },
      });
      expect(attempt.log.startsWith(attempt.expectedLogHeader)).toBe(true);
      expect(attempt.safetyNetUsed).toBe(false);
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a flag it does not know: fatal rejected_argument, quoting it',
    async () => {
      const sandbox = await createSandbox('gemini', { git: false });
      const profile: AgentProfileInput = { name: 'gemini', extraArgs: ['--bogus'] };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['-p', 'Say hi.', '-o', 'json', '--approval-mode', 'auto_edit', '--skip-trust', '--bogus']);

      const { result } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument', message: expect.stringContaining('(it said: Unknown argument: bogus)') }, agent: { exitCode: 1 } });
    },
    TIMEOUT_MS,
  );

  it(
    'accepts exactly the approval modes a profile may name: a mode it does not know is a rejected argument that lists them',
    async () => {
      const sandbox = await createSandbox('gemini', { git: false });
      // Our schema refuses an unknown mode, so it can only come in through extraArgs, after ours.
      const profile: AgentProfileInput = { name: 'gemini', extraArgs: ['--approval-mode', 'no-such-mode'] };
      const { result, stderr } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument' } });
      const choices = /Argument: approval-mode, Given: "no-such-mode", Choices: (.+)/.exec(stderr)?.[1]?.split(', ').map((choice) => JSON.parse(choice) as string);
      expect(choices?.sort()).toEqual([...PERMISSION_MODES.gemini].sort());
    },
    TIMEOUT_MS,
  );

  // gemini declares --allowed-tools with `nargs: 1`: a second tool after one flag would be read as a prompt.
  it(
    'takes a list of several allowed tools, one flag each: fatal not_logged_in',
    async () => {
      const sandbox = await createSandbox('gemini', { git: false });
      const profile: AgentProfileInput = { name: 'gemini', allowedTools: ['read_file', 'glob'] };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(expect.arrayContaining(['--allowed-tools', 'read_file', '--allowed-tools', 'glob']));
      const { result } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'not_logged_in' } });
    },
    TIMEOUT_MS,
  );
});
