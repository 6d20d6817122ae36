import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { definePlan } from '../plan/define-plan.js';
import { createRun } from './create-run.js';
import { createFakeRunner, fail, rateLimit, succeed } from './__fixtures__/fake-runner.js';
import { eventsOf, playRun, startOrder, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

const backoff = { initialMs: 100, factor: 2, maxMs: 1_000, jitter: 0.2 };
const alwaysFails = { 1: [fail(10, 'tests failed'), fail(10, 'tests failed again'), fail(10, 'still failing'), fail(10, 'never')] };

function attemptTimeline(events: Parameters<typeof eventsOf>[0]): unknown[] {
  return events.flatMap((event) => {
    if (event.type === 'phase:started') return [['started', event.attempt, event.timestamp]];
    if (event.type === 'phase:retrying') return [['retrying', event.attempt, event.timestamp, event.delayMs, event.rateLimited]];
    if (event.type === 'phase:finished') return [['finished', event.status, event.attempts, event.timestamp]];
    return [];
  });
}

describe('createRun retries', () => {
  it('makes at most maxRetries + 1 attempts, waiting the exponential backoff between them, then fails the phase', async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 2, backoff }, { script: alwaysFails });
    expect(attemptTimeline(run.events)).toEqual([
      ['started', 1, 0],
      ['retrying', 1, 10, 100, false],
      ['started', 2, 110],
      ['retrying', 2, 120, 200, false],
      ['started', 3, 320],
      ['finished', 'failed', 3, 330],
    ]);
    expect(eventsOf(run.events, 'phase:retrying').map((event) => event.reason)).toEqual(['tests failed', 'tests failed again']);
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({ reason: 'still failing', error: { message: 'still failing' } });
    expect(run.runner.calls).toHaveLength(3);
    expect(startOrder(run.events)).toEqual([1]);
  });

  it('ends the phase successful when a retry succeeds', async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 3, backoff }, { script: { 1: [fail(10, 'flaky'), succeed(10)] } });
    expect(run.summary?.phases[0]).toMatchObject({ status: 'success', attempts: 2 });
    expect(eventsOf(run.events, 'phase:finished')[0]).not.toHaveProperty('error');
  });

  it('caps the backoff at maxMs', async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 3, backoff: { initialMs: 100, factor: 10, maxMs: 500, jitter: 0 } }, { script: alwaysFails });
    expect(eventsOf(run.events, 'phase:retrying').map((event) => event.delayMs)).toEqual([100, 500, 500]);
  });

  it.each([
    [0, 80],
    [0.999_999, 120],
    [0.5, 100],
  ])('spreads the delay by ± jitter (random %p → %p ms)', async (random, delayMs) => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 1, backoff }, { script: alwaysFails, ports: { random: () => random } });
    expect(eventsOf(run.events, 'phase:retrying')[0]?.delayMs).toBe(delayMs);
  });

  it('draws the jitter from Math.random when no random source is given', async () => {
    const scheduler = new VirtualTimeScheduler();
    const runner = createFakeRunner({ scheduler, script: alwaysFails });
    const run = await playRun(createRun(definePlan([phase(1, 10)]), { maxRetries: 1, backoff }, { runner, scheduler }), scheduler);
    const delayMs = eventsOf(run.events, 'phase:retrying')[0]?.delayMs;
    expect(delayMs).toBeGreaterThanOrEqual(80);
    expect(delayMs).toBeLessThanOrEqual(120);
  });

  it("asks a retry with the phase's prompt, the failure and the recovery plan", async () => {
    const plan = [phase(1, 10, { prompt: 'Build the parser.', recoveryPlan: 'Run the unit tests first.' }), phase(2, 10, { prompt: 'Write docs.' })];
    const run = await runPlan(plan, { maxRetries: 1 }, { script: { 1: [fail(10, 'parse.ts does not compile'), succeed(10)], 2: [fail(10, 'broken link'), succeed(10)] } });
    expect(run.runner.callsOf(1).map((call) => call.prompt)).toEqual([
      'Build the parser.',
      'Build the parser.\n\nThe previous attempt failed: parse.ts does not compile\n\nRecovery plan: Run the unit tests first.',
    ]);
    expect(run.runner.callsOf(2).map((call) => call.prompt)).toEqual(['Write docs.', 'Write docs.\n\nThe previous attempt failed: broken link']);
  });

  it('tells a retry after a merge conflict which files, which phases, and where its earlier changes are', async () => {
    const conflict = (phases: { id: number; title: string }[]) => ({
      after: 10,
      result: {
        outcome: 'failed' as const,
        error: { name: 'MergeConflict', code: 'merge_conflict', message: 'merge conflict in src/app.ts' },
        conflict: { files: ['src/app.ts'], branch: 'kazuba/r/phase-1-1', worktree: '/repo/.hypervisor/worktrees/r/phase-1', phases },
      },
    });
    const plan = [phase(1, 10, { prompt: 'Add the route.' }), phase(2, 10, { prompt: 'Add the page.' })];
    const script = { 1: [conflict([{ id: 3, title: 'Add the menu' }]), succeed(10)], 2: [conflict([]), succeed(10)] };
    const run = await runPlan(plan, { maxRetries: 1 }, { script });
    expect(run.runner.callsOf(1)[1]?.prompt).toBe(
      'Add the route.\n\nThe previous attempt failed: merge conflict in src/app.ts\n\nIts changes to src/app.ts conflict with the work of ' +
        'phase 3 (Add the menu), merged while it ran. This attempt starts from the branch as it is now, which holds that work; the ' +
        "previous attempt's changes are on branch kazuba/r/phase-1-1. Make the change again on top of the current files, keeping the other work.",
    );
    expect(run.runner.callsOf(2)[1]?.prompt).toContain('Its changes to src/app.ts conflict with changes merged while it ran.');
  });
});

