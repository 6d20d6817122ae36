import { describe, expect, it } from '@jest/globals';
import { of } from 'rxjs';
import { parseHypervisorEvent } from '@kazuba/hypervisor-v2';
import { createPluginHost } from '@kazuba/hypervisor-v2';
import { createRecordingPlugin } from '@kazuba/hypervisor-v2/testing';
import { createHintEstimator } from '../graph/estimator.js';
import { definePlan } from '../plan/define-plan.js';
import { collectRunSummary, createRun } from './create-run.js';
import { fail, rateLimit, succeed } from './__fixtures__/fake-runner.js';
import { createMemoryStore } from './__fixtures__/memory-store.js';
import { eventsOf, firstStarts } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

describe('createRun events', () => {
  it('stamps every event with the run id, a sequence number from 0 and the time of the run clock, and completes after run:finished', async () => {
    const plugins = createPluginHost();
    plugins.register(createRecordingPlugin('broken', { throw: new Error('boom') }));
    const run = await runPlan(
      [phase(1, 10), phase(2, 20, { dependsOn: [1] }), phase(3, 5)],
      { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxRetries: 0, keepGoing: true, stallWindowMs: 4, breaker: { threshold: 1, cooldownMs: 1_000 } },
      {
        ports: { store: createMemoryStore({ writeFaults: { 3: { reject: new Error('disk full') } } }), plugins },
        script: { 1: [{ after: 5, output: ['hello'], result: { outcome: 'rate_limited', message: 'limit', resetAt: 6 } }, succeed(10)], 3: [fail(5, 'x')] },
      },
    );
    for (const event of run.events) expect(parseHypervisorEvent(event)).toEqual(event);
    expect(new Set(run.events.map((event) => event.type))).toEqual(
      new Set(['run:started', 'phase:queued', 'phase:started', 'phase:output', 'phase:retrying', 'phase:finished', 'breaker:opened', 'mode:fell-back', 'checkpoint:failed', 'plugin:failed', 'run:finished']),
    );
    expect(run.events.every((event) => event.runId === 'run-1')).toBe(true);
    expect(run.events.map((event) => event.seq)).toEqual(run.events.map((_, index) => index));
    const times = run.events.map((event) => event.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(eventsOf(run.events, 'phase:started').map((event) => event.timestamp)).toEqual(run.runner.calls.map((call) => call.calledAt));
    expect(run.events[0]).toMatchObject({ type: 'run:started', plan: 'test-plan', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2, timestamp: 0 });
    expect(run.events.at(-1)?.type).toBe('run:finished');
    expect(run.completed).toBe(true);
  });

  it('collectRunSummary resolves with the summary of run:finished', async () => {
    const plan = definePlan([phase(1, 10), phase(2, 10)]);
    const runner = { run: () => of({ type: 'result' as const, result: { outcome: 'succeeded' as const } }) };
    const summary = await collectRunSummary(createRun(plan, { mode: 'dry_run' }, { runner }));
    expect(summary).toEqual({
      outcome: 'succeeded',
      durationMs: 20,
      countsByStatus: { pending: 0, queued: 0, running: 0, validating: 0, success: 2, partial: 0, failed: 0, skipped: 0, cancelled: 0 },
      phases: [
        { phaseId: 1, status: 'success', attempts: 1, durationMs: 10 },
        { phaseId: 2, status: 'success', attempts: 1, durationMs: 10 },
      ],
    });
  });

  it('names the run after its start time when no run id is given', async () => {
    const events$ = createRun(definePlan([phase(1, 10)]), { mode: 'dry_run' }, { runner: { run: () => of() } });
    const [first] = await new Promise<{ runId: string }[]>((resolve) => {
      const seen: { runId: string }[] = [];
      events$.subscribe({ next: (event) => seen.push(event), complete: () => resolve(seen) });
    });
    expect(first?.runId).toBe('run-1970-01-01T00:00:00.000Z');
  });

  it('runs on asyncScheduler when no scheduler is given', async () => {
    const runner = { run: () => of({ type: 'result' as const, result: { outcome: 'succeeded' as const } }) };
    const summary = await collectRunSummary(createRun(definePlan([phase(1, 0), phase(2, 0, { dependsOn: [1] })]), {}, { runner }));
    expect(summary.countsByStatus.success).toBe(2);
  });

  it('takes durations from the estimator port, for priorities and for the dry run', async () => {
    const plan = [
      { id: 1, estimates: { effort: 'S' as const } },
      { id: 2, estimates: { effort: 'L' as const } },
    ];
    const estimator = createHintEstimator({ effortMs: { S: 10, L: 30 } });
    const dry = await runPlan(plan, { mode: 'dry_run', maxWorkers: 2 }, { ports: { estimator } });
    expect(firstStarts(dry.events)).toEqual([
      [2, 0],
      [1, 30],
    ]);
  });

  it('errors, instead of throwing, when an estimator throws as the run starts', async () => {
    const estimator = {
      estimate: () => {
        throw new RangeError('no history');
      },
    };
    await expect(runPlan([phase(1, 10)], {}, { ports: { estimator } })).rejects.toThrow(new RangeError('no history'));
  });

  it('reports a rate-limited wait with its reason in phase:retrying', async () => {
    const run = await runPlan([phase(1, 10)], {}, { script: { 1: [rateLimit(5, 7), succeed(5)] } });
    expect(eventsOf(run.events, 'phase:retrying')[0]).toMatchObject({ attempt: 1, delayMs: 2, rateLimited: true, reason: 'usage limit reached' });
  });
});
