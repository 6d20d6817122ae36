import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createProcessSupervisor } from '../../process/process-supervisor.js';
import { PERMISSION_MODES } from '../agent-profile.js';
import type { AgentProfileInput } from '../agent-profile.js';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../../plan/define-plan.js';
import type { Phase } from '../../../plan/plan.js';
import type { AgentProgress, AttemptResult } from '../../../schedule/ports.js';
import type { ProcessLauncher } from '../process-launcher.js';
import { createProcessRunner } from '../process-runner.js';
import { attemptPhase, binFolderOf, createSandbox, jsonLines, removeSandboxes, sessionRecord, specOf } from './__fixtures__/real-cli.js';
import type { Sandbox } from './__fixtures__/real-cli.js';

// The real claude (@anthropic-ai/claude-code, pinned) without credentials or network: it parses our flags, prints
// its init message in stream-json, and answers "Not logged in" without calling the API, so every attempt here ends
// fatal `not_logged_in` unless the CLI refused an argument first.
const TIMEOUT_MS = 90_000;
const supervisor = createProcessSupervisor();
const NOT_LOGGED_IN = 'claude is not logged in: run `claude` once and log in with /login, or set ANTHROPIC_API_KEY (it said: Not logged in · Please run /login)';

afterAll(async () => {
  await supervisor.shutdown();
  await removeSandboxes();
});

function everyOption(outputFormat: 'json' | 'stream-json', permissionMode: string, sessionId: string): AgentProfileInput {
  return {
    name: 'claude',
    outputFormat,
    permissionMode,
    model: 'sonnet',
    allowedTools: ['Bash(git log:*)', 'Read'],
    disallowedTools: ['WebFetch', 'Write'],
    appendSystemPrompt: 'Answer in one line.',
    maxBudgetUsd: 0.5,
    maxTurns: 3,
    // A real flag whose effect shows in the answer: the session id comes back in the init message and the result.
    extraArgs: ['--session-id', sessionId],
  };
}

const flagsAfterFormat = (permissionMode: string, sessionId: string): string[] => [
  ...['--max-turns', '3', '--permission-mode', permissionMode, '--model', 'sonnet', '--append-system-prompt', 'Answer in one line.'],
  ...['--max-budget-usd', '0.5', '--session-id', sessionId, '--allowedTools', 'Bash(git log:*)', 'Read', '--disallowedTools', 'WebFetch', 'Write'],
];

/** An attempt of phase 1 (resuming `resumeSession` when given) through the runner and the real claude: its arguments, progress and result. */
async function streamPhase(sandbox: Sandbox, prompt: string, resumeSession?: string, profiles: AgentProfileInput[] = []): Promise<{ args: readonly string[]; progress: AgentProgress[]; result: AttemptResult }> {
  let args: readonly string[] = [];
  const watching: ProcessLauncher = {
    run: (spec, options) => {
      args = spec.args;
      return supervisor.run(spec, options);
    },
  };
  const runner = createProcessRunner({ supervisor: watching, root: sandbox.root, env: sandbox.env, profiles, killGraceMs: 1000 });
  const phase = definePlan([{ id: 1, prompt }]).phases[0] as Phase;
  const request = { runId: `contract-${randomUUID()}`, phase, attempt: 1, prompt, signal: AbortSignal.timeout(60_000) };
  const events = await lastValueFrom(runner.run(resumeSession === undefined ? request : { ...request, resumeSession }).pipe(toArray()));
  const last = events.at(-1);
  if (last?.type !== 'result') throw new Error('the runner ended without a result');
  return { args, progress: events.flatMap((event) => (event.type === 'agent' ? [event.progress] : [])), result: last.result };
}