describe('createRun rate limits', () => {
  it('waits until the reported reset time and runs the same attempt again, without spending a retry', async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 0 }, { script: { 1: [rateLimit(10, 500), rateLimit(10, 1_000), succeed(10)] } });
    expect(attemptTimeline(run.events)).toEqual([
      ['started', 1, 0],
      ['retrying', 1, 10, 490, true],
      ['started', 1, 500],
      ['retrying', 1, 510, 490, true],
      ['started', 1, 1_000],
      ['finished', 'success', 1, 1_010],
    ]);
    expect(eventsOf(run.events, 'phase:retrying')[0]?.reason).toBe('usage limit reached');
    expect(run.runner.calls.map((call) => [call.attempt, call.prompt])).toEqual([
      [1, ''],
      [1, ''],
      [1, ''],
    ]);
  });

  it('waits rateLimitWaitMs when the agent gave no reset time, and not at all when the reset time has passed', async () => {
    const run = await runPlan([phase(1, 10)], { rateLimitWaitMs: 250 }, { script: { 1: [rateLimit(10), rateLimit(10, 5), succeed(10)] } });
    expect(eventsOf(run.events, 'phase:retrying').map((event) => [event.timestamp, event.delayMs])).toEqual([
      [10, 250],
      [270, 0],
    ]);
    expect(statuses(run.summary)).toEqual({ 1: 'success' });
  });

  it('does not count a rate limit as a breaker failure', async () => {
    const run = await runPlan([phase(1, 10)], { breaker: { threshold: 1, cooldownMs: 1_000 } }, { script: { 1: [rateLimit(10, 20), rateLimit(10, 40), succeed(10)] } });
    expect(eventsOf(run.events, 'breaker:opened')).toEqual([]);
    expect(statuses(run.summary)).toEqual({ 1: 'success' });
  });
});

describe('createRun timeouts', () => {
  it("aborts the attempt's signal after timeoutPerPhaseMs, unsubscribes from the runner, and fails the attempt with `timeout`", async () => {
    const run = await runPlan([phase(1, 10)], { timeoutPerPhaseMs: 50, maxRetries: 1, backoff: { ...backoff, jitter: 0 } }, { script: { 1: [{ hang: true }, { hang: true }] } });
    expect(run.runner.calls.map((call) => [call.attempt, call.calledAt, call.abortedAt, call.endedAt])).toEqual([
      [1, 0, 50, 50],
      [2, 150, 200, 200],
    ]);
    expect(run.runner.calls[0]?.abortReason).toEqual(new Error('timed out after 50 ms'));
    expect(eventsOf(run.events, 'phase:retrying')[0]?.reason).toBe('the attempt did not finish within 50 ms');
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      durationMs: 200,
      error: { name: 'TimeoutError', code: 'timeout', message: 'the attempt did not finish within 50 ms' },
    });
  });

  it('does not abort an attempt that ends within the limit', async () => {
    const run = await runPlan([phase(1, 49)], { timeoutPerPhaseMs: 50 });
    expect(run.runner.calls[0]?.abortedAt).toBeUndefined();
    expect(statuses(run.summary)).toEqual({ 1: 'success' });
  });
});

describe('createRun output', () => {
  it("relays the runner's output as phase:output events of the attempt", async () => {
    const run = await runPlan([phase(1, 10)], { maxRetries: 1 }, { script: { 1: [{ after: 5, output: ['compiling'], result: { outcome: 'failed', error: { name: 'E', message: 'x' } } }, { after: 5, output: ['ok'], result: { outcome: 'succeeded' } }] } });
    expect(eventsOf(run.events, 'phase:output').map((event) => [event.attempt, event.stream, event.text, event.timestamp])).toEqual([
      [1, 'stdout', 'compiling', 5],
      [2, 'stdout', 'ok', 1_010],
    ]);
  });
});
