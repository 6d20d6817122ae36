import { describe, expect, it } from '@jest/globals';
import type { ScriptStep } from './__fixtures__/fake-runner.js';
import { succeed } from './__fixtures__/fake-runner.js';
import { eventsOf } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

const failedIn = (session: string, code: string): ScriptStep => ({
  after: 10,
  result: { outcome: 'failed', error: { name: 'AgentError', code, message: `${code} happened` }, agent: { profile: 'claude', exitCode: 1, sessionId: session } },
});

describe('createRun retries and agent sessions', () => {
  it("resumes the failed attempt's session on a retry, with the failure and the recovery plan as the prompt", async () => {
    const plan = [phase(1, 10, { prompt: 'Build the feature.', recoveryPlan: 'Run the tests first.' })];
    const run = await runPlan(plan, { maxRetries: 2 }, { script: { 1: [failedIn('s-1', 'validation_failed'), succeed(10)] } });
    const [first, second] = run.runner.callsOf(1);
    expect(first).not.toHaveProperty('resumeSession');
    expect(second).toMatchObject({ resumeSession: 's-1', prompt: 'The previous attempt failed: validation_failed happened\n\nRecovery plan: Run the tests first.' });
    expect(eventsOf(run.events, 'phase:started').map((event) => event.resumesSession)).toEqual([undefined, 's-1']);
  });

  it.each(['timeout', 'context_overflow', 'session_not_found', 'exit_1', 'signal_SIGKILL'])('starts a fresh session after a %s failure', async (code) => {
    const run = await runPlan([phase(1, 10, { prompt: 'Build it.' })], { maxRetries: 1 }, { script: { 1: [failedIn('s-1', code), succeed(10)] } });
    const second = run.runner.callsOf(1)[1];
    expect(second).not.toHaveProperty('resumeSession');
    expect(second?.prompt).toBe(`Build it.\n\nThe previous attempt failed: ${code} happened`);
  });

  it('starts fresh sessions when retryFreshSession says so', async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 1, retryFreshSession: true }, { script: { 1: [failedIn('s-1', 'validation_failed'), succeed(10)] } });
    expect(run.runner.callsOf(1)[1]).not.toHaveProperty('resumeSession');
  });

  it("relays the agent's progress as phase:agent events of the attempt", async () => {
    const progress = [{ turns: 1, model: 'claude-sonnet-5' }, { turns: 2, tool: 'Edit src/app.ts' }];
    const run = await runPlan([phase(1, 10)], {}, { script: { 1: [{ after: 10, progress, result: { outcome: 'succeeded' } }] } });
    expect(eventsOf(run.events, 'phase:agent').map(({ phaseId, attempt, turns, tool, model }) => ({ phaseId, attempt, turns, tool, model }))).toEqual([
      { phaseId: 1, attempt: 1, turns: 1, tool: undefined, model: 'claude-sonnet-5' },
      { phaseId: 1, attempt: 1, turns: 2, tool: 'Edit src/app.ts', model: undefined },
    ]);
  });
});
