import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import type { AgentProfileInput } from './agent-profile.js';
import { createFakeLauncher, played } from './__fixtures__/fake-launcher.js';
import type { LaunchScript } from './__fixtures__/fake-launcher.js';
import { createProcessRunner } from './process-runner.js';
import type { ProcessRunnerOptions } from './process-runner.js';

// The runner with a launcher that starts no process: what it emits for the stream a process is made to print.
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'runner-progress-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const lines = (...messages: object[]): string => messages.map((message) => `${JSON.stringify(message)}\n`).join('');
const phaseOf = (definition: Partial<PhaseDefinition> = {}): Phase => definePlan([{ id: 5, prompt: 'Add the feature', ...definition }]).phases[0] as Phase;

async function attempt(script: LaunchScript, options: Partial<ProcessRunnerOptions> = {}, resumeSession?: string) {
  const launcher = createFakeLauncher(script);
  const runner = createProcessRunner({ supervisor: launcher, root, env: { PATH: '/usr/bin' }, ...options });
  const request = { runId: 'r', phase: phaseOf(), attempt: 2, prompt: 'Add the feature', signal: new AbortController().signal };
  const events = await lastValueFrom(runner.run(resumeSession === undefined ? request : { ...request, resumeSession }).pipe(toArray()));
  return { launcher, events, result: (events.at(-1) as RunnerEvent & { type: 'result' }).result };
}

