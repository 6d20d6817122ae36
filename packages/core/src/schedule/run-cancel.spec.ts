import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { createPluginHost } from '@kazuba/hypervisor-v2';
import { createFakeMemoryManager, createRecordingPlugin } from '@kazuba/hypervisor-v2/testing';
import { definePlan } from '../plan/define-plan.js';
import { createRun } from './create-run.js';
import { createFakeRunner, fail } from './__fixtures__/fake-runner.js';
import { createMemoryStore } from './__fixtures__/memory-store.js';
import { eventsOf, reasons, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';
import { createScriptedApprover } from './__fixtures__/scripted-approver.js';

// 1 and 2 run from 0; 3 waits for 1; 4 waits for a worker.
const plan = [phase(1, 100), phase(2, 100), phase(3, 100, { dependsOn: [1] }), phase(4, 50)];
const parallel = { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' } as const;

function abortAt(ms: number): { readonly signal: AbortSignal; readonly portsOn: (scheduler: VirtualTimeScheduler) => { signal: AbortSignal } } {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    portsOn: (scheduler) => {
      scheduler.schedule(() => controller.abort(), ms);
      return { signal: controller.signal };
    },
  };
}

describe('createRun cancellation through ports.signal', () => {
  it('aborts running attempts, ends every phase cancelled, records those that ran, and finishes `cancelled`', async () => {
    const store = createMemoryStore();
    const { portsOn } = abortAt(50);
    const run = await runPlan(plan, parallel, { ports: { store }, portsOn });
    expect(run.runner.calls.map((call) => [call.phaseId, call.abortedAt, call.endedAt])).toEqual([
      [1, 50, 50],
      [2, 50, 50],
    ]);
    expect(run.runner.calls[0]?.abortReason).toEqual(new Error('cancelled'));
    expect(statuses(run.summary)).toEqual({ 1: 'cancelled', 2: 'cancelled', 3: 'cancelled', 4: 'cancelled' });
    expect(reasons(run.summary)).toEqual({ 1: 'cancelled', 2: 'cancelled', 3: 'cancelled', 4: 'cancelled' });
    expect(store.writes.map((write) => [write.phaseId, write.record.status, write.record.attempts])).toEqual([
      [1, 'cancelled', 1],
      [2, 'cancelled', 1],
    ]);
    const finished = eventsOf(run.events, 'run:finished')[0];
    expect(finished?.timestamp).toBe(50);
    expect(finished?.summary.outcome).toBe('cancelled');
    expect(run.completed).toBe(true);
  });

  it('ends a phase waiting for its retry cancelled, and records it', async () => {
    const store = createMemoryStore();
    const { portsOn } = abortAt(50);
    const run = await runPlan([phase(1, 10)], { maxRetries: 2, backoff: { initialMs: 1_000 } }, { ports: { store }, portsOn, script: { 1: [fail(10, 'flaky')] } });
    expect(statuses(run.summary)).toEqual({ 1: 'cancelled' });
    expect(run.runner.calls).toHaveLength(1);
    expect(store.writes.map((write) => write.record.status)).toEqual(['cancelled']);
    expect(eventsOf(run.events, 'run:finished')[0]?.timestamp).toBe(50);
  });

  it('ends a phase waiting for memory cancelled, and leaves no lease behind', async () => {
    const memory = createFakeMemoryManager({ tiers: { ram: 1_000 } });
    const { portsOn } = abortAt(50);
    const hungry = [phase(1, 100, { memoryMb: 800 }), phase(2, 100, { memoryMb: 800 })];
    const run = await runPlan(hungry, parallel, { ports: { memory }, portsOn });
    expect(statuses(run.summary)).toEqual({ 1: 'cancelled', 2: 'cancelled' });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([1]);
    expect(memory.usedMb()).toBe(0);
  });

  it('ends a phase waiting for the approver cancelled', async () => {
    const { portsOn } = abortAt(50);
    const run = await runPlan([phase(1, 10)], { mode: 'interactive' }, { portsOn: (scheduler) => ({ ...portsOn(scheduler), approver: createScriptedApprover({ scheduler, thinkMs: 1_000 }) }) });
    expect(statuses(run.summary)).toEqual({ 1: 'cancelled' });
    expect(run.runner.calls).toHaveLength(0);
    expect(eventsOf(run.events, 'run:finished')[0]?.timestamp).toBe(50);
  });

  it('ends a phase whose pre_phase hook is under way cancelled, without running it', async () => {
    const { portsOn } = abortAt(50);
    const run = await runPlan([phase(1, 10)], {}, {
      portsOn: (scheduler) => {
        const plugins = createPluginHost({ timeoutMs: 100, scheduler });
        plugins.register(createRecordingPlugin('slow', 'hang'));
        return { ...portsOn(scheduler), plugins };
      },
    });
    expect(run.runner.calls).toHaveLength(0);
    expect(run.summary?.phases[0]).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('cancels at once, calling no runner, when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runPlan(plan, parallel, { ports: { signal: controller.signal } });
    expect(run.runner.calls).toHaveLength(0);
    expect(run.summary?.outcome).toBe('cancelled');
    expect(run.summary?.countsByStatus.cancelled).toBe(4);
  });
});

describe('createRun cancellation by unsubscribing', () => {
  it("aborts the running attempts' signals and emits nothing more", async () => {
    const store = createMemoryStore();
    const run = await runPlan(plan, parallel, { ports: { store }, unsubscribeAt: 50 });
    expect(run.runner.calls.map((call) => [call.phaseId, call.abortedAt, call.endedAt])).toEqual([
      [1, 50, 50],
      [2, 50, 50],
    ]);
    expect(run.runner.calls[0]?.abortReason).toEqual(new Error('the run was unsubscribed'));
    expect(run.events.every((event) => event.timestamp < 50)).toBe(true);
    expect(eventsOf(run.events, 'phase:finished')).toEqual([]);
    expect(store.writes).toEqual([]);
    expect(run.completed).toBe(false);
  });

  it('frees the memory of a phase waiting for it', async () => {
    const memory = createFakeMemoryManager({ tiers: { ram: 1_000 } });
    const hungry = [phase(1, 100, { memoryMb: 800 }), phase(2, 100, { memoryMb: 800 })];
    await runPlan(hungry, parallel, { ports: { memory }, unsubscribeAt: 50 });
    expect(memory.usedMb()).toBe(0);
  });

  it('starts nothing when unsubscribed before the checkpoints are read', async () => {
    const scheduler = new VirtualTimeScheduler();
    const runner = createFakeRunner({ scheduler });
    const store = createMemoryStore();
    const events: unknown[] = [];
    createRun(definePlan(plan), parallel, { runner, store, scheduler })
      .subscribe((event) => events.push(event))
      .unsubscribe();
    await new Promise((resolve) => setImmediate(resolve));
    scheduler.flush();
    expect(store.reads).toHaveLength(4);
    expect(runner.calls).toHaveLength(0);
    expect(events).toEqual([]);
  });
});