describe('the real claude CLI, given the argument vectors we build', () => {
  it('is installed where the contract expects it', () => {
    expect(() => binFolderOf('claude')).not.toThrow();
  });

  it(
    'answers our json vector with every profile option set as not logged in: fatal not_logged_in, never a success',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      const sessionId = randomUUID();
      const profile = everyOption('json', 'acceptEdits', sessionId);
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['-p', 'Say hi.', '--output-format', 'json', ...flagsAfterFormat('acceptEdits', sessionId)]);

      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(attempt.result).toEqual({
        outcome: 'fatal',
        error: { name: 'AgentError', code: 'not_logged_in', message: NOT_LOGGED_IN },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'success', turns: 1, costUsd: 0, sessionId, model: 'sonnet' },
      });
      expect(attempt.log.startsWith(attempt.expectedLogHeader)).toBe(true);
      expect(attempt.safetyNetUsed).toBe(false);
    },
    TIMEOUT_MS,
  );

  // bypassPermissions is left out: claude refuses it when run as root, as CI containers often are.
  it.each(['acceptEdits', 'default', 'plan', 'dontAsk', 'auto'])(
    'understands every flag of our stream-json vector in %s mode (its init message echoes them) and answers fatal not_logged_in',
    async (mode) => {
      const sandbox = await createSandbox('claude', { git: false });
      const sessionId = randomUUID();
      const profile = everyOption('stream-json', mode, sessionId);
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['-p', 'Say hi.', '--output-format', 'stream-json', '--verbose', ...flagsAfterFormat(mode, sessionId)]);

      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(attempt.result).toMatchObject({ outcome: 'fatal', error: { code: 'not_logged_in', message: NOT_LOGGED_IN }, agent: { sessionId, model: 'sonnet' } });

      const init = jsonLines(attempt.log).find((line) => line['type'] === 'system' && line['subtype'] === 'init');
      expect(init).toMatchObject({ permissionMode: mode, session_id: sessionId, cwd: sandbox.root, apiKeySource: 'none' });
      expect(init?.['model']).toEqual(expect.stringContaining('sonnet'));
      expect(init?.['model']).not.toBe('sonnet');
      expect(init?.['tools']).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit']));
      expect(init?.['tools']).not.toEqual(expect.arrayContaining(['WebFetch']));
      expect(init?.['tools']).not.toEqual(expect.arrayContaining(['Write']));
      // The runner relays the same stream it logs.
      expect(jsonLines(attempt.stdout)[0]).toEqual(init);
    },
    TIMEOUT_MS,
  );

  it(
    'reads a prompt of over 100000 bytes whole from stdin under -p, and answers it as not logged in',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      const sessionId = randomUUID();
      const prompt = `Summarise this: ${'lorem ipsum '.repeat(9_000)}`;
      const profile: AgentProfileInput = { name: 'claude', extraArgs: ['--session-id', sessionId] };
      const spec = specOf(profile, sandbox, prompt);
      expect(spec.args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits', '--session-id', sessionId]);
      expect(spec.stdin).toBe(prompt);

      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt });
      expect(attempt.result).toMatchObject({ outcome: 'fatal', error: { code: 'not_logged_in' }, agent: { sessionId } });
      const record = await sessionRecord(join(sandbox.home, '.claude', 'projects'), `${sessionId}.jsonl`);
      const asked = record.find((line) => line['type'] === 'user') as { message?: { content?: unknown } } | undefined;
      expect(asked?.message?.content).toBe(prompt);
    },
    TIMEOUT_MS,
  );

  it(
    'streams its init message as progress by default, and resumes a session it recorded with --resume in our vector',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      const sessionId = randomUUID();
      // Not logged in, claude still records the session it was given; a second attempt can resume it.
      const first = await streamPhase(sandbox, 'Say hi.', undefined, [{ name: 'claude', extraArgs: ['--session-id', sessionId] }]);
      expect(first.result).toMatchObject({ outcome: 'fatal', error: { code: 'not_logged_in' }, agent: { sessionId } });
      expect(first.result.agent).not.toHaveProperty('resumedSession');
      expect(first.progress).toEqual([
        { model: expect.any(String), sessionId },
        { model: expect.any(String), sessionId, turns: 1 },
        { model: expect.any(String), sessionId, turns: 1, costUsd: 0 },
      ]);

      const resumed = await streamPhase(sandbox, 'Say hi again.', sessionId);
      expect(resumed.args).toEqual(['-p', 'Say hi again.', '--output-format', 'stream-json', '--verbose', '--resume', sessionId, '--max-turns', '50', '--permission-mode', 'acceptEdits']);
      expect(resumed.result).toMatchObject({ outcome: 'fatal', error: { code: 'not_logged_in' }, agent: { sessionId, resumedSession: sessionId } });
      expect(resumed.progress).toContainEqual(expect.objectContaining({ sessionId, turns: 1, costUsd: 0 }));
    },
    TIMEOUT_MS,
  );

  it(
    'answers a --resume of a session it does not have with a failed session_not_found, not a fatal answer',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      const sessionId = randomUUID();
      const resumed = await streamPhase(sandbox, 'Say hi again.', sessionId);
      expect(resumed.result).toEqual({
        outcome: 'failed',
        error: { name: 'AgentError', code: 'session_not_found', message: `claude reported error_during_execution: No conversation found with session ID: ${sessionId}` },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'error_during_execution', turns: 0, costUsd: 0, sessionId, resumedSession: sessionId },
      });
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a flag it does not know: fatal rejected_argument, quoting it',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      const profile: AgentProfileInput = { name: 'claude', extraArgs: ['--no-such-flag'] };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['-p', 'Say hi.', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits', '--no-such-flag']);

      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(attempt.result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument', message: expect.stringContaining("(it said: error: unknown option '--no-such-flag')") } });
    },
    TIMEOUT_MS,
  );

  it(
    'accepts exactly the permission modes a profile may name: a mode it does not know is a rejected argument that lists them',
    async () => {
      const sandbox = await createSandbox('claude', { git: false });
      // Our schema refuses an unknown mode, so it can only come in through extraArgs, after ours.
      const profile: AgentProfileInput = { name: 'claude', extraArgs: ['--permission-mode', 'no-such-mode'] };
      const attempt = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(attempt.result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument' } });
      const choices = /Allowed choices are ([^.]+)\./.exec(attempt.stderr)?.[1]?.split(', ');
      expect(choices?.sort()).toEqual([...PERMISSION_MODES.claude].sort());
    },
    TIMEOUT_MS,
  );
});