const init = { type: 'system', subtype: 'init', session_id: 's-9', model: 'claude-sonnet-4-5' };
const edit = (path: string) => ({ type: 'assistant', message: { id: 'msg_1', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Edit', input: { file_path: path } }] } });
const result = { type: 'result', subtype: 'success', is_error: false, num_turns: 1, total_cost_usd: 0.02, session_id: 's-9' };
const profile = (settings: Omit<AgentProfileInput, 'name'>, name = 'claude'): Partial<ProcessRunnerOptions> => ({ profiles: [{ name, ...settings }], profile: name });

describe('createProcessRunner progress', () => {
  it("relays claude's stream as output, each chunk followed by the progress it completed, all before the result", async () => {
    const stream = lines(init, edit(join(root, 'src/app.ts')), result);
    const cut = stream.indexOf('"Edit"');
    const chunks: [('stdout' | 'stderr'), string][] = [['stdout', stream.slice(0, cut)], ['stderr', 'working\n'], ['stdout', stream.slice(cut)]];
    const { events, result: attempted } = await attempt(() => played({ stdoutTail: stream }, chunks));
    const known = { model: 'claude-sonnet-4-5', sessionId: 's-9' };
    expect(events).toEqual([
      { type: 'output', stream: 'stdout', text: stream.slice(0, cut) },
      { type: 'agent', progress: known },
      { type: 'output', stream: 'stderr', text: 'working\n' },
      { type: 'output', stream: 'stdout', text: stream.slice(cut) },
      { type: 'agent', progress: { ...known, turns: 1, tool: 'Edit src/app.ts' } },
      { type: 'agent', progress: { ...known, turns: 1, tool: 'Edit src/app.ts', costUsd: 0.02 } },
      { type: 'result', result: attempted },
    ]);
    expect(attempted).toMatchObject({ outcome: 'succeeded', agent: { turns: 1, costUsd: 0.02, sessionId: 's-9' } });
  });

  it('reads the last line of the stream, which no line break ended, before the result', async () => {
    const stream = lines(init) + JSON.stringify(result);
    const { events } = await attempt(() => played({ stdoutTail: stream }, [['stdout', stream]]));
    expect(events.map((event) => event.type)).toEqual(['output', 'agent', 'agent', 'result']);
    expect(events[2]).toEqual({ type: 'agent', progress: { model: 'claude-sonnet-4-5', sessionId: 's-9', turns: 1, costUsd: 0.02 } });
  });

  const gemini = lines({ type: 'init', session_id: 'g', model: 'gemini-2.5-pro' }, { type: 'result', status: 'success' });
  const codex = lines({ type: 'thread.started', thread_id: 't' }, { type: 'turn.completed', usage: {} });
  const remote = { command: 'ssh', args: ['box', 'claude', '-p', '{prompt}', '--output-format', 'stream-json'], result: 'claude-json' as const };
  it.each<[string, number, Partial<ProcessRunnerOptions>, string]>([
    ['claude in json', 0, profile({ outputFormat: 'json' }), lines(result)],
    ['gemini in json', 0, profile({}, 'gemini'), '{"session_id":"g","response":"ok"}\n'],
    ['gemini in stream-json', 1, profile({ outputFormat: 'stream-json' }, 'gemini'), gemini],
    ['codex', 2, profile({}, 'codex'), codex],
    ['a command profile', 0, profile({ command: 'wrapper', args: ['{prompt}'] }, 'wrapped'), lines(init)],
    ['a command profile that runs claude in stream-json', 2, profile(remote, 'remote'), lines(init, result)],
  ])('reads progress only from a stream: %s gives %d agent events', async (_case, count, options, stdout) => {
    const { events } = await attempt(() => played({ stdoutTail: stdout }, [['stdout', stdout]]), options);
    expect(events.filter((event) => event.type === 'agent')).toHaveLength(count);
  });

  it('does not read progress from stderr', async () => {
    const { events } = await attempt(() => played({ stdoutTail: lines(result) }, [['stderr', lines(init, result)]]));
    expect(events.filter((event) => event.type === 'agent')).toEqual([]);
  });
});

describe('createProcessRunner resume', () => {
  it("resumes the retry's session with --resume and reports it with the attempt", async () => {
    const { launcher, result: attempted } = await attempt(() => played({ stdoutTail: lines(result) }), {}, 's-9');
    expect(launcher.calls[0]?.spec.args).toEqual([
      ...['-p', 'Add the feature', '--output-format', 'stream-json', '--verbose', '--resume', 's-9'],
      ...['--max-turns', '50', '--permission-mode', 'acceptEdits'],
    ]);
    expect(launcher.calls[0]?.options.logHeader).toContain('--verbose --resume s-9 --max-turns 50');
    expect(attempted).toMatchObject({ outcome: 'succeeded', agent: { sessionId: 's-9', resumedSession: 's-9' } });
  });

  it('reports no resumed session for a fresh attempt, nor for an agent that cannot resume', async () => {
    const fresh = await attempt(() => played({ stdoutTail: lines(result) }));
    expect(fresh.result.agent).not.toHaveProperty('resumedSession');
    const codexEvents = lines({ type: 'thread.started', thread_id: 't' }, { type: 'turn.completed', usage: {} });
    const codex = await attempt(() => played({ stdoutTail: codexEvents }), profile({}, 'codex'), 'thread-0');
    expect(codex.launcher.calls[0]?.spec.args).toEqual(['exec', '--json', '-s', 'workspace-write', 'Add the feature']);
    expect(codex.result).toEqual({ outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1, sessionId: 't' } });
  });

  it.each<[string, string, string, AttemptResult]>([
    [
      'an unknown session',
      lines({ type: 'result', subtype: 'error_during_execution', is_error: true, num_turns: 0, total_cost_usd: 0, errors: ['No conversation found with session ID: s-9'] }),
      'No conversation found with session ID: s-9\n',
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'session_not_found', message: 'claude reported error_during_execution: No conversation found with session ID: s-9' },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'error_during_execution', turns: 0, costUsd: 0, resumedSession: 's-9' },
      },
    ],
    [
      'a context overflow, even when its text reads like a fatal answer',
      lines({ type: 'result', subtype: 'success', is_error: true, num_turns: 1, result: 'Prompt is too long' }),
      'model claude-x: context window not found in cache; Prompt is too long\n',
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'context_overflow', message: 'claude answered with an error: Prompt is too long' },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'success', turns: 1, resumedSession: 's-9' },
      },
    ],
  ])('fails the attempt on %s, never fatal, so that the next retry can start fresh', async (_case, stdout, stderr, expected) => {
    const { result: attempted } = await attempt(() => played({ exitCode: 1, stdoutTail: stdout, stderrTail: stderr }), {}, 's-9');
    expect(attempted).toEqual(expected);
  });
});
