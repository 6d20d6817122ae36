import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lastValueFrom, tap, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AgentProgress, AttemptRequest, AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import { createProcessSupervisor } from '../process/process-supervisor.js';
import { makeFakeClaudeRoot } from './__fixtures__/fake-claude-root.js';
import { createProcessRunner } from './process-runner.js';
import type { ProcessRunnerOptions } from './process-runner.js';

// The fake claude streams stream-json as the real CLI does, a message at a time: these tests read it as it comes.
const supervisor = createProcessSupervisor();
let root: string;
let record: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ root, record, env } = await makeFakeClaudeRoot('runner-stream-'));
});

afterAll(async () => {
  await supervisor.shutdown();
  await rm(root, { recursive: true, force: true });
});

const phaseOf = (prompt: string): Phase => definePlan([{ id: 5, prompt }]).phases[0] as Phase;

interface Attempt {
  readonly events: RunnerEvent[];
  readonly progress: AgentProgress[];
  readonly result: AttemptResult;
  /** How many processes were running when the first progress came. */
  readonly liveAtFirstProgress: number | undefined;
}

async function attempt(prompt: string, request: Partial<AttemptRequest> = {}, options: Partial<ProcessRunnerOptions> = {}): Promise<Attempt> {
  const runner = createProcessRunner({ supervisor, root, env, killGraceMs: 200, ...options });
  let liveAtFirstProgress: number | undefined;
  const watch = (event: RunnerEvent): void => {
    if (event.type === 'agent' && liveAtFirstProgress === undefined) liveAtFirstProgress = supervisor.live;
  };
  const run = runner.run({ runId: 'stream', phase: phaseOf(prompt), attempt: 1, prompt, signal: new AbortController().signal, ...request });
  const events = await lastValueFrom(run.pipe(tap(watch), toArray()));
  const progress = events.flatMap((event) => (event.type === 'agent' ? [event.progress] : []));
  return { events, progress, result: (events.at(-1) as RunnerEvent & { type: 'result' }).result, liveAtFirstProgress };
}

const recorded = async (): Promise<{ argv: string[]; resume: string | null }> => JSON.parse(await readFile(record, 'utf8'));

describe('createProcessRunner with a claude that streams', () => {
  it('emits the progress of each message in order while the agent works, then the result', async () => {
    const { events, progress, result, liveAtFirstProgress } = await attempt('mode:edit:streamed.txt');
    const known = { model: 'claude-sonnet-5', sessionId: 'session-42' };
    expect(progress).toEqual([
      known,
      { ...known, turns: 1 },
      { ...known, turns: 2, tool: 'Write streamed.txt' },
      { ...known, turns: 3, tool: 'Write streamed.txt' },
      { ...known, turns: 3, tool: 'Write streamed.txt', costUsd: 0.0123 },
    ]);
    expect(events.findIndex((event) => event.type === 'result')).toBe(events.length - 1);
    expect(liveAtFirstProgress).toBe(1);
    expect(result).toEqual({
      outcome: 'succeeded',
      agent: { profile: 'claude', exitCode: 0, isError: false, subtype: 'success', turns: 3, costUsd: 0.0123, sessionId: 'session-42' },
    });
    const log = await readFile(join(root, '.hypervisor', 'runs', 'stream', 'phase-5.log'), 'utf8');
    expect(log).toContain('"type":"tool_use","id":"toolu_01","name":"Write"');
    expect(log).toContain('"type":"tool_result"');
  });

  it('reports the cost of an expensive attempt as it ends', async () => {
    const { progress, result } = await attempt('mode:expensive:7.25');
    expect(progress.at(-1)).toMatchObject({ turns: 3, tool: 'Read README.md', costUsd: 7.25 });
    expect(result).toMatchObject({ outcome: 'succeeded', agent: { costUsd: 7.25 } });
  });

  it('reads the result alone, with no progress, when the profile asks for json', async () => {
    const { progress, result } = await attempt('mode:success', {}, { profiles: [{ name: 'claude', outputFormat: 'json' }] });
    expect(progress).toEqual([]);
    expect(result).toMatchObject({ outcome: 'succeeded', agent: { turns: 3, sessionId: 'session-42' } });
  });

  it('fails an attempt whose context overflowed as context_overflow, not fatal', async () => {
    const { result } = await attempt('mode:too_long');
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'context_overflow', message: 'claude answered with an error: Prompt is too long' } });
  });
});

describe('createProcessRunner resuming a claude session', () => {
  it('passes --resume and reports the session it resumed', async () => {
    const { progress, result } = await attempt('mode:success', { resumeSession: 'session-42' });
    expect(await recorded()).toMatchObject({ resume: 'session-42', argv: expect.arrayContaining(['--resume', 'session-42']) });
    expect(progress[0]).toEqual({ model: 'claude-sonnet-5', sessionId: 'session-42' });
    expect(result).toMatchObject({ outcome: 'succeeded', agent: { sessionId: 'session-42', resumedSession: 'session-42' } });
  });

  it('resumes a session the agent issued, and fails on one it never did as session_not_found, so that a retry can start fresh', async () => {
    const state = join(root, 'state');
    await mkdir(state);
    const options = { env: { ...env, FAKE_CLAUDE_STATE: state } };
    const first = await attempt('mode:success', {}, options);
    expect(first.result).toMatchObject({ outcome: 'succeeded', agent: { sessionId: 'session-5-1' } });
    expect(first.result.agent).not.toHaveProperty('resumedSession');

    const resumed = await attempt('mode:success', { attempt: 2, resumeSession: 'session-5-1' }, options);
    expect(resumed.result).toMatchObject({ outcome: 'succeeded', agent: { sessionId: 'session-5-1', resumedSession: 'session-5-1' } });

    const unknown = await attempt('mode:success', { attempt: 3, resumeSession: 'session-9-9' }, options);
    expect(unknown.result).toEqual({
      outcome: 'failed',
      error: { name: 'AgentError', code: 'session_not_found', message: 'claude reported error_during_execution: No conversation found with session ID: session-9-9' },
      agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'error_during_execution', turns: 0, costUsd: 0, sessionId: 'session-9-9', resumedSession: 'session-9-9' },
    });
    expect(unknown.progress).toEqual([{ turns: 0, costUsd: 0, sessionId: 'session-9-9' }]);
  });
});
