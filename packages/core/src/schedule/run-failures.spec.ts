import { describe, expect, it } from '@jest/globals';
import { crash, fail, succeed } from './__fixtures__/fake-runner.js';
import { eventsOf, reasons, startOrder, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

// 1 fails at 10 ms; 2 is still running then; 3 (after 2) and 4 have not started; 5 depends on 1.
const plan = [phase(1, 10), phase(2, 30), phase(3, 10, { dependsOn: [2] }), phase(4, 5), phase(5, 10, { dependsOn: [1] })];
const failOne = { 1: [fail(10, 'tests failed')] };

describe('createRun failure policy', () => {
  it('fails fast by default: no new phase starts, running ones finish, the rest end skipped with the reason', async () => {
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxRetries: 0 }, { script: failOne });
    expect(startOrder(run.events)).toEqual([2, 1]);
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success', 3: 'skipped', 4: 'skipped', 5: 'skipped' });
    expect(reasons(run.summary)).toEqual({ 1: 'tests failed', 2: undefined, 3: 'not started: phase 1 failed', 4: 'not started: phase 1 failed', 5: 'dependency 1 failed' });
    expect(run.summary?.outcome).toBe('failed');
    expect(run.summary?.countsByStatus).toMatchObject({ success: 1, failed: 1, skipped: 3, pending: 0, queued: 0, running: 0 });
  });

  it('with keepGoing runs every phase whose dependencies succeeded, and skips the dependents of the failed one', async () => {
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxRetries: 0, keepGoing: true }, { script: failOne });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success', 3: 'success', 4: 'success', 5: 'skipped' });
    expect(reasons(run.summary)[5]).toBe('dependency 1 failed');
    expect(run.summary?.outcome).toBe('failed');
    expect(run.summary?.countsByStatus).toMatchObject({ success: 3, failed: 1, skipped: 1 });
  });

  it('skips dependents transitively, each naming the dependency that blocked it', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10, { dependsOn: [1] }), phase(3, 10, { dependsOn: [2] })], { maxRetries: 0 }, { script: failOne });
    expect(reasons(run.summary)).toEqual({ 1: 'tests failed', 2: 'dependency 1 failed', 3: 'dependency 2 skipped' });
  });

  it('does not stop or fail the run for a canSkip phase that fails, nor for a canSkip dependent it skips', async () => {
    const run = await runPlan([phase(1, 10, { canSkip: true }), phase(2, 10, { dependsOn: [1], canSkip: true }), phase(3, 10)], { maxRetries: 0 }, { script: failOne });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'skipped', 3: 'success' });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('fails the run when a phase that may not be skipped is skipped because a canSkip dependency failed', async () => {
    const run = await runPlan([phase(1, 10, { canSkip: true }), phase(2, 10, { dependsOn: [1] })], { maxRetries: 0 }, { script: failOne });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'skipped' });
    expect(run.summary?.outcome).toBe('failed');
  });

  it('counts an error of the runner, or a runner that ends without a result, as a failed attempt', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 0, keepGoing: true }, { script: { 1: [crash(5, new TypeError('spawn failed'))], 2: [{ after: 5, error: 'not an Error' }] } });
    const finished = eventsOf(run.events, 'phase:finished');
    expect(finished.map((event) => [event.phaseId, event.status, event.error])).toEqual([
      [1, 'failed', { name: 'TypeError', message: 'spawn failed' }],
      [2, 'failed', { name: 'NonError', message: 'not an Error' }],
    ]);
  });

  it('counts a runner that throws instead of returning an Observable as a failed attempt', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 0, keepGoing: true }, { script: { 1: [{ throwOnCall: new Error('cannot spawn') }] } });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success' });
    expect(eventsOf(run.events, 'phase:finished')[0]?.error).toEqual({ name: 'Error', message: 'cannot spawn' });
    expect(run.completed).toBe(true);
  });

  it('finishes a run whose runner settles synchronously, as an in-memory runner does', async () => {
    const run = await runPlan([phase(1, 0), phase(2, 0, { dependsOn: [1] }), phase(3, 0)], { mode: 'parallel', maxRetries: 1 }, { script: { 3: [fail(0, 'flaky'), succeed(0)] } });
    expect(run.completed).toBe(true);
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'success', 3: 'success' });
  });
});

describe('createRun quality threshold', () => {
  const chain = [phase(1, 10), phase(2, 10, { dependsOn: [1] })];
  const mediocre = { 1: [succeed(10, { quality: 0.5 })] };

  it('ends a phase whose quality is below the threshold `partial`, and skips its dependents', async () => {
    const run = await runPlan(chain, { qualityThreshold: 0.8 }, { script: mediocre });
    expect(statuses(run.summary)).toEqual({ 1: 'partial', 2: 'skipped' });
    expect(reasons(run.summary)).toEqual({ 1: 'quality 0.5 below 0.8', 2: 'dependency 1 partial' });
    expect(run.summary?.outcome).toBe('failed');
  });

  it('lets a partial phase satisfy its dependents when partialSatisfiesDependents is set', async () => {
    const run = await runPlan(chain, { qualityThreshold: 0.8, partialSatisfiesDependents: true }, { script: mediocre });
    expect(statuses(run.summary)).toEqual({ 1: 'partial', 2: 'success' });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it("reports in phase:finished the quality of the attempt that ended the phase, and none for a phase without one", async () => {
    const script = { 1: [fail(10, 'tests failed'), succeed(10, { quality: 0.85 })], 2: [succeed(10)] };
    const run = await runPlan(chain, { qualityThreshold: 0.8, backoff: { initialMs: 1, factor: 1, maxMs: 1, jitter: 0 } }, { script });
    expect(eventsOf(run.events, 'phase:finished').map((event) => [event.phaseId, event.status, event.quality])).toEqual([
      [1, 'success', 0.85],
      [2, 'success', undefined],
    ]);
    expect(eventsOf(run.events, 'phase:finished')[1]).not.toHaveProperty('quality');
    const low = await runPlan(chain, { qualityThreshold: 0.8 }, { script: mediocre });
    expect(eventsOf(low.events, 'phase:finished')[0]).toMatchObject({ status: 'partial', quality: 0.5, reason: 'quality 0.5 below 0.8' });
  });

  it('accepts a quality equal to the threshold, and judges no quality when the threshold is null', async () => {
    const equal = await runPlan(chain, { qualityThreshold: 0.5 }, { script: mediocre });
    expect(statuses(equal.summary)).toEqual({ 1: 'success', 2: 'success' });
    const unjudged = await runPlan(chain, { qualityThreshold: null }, { script: { 1: [succeed(10, { quality: 0 })] } });
    expect(statuses(unjudged.summary)).toEqual({ 1: 'success', 2: 'success' });
  });
});
