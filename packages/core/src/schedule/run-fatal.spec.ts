import { describe, expect, it } from '@jest/globals';
import type { ScriptStep } from './__fixtures__/fake-runner.js';
import { fail, succeed } from './__fixtures__/fake-runner.js';
import { eventsOf, reasons, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

const notLoggedIn = { name: 'AgentError', code: 'not_logged_in', message: 'claude is not logged in: run `claude` once and log in with /login' };

function fatal(after: number): ScriptStep {
  return { after, result: { outcome: 'fatal', error: notLoggedIn, agent: { profile: 'claude', exitCode: 1 } } };
}

// 1 hits the fatal answer at 10 ms while 2 runs (until 50 ms); 3 waits for 1; 4 has not started.
const plan = [phase(1, 10), phase(2, 50), phase(3, 10, { dependsOn: [1] }), phase(4, 10)];

describe('createRun fatal answers', () => {
  it('stops the whole run at once: the phase fails without a retry, running phases are stopped, the rest are skipped', async () => {
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxRetries: 3 }, { script: { 1: [fatal(10)] } });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'cancelled', 3: 'skipped', 4: 'skipped' });
    expect(reasons(run.summary)).toEqual({
      1: notLoggedIn.message,
      2: 'stopped: phase 1 not_logged_in',
      3: 'stopped: phase 1 not_logged_in',
      4: 'stopped: phase 1 not_logged_in',
    });
    expect(run.runner.callsOf(1)).toHaveLength(1);
    expect(run.runner.callsOf(2)[0]?.abortedAt).toBe(10);
    expect(eventsOf(run.events, 'phase:retrying')).toEqual([]);
    expect(run.summary?.outcome).toBe('failed');
    expect(run.summary?.fatal).toEqual({ phaseId: 1, error: notLoggedIn });
    expect(run.scheduler.now()).toBe(10);
  });

  it('stops even with keepGoing, and counts no breaker failure', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 0, keepGoing: true, breaker: { threshold: 1 } }, { script: { 1: [fatal(10)] } });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'skipped' });
    expect(eventsOf(run.events, 'breaker:opened')).toEqual([]);
    expect(eventsOf(run.events, 'phase:finished')[0]?.error).toEqual(notLoggedIn);
  });

  it('ends a phase waiting for its retry as cancelled when another phase hits a fatal answer', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 30)], { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxRetries: 2 }, {
      script: { 1: [fail(5, 'flaky')], 2: [fatal(30)] },
    });
    expect(statuses(run.summary)).toEqual({ 1: 'cancelled', 2: 'failed' });
    expect(run.runner.callsOf(1)).toHaveLength(1);
    expect(run.summary?.fatal?.phaseId).toBe(2);
  });
});

describe('createRun partial results', () => {
  it('ends a phase partial when its attempt says the work was done only in part, and blocks its dependents', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10, { dependsOn: [1] })], {}, {
      script: { 1: [succeed(10, { partialReason: 'claude was denied Write', agent: { profile: 'claude', exitCode: 0, permissionDenials: ['Write'] } })] },
    });
    expect(statuses(run.summary)).toEqual({ 1: 'partial', 2: 'skipped' });
    expect(reasons(run.summary)[1]).toBe('claude was denied Write');
    expect(eventsOf(run.events, 'phase:finished')[0]?.permissionDenials).toEqual(['Write']);
    expect(run.runner.callsOf(1)).toHaveLength(1);
  });
});
