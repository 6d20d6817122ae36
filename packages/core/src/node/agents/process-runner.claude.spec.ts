import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import { createProcessSupervisor } from '../process/process-supervisor.js';
import type { AgentProfileInput } from './agent-profile.js';
import { makeFakeClaudeRoot } from './__fixtures__/fake-claude-root.js';
import { createProcessRunner } from './process-runner.js';
import type { ProcessRunnerOptions } from './process-runner.js';

// The fake claude on PATH honours the flags it gets, as the real CLI does: these tests check what reaches it.
const supervisor = createProcessSupervisor();
let root: string;
let record: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ root, record, env } = await makeFakeClaudeRoot('runner-claude-'));
});

afterAll(async () => {
  await supervisor.shutdown();
  await rm(root, { recursive: true, force: true });
});

function phaseOf(definition: Partial<PhaseDefinition>): Phase {
  return definePlan([{ id: 4, prompt: 'mode:success', checkpoint: 'checkpoints/phase_4.toon', ...definition }]).phases[0] as Phase;
}

async function attempt(phase: Phase, options: Partial<ProcessRunnerOptions> = {}): Promise<AttemptResult> {
  const runner = createProcessRunner({ supervisor, root, env, killGraceMs: 200, ...options });
  const events = await lastValueFrom(runner.run({ runId: 'claude', phase, attempt: 1, prompt: phase.prompt, signal: new AbortController().signal }).pipe(toArray()));
  return (events.at(-1) as RunnerEvent & { type: 'result' }).result;
}

const argv = async (): Promise<string[]> => (JSON.parse(await readFile(record, 'utf8')) as { argv: string[] }).argv;
const claude = (settings: Omit<AgentProfileInput, 'name'>): Partial<ProcessRunnerOptions> => ({ profiles: [{ name: 'claude', ...settings }] });

describe('the claude profile against a CLI that honours its flags', () => {
  it('lets the agent edit files by default: acceptEdits reaches the CLI', async () => {
    const result = await attempt(phaseOf({ prompt: 'mode:edit:edited.txt' }));
    expect(result).toMatchObject({ outcome: 'succeeded' });
    expect(await argv()).toContain('acceptEdits');
    await expect(readFile(join(root, 'edited.txt'), 'utf8')).resolves.toBe('written by fake claude (acceptEdits)\n');
  });

  it('passes every profile setting, and the phase model and tools over the profile ones', async () => {
    const settings = { model: 'sonnet', allowedTools: ['Read'], disallowedTools: ['WebFetch'], appendSystemPrompt: 'Be brief.', maxBudgetUsd: 2.5, extraArgs: ['--verbose'] };
    await attempt(phaseOf({ model: 'opus', allowedTools: ['Bash(npm test:*)', 'Edit'] }), claude(settings));
    expect(await argv()).toEqual([
      ...['-p', 'mode:success', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits', '--model', 'opus'],
      ...['--append-system-prompt', 'Be brief.', '--max-budget-usd', '2.5', '--verbose'],
      ...['--allowedTools', 'Bash(npm test:*)', 'Edit', '--disallowedTools', 'WebFetch'],
    ]);
  });

  it("ends a phase whose agent was denied an edit partial, naming the tool, or fails it when so configured", async () => {
    const phase = phaseOf({ prompt: 'mode:edit:denied.txt' });
    const partial = await attempt(phase, claude({ permissionMode: 'default' }));
    expect(partial).toMatchObject({
      outcome: 'succeeded',
      partialReason: 'claude was denied Write (permission mode default)',
      agent: { permissionDenials: ['Write'] },
    });
    const failed = await attempt(phase, { ...claude({ permissionMode: 'plan' }), deniedEdits: 'failed' });
    expect(failed).toMatchObject({ outcome: 'failed', error: { code: 'permission_denied', message: 'claude was denied Write (permission mode plan)' } });
  });

  it('reports a denied command without making the phase partial, and allows it when the phase lists the tool', async () => {
    const denied = await attempt(phaseOf({ prompt: 'mode:bash:ls' }));
    expect(denied).toMatchObject({ outcome: 'succeeded', agent: { permissionDenials: ['Bash'] } });
    expect(denied).not.toHaveProperty('partialReason');
    const allowed = await attempt(phaseOf({ prompt: 'mode:bash:ls', allowedTools: ['Bash(ls:*)'] }));
    expect(allowed).toMatchObject({ outcome: 'succeeded' });
    expect(allowed.agent).not.toHaveProperty('permissionDenials');
  });

  it.each<[string, Partial<ProcessRunnerOptions>, string, string]>([
    ['not logged in', {}, 'mode:not_logged_in', 'not_logged_in'],
    ['an unknown model', claude({ model: 'no-such-model' }), 'mode:success', 'unknown_model'],
    ['a flag the CLI rejects', claude({ extraArgs: ['--no-such-flag'] }), 'mode:success', 'rejected_argument'],
  ])('stops at once on %s, with what to do', async (_case, options, prompt, code) => {
    const result = await attempt(phaseOf({ prompt }), options);
    expect(result).toMatchObject({ outcome: 'fatal', error: { code } });
  });

  it('says what to do when claude is not logged in, and never calls the answer a success', async () => {
    const result = await attempt(phaseOf({ prompt: 'mode:not_logged_in' }));
    const message = result.outcome === 'fatal' ? result.error.message : '';
    expect(message).toBe('claude is not logged in: run `claude` once and log in with /login, or set ANTHROPIC_API_KEY (it said: Not logged in · Please run /login)');
  });

  it('reads the result of stream-json output', async () => {
    const result = await attempt(phaseOf({ prompt: 'mode:edit:streamed.txt' }), claude({ outputFormat: 'stream-json' }));
    expect(result).toMatchObject({ outcome: 'succeeded', agent: { turns: 3, sessionId: 'session-42' } });
    expect(await argv()).toEqual(expect.arrayContaining(['--output-format', 'stream-json', '--verbose']));
  });

  it('ends an attempt at once when a line of output matches a fatal output rule', async () => {
    const rules = [{ match: '^fake claude: working$', outcome: 'fatal' as const, stream: 'stderr' as const, message: 'this agent may not run here' }];
    const result = await attempt(phaseOf({}), claude({ outputRules: rules }));
    expect(result).toMatchObject({ outcome: 'fatal', error: { code: 'fatal_output', message: 'this agent may not run here (it said: fake claude: working)' } });
  });
});
