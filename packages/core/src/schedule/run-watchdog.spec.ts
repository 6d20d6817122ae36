import { describe, expect, it } from '@jest/globals';
import { fail } from './__fixtures__/fake-runner.js';
import { eventsOf, firstStarts, replayConcurrency } from './__fixtures__/play-run.js';
import { createMemoryStore, recordOf } from './__fixtures__/memory-store.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';
import { definePlan } from '../plan/define-plan.js';

const phases = [phase(1, 500), phase(2, 500), phase(3, 300), phase(4, 100), phase(5, 100), phase(6, 100)];

describe('createRun stall watchdog', () => {
  it('falls back from parallel to sequential when no phase finishes within stallWindowMs, then starts one phase at a time', async () => {
    const run = await runPlan(phases, { mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore', stallWindowMs: 200 });
    const [fellBack] = eventsOf(run.events, 'mode:fell-back');
    expect(fellBack).toMatchObject({ from: 'parallel', to: 'sequential', timestamp: 200, reason: 'no phase finished for 200 ms' });
    const after = run.events.slice(run.events.indexOf(fellBack as (typeof run.events)[number]));
    const { runningBeforeStart } = replayConcurrency(run.events);
    const startedAfter = eventsOf(after, 'phase:started').map((event) => event.phaseId);
    expect(startedAfter).toEqual([4, 5, 6]);
    for (const id of startedAfter) expect(runningBeforeStart.get(id)).toBe(0);
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('after falling back starts the waiting phases in plan order, as a sequential run would', async () => {
    // Remaining critical paths: 5 → 350, 6 → 300, 3 and 4 → 100; before the fallback 5 would start before 3 and 4.
    const plan = [phase(1, 500), phase(2, 500), phase(3, 100), phase(4, 100), phase(5, 50), phase(6, 300, { dependsOn: [5] })];
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', stallWindowMs: 200 });
    expect(eventsOf(run.events, 'mode:fell-back')).toHaveLength(1);
    expect(firstStarts(run.events)).toEqual([
      [1, 0],
      [2, 0],
      [3, 500],
      [4, 600],
      [5, 700],
      [6, 750],
    ]);
  });

  it('does not fall back while phases keep finishing within the window', async () => {
    const run = await runPlan(phases, { mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore', stallWindowMs: 600 });
    expect(eventsOf(run.events, 'mode:fell-back')).toEqual([]);
    expect(replayConcurrency(run.events).peak).toBe(3);
  });

  it('arms a disabled breaker when it falls back: five consecutive failures then open it', async () => {
    const failures = Array.from({ length: 6 }, (_, index) => fail(100, `failure ${index}`));
    const config = { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', stallWindowMs: 50, maxRetries: 5, breaker: { threshold: 0, cooldownMs: 1_000 } } as const;
    const run = await runPlan([phase(1, 100), phase(2, 100, { dependsOn: [1] })], config, { script: { 1: failures } });
    expect(eventsOf(run.events, 'mode:fell-back')).toHaveLength(1);
    expect(eventsOf(run.events, 'breaker:opened')[0]).toMatchObject({ consecutiveFailures: 5 });
  });

  it('leaves no timer behind when a parallel run ends as it starts, every phase already complete', async () => {
    const plan = definePlan([phase(1, 100), phase(2, 100, { dependsOn: [1] })], { name: 'test-plan' });
    const store = createMemoryStore();
    for (const done of plan.phases) await store.write(done, recordOf(done, 'success'));
    const run = await runPlan(plan, { mode: 'parallel', stallWindowMs: 1_800_000 }, { ports: { store } });
    expect(run.summary?.outcome).toBe('succeeded');
    // A forgotten watchdog would have held the clock (and a real process) until its window ran out.
    expect(run.scheduler.now()).toBe(0);
  });

  it('is not armed in sequential mode', async () => {
    const run = await runPlan(phases, { mode: 'sequential', stallWindowMs: 50 });
    expect(eventsOf(run.events, 'mode:fell-back')).toEqual([]);
  });
});
