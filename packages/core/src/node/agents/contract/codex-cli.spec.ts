import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProcessSupervisor } from '../../process/process-supervisor.js';
import { PERMISSION_MODES, resolveProfiles } from '../agent-profile.js';
import type { AgentProfileInput } from '../agent-profile.js';
import { answerOf, attemptPhase, binFolderOf, createSandbox, isInGitWorkTree, jsonLines, removeSandboxes, sessionRecord, specOf, startAttempt } from './__fixtures__/real-cli.js';
import type { ContractAttempt, Sandbox } from './__fixtures__/real-cli.js';

// The real codex (@openai/codex, pinned) without credentials or network: `exec` does not check a login; it starts a
// session (recorded under $HOME/.codex/sessions), retries its service and then prints "waiting for network" forever.
// Our built-in output rule ends such an attempt as a failed `transient_output`; the safety net must never be needed.
const TIMEOUT_MS = 90_000;
const MODEL = 'gpt-6.2-astra';
const supervisor = createProcessSupervisor();
const TRANSIENT = /^codex cannot reach its service \(no network\) \(it said: \{"type":"error","message":"Reconnecting\.\.\. waiting for network/;

interface Started {
  readonly sandbox: Sandbox;
  readonly profile: AgentProfileInput;
  readonly prompt: string;
  readonly attempt: Promise<ContractAttempt>;
}

// The attempts that wait for codex's "waiting for network" (several seconds each) run side by side.
const started: Partial<Record<'argument' | 'stdin' | 'outsideRepo', Started>> = {};

async function start(git: boolean, profile: AgentProfileInput, prompt: string): Promise<Started> {
  const sandbox = await createSandbox('codex', { git });
  return { sandbox, profile, prompt, attempt: startAttempt({ supervisor, sandbox, profile, prompt }) };
}

function startedAttempt(name: keyof typeof started): Started {
  const found = started[name];
  if (found === undefined) throw new Error(`the ${name} attempt was not started`);
  return found;
}

beforeAll(async () => {
  started.argument = await start(true, { name: 'codex', model: MODEL }, 'Say hi.');
  started.stdin = await start(true, { name: 'codex', model: MODEL, permissionMode: 'read-only' }, `Summarise this: ${'lorem ipsum '.repeat(9_000)}`);
  started.outsideRepo = await start(false, { name: 'codex', skipGitRepoCheck: true }, 'Say hi.');
  if (await isInGitWorkTree(started.outsideRepo.sandbox.root)) throw new Error(`${started.outsideRepo.sandbox.root} is inside a git work tree: the contract needs a temporary folder outside one`);
});

afterAll(async () => {
  await supervisor.shutdown();
  await removeSandboxes();
});

/** What codex recorded of the session: the settings of its turn, what the user asked, and the session id. */
async function codexSession(home: string): Promise<{ readonly id: unknown; readonly turn: Record<string, unknown>; readonly asked: string[] }> {
  const record = await sessionRecord(join(home, '.codex', 'sessions'));
  const payloads = (type: string): Record<string, unknown>[] => record.filter((line) => line['type'] === type).map((line) => line['payload'] as Record<string, unknown>);
  const asked = payloads('response_item')
    .filter((item) => item['role'] === 'user')
    .flatMap((item) => (item['content'] as { text?: string }[]).map((part) => part.text ?? ''));
  return { id: payloads('session_meta')[0]?.['id'], turn: payloads('turn_context')[0] ?? {}, asked };
}

function threadOf(stdout: string): unknown {
  return jsonLines(stdout).find((line) => line['type'] === 'thread.started')?.['thread_id'];
}

function codeOf(action: () => unknown): unknown {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
}

describe('the real codex CLI, given the argument vectors we build', () => {
  it('is installed where the contract expects it', () => {
    expect(() => binFolderOf('codex')).not.toThrow();
  });

  it(
    'runs our exec vector with the prompt as an argument in a git repository, and the no-network output ends it as transient_output',
    async () => {
      const { sandbox, profile, prompt, attempt } = startedAttempt('argument');
      expect(specOf(profile, sandbox, prompt).args).toEqual(['exec', '--json', '-s', 'workspace-write', '-m', MODEL, 'Say hi.']);

      const { result, stdout, log, expectedLogHeader, safetyNetUsed } = await attempt;
      expect(safetyNetUsed).toBe(false);
      const session = await codexSession(sandbox.home);
      expect(result).toMatchObject({ outcome: 'failed', error: { code: 'transient_output', message: expect.stringMatching(TRANSIENT) }, agent: { profile: 'codex', model: MODEL } });
      expect(result.agent?.sessionId).toBe(threadOf(stdout));
      expect(session.id).toBe(threadOf(stdout));
      expect(session.turn).toMatchObject({ model: MODEL, cwd: sandbox.root, sandbox_policy: { type: 'workspace-write' } });
      expect(session.asked).toContain(prompt);
      expect(log.startsWith(expectedLogHeader)).toBe(true);
    },
    TIMEOUT_MS,
  );

  it(
    'reads a prompt of over 100000 bytes whole from stdin (`-`), in the sandbox mode we name, and ends transient_output',
    async () => {
      const { sandbox, profile, prompt, attempt } = startedAttempt('stdin');
      const spec = specOf(profile, sandbox, prompt);
      expect(spec.args).toEqual(['exec', '--json', '-s', 'read-only', '-m', MODEL, '-']);
      expect(spec.stdin).toBe(prompt);

      const { result, safetyNetUsed } = await attempt;
      expect(safetyNetUsed).toBe(false);
      expect(result).toMatchObject({ outcome: 'failed', error: { code: 'transient_output', message: expect.stringMatching(TRANSIENT) } });
      const session = await codexSession(sandbox.home);
      expect(session.turn).toMatchObject({ model: MODEL, sandbox_policy: { type: 'read-only' } });
      expect(session.asked).toContain(prompt);
    },
    TIMEOUT_MS,
  );

  it(
    'starts outside a git repository with skipGitRepoCheck, and ends transient_output',
    async () => {
      const { sandbox, profile, prompt, attempt } = startedAttempt('outsideRepo');
      expect(specOf(profile, sandbox, prompt).args).toEqual(['exec', '--json', '-s', 'workspace-write', '--skip-git-repo-check', 'Say hi.']);

      const { result, safetyNetUsed } = await attempt;
      expect(safetyNetUsed).toBe(false);
      expect(result).toMatchObject({ outcome: 'failed', error: { code: 'transient_output', message: expect.stringMatching(TRANSIENT) } });
      expect((await codexSession(sandbox.home)).turn).toMatchObject({ cwd: sandbox.root });
    },
    TIMEOUT_MS,
  );

  it(
    'refuses to start outside a git repository without skipGitRepoCheck: fatal not_a_git_repository',
    async () => {
      const sandbox = await createSandbox('codex', { git: false });
      const profile: AgentProfileInput = { name: 'codex' };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['exec', '--json', '-s', 'workspace-write', 'Say hi.']);

      const { result } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({
        outcome: 'fatal',
        error: {
          code: 'not_a_git_repository',
          message:
            'codex runs only inside a git repository: run in a git work tree, or set agents.codex.skipGitRepoCheck: true (it said: Not inside a trusted directory and --skip-git-repo-check was not specified.)',
        },
        agent: { exitCode: 1 },
      });
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a flag it does not know: fatal rejected_argument, quoting it',
    async () => {
      const sandbox = await createSandbox('codex', { git: true });
      const profile: AgentProfileInput = { name: 'codex', extraArgs: ['--bogus'] };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['exec', '--json', '-s', 'workspace-write', '--bogus', 'Say hi.']);

      const { result } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument', message: expect.stringContaining("(it said: error: unexpected argument '--bogus' found)") }, agent: { exitCode: 2 } });
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a flag that extraArgs gives a second time: fatal rejected_argument',
    async () => {
      const sandbox = await createSandbox('codex', { git: true });
      const profile: AgentProfileInput = { name: 'codex', model: MODEL, extraArgs: ['-m', 'gpt-6.2-sol'] };
      expect(specOf(profile, sandbox, 'Say hi.').args).toEqual(['exec', '--json', '-s', 'workspace-write', '-m', MODEL, '-m', 'gpt-6.2-sol', 'Say hi.']);

      const { result } = await attemptPhase({ supervisor, sandbox, profile, prompt: 'Say hi.' });
      expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'rejected_argument' } });
    },
    TIMEOUT_MS,
  );

  it(
    'knows exactly the sandbox modes codex accepts, and refuses any other before codex starts',
    async () => {
      expect(codeOf(() => resolveProfiles([{ name: 'codex', permissionMode: 'no-such-mode' }]))).toBe('invalid_config');
      const sandbox = await createSandbox('codex', { git: true });
      const { exitCode, output } = await answerOf('codex', ['exec', '-s', 'no-such-mode', 'Say hi.'], sandbox);
      expect(exitCode).toBe(2);
      const choices = /\[possible values: ([^\]]+)\]/.exec(output)?.[1]?.split(', ');
      expect(choices?.sort()).toEqual([...PERMISSION_MODES.codex].sort());
    },
    TIMEOUT_MS,
  );
});
