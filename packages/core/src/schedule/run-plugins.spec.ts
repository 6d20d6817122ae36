import { describe, expect, it } from '@jest/globals';
import { createPluginHost, createTieredMemoryManager } from '@kazuba/hypervisor-v2';
import type { PluginHost } from '@kazuba/hypervisor-v2';
import { createFakeMemoryManager, createRecordingPlugin } from '@kazuba/hypervisor-v2/testing';
import { fail } from './__fixtures__/fake-runner.js';
import { eventsOf, firstStarts, replayConcurrency, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

function hostWith(...plugins: Parameters<PluginHost['register']>[0][]): PluginHost {
  const host = createPluginHost();
  for (const plugin of plugins) host.register(plugin);
  return host;
}

describe('createRun plugins', () => {
  it('calls pre_phase before each phase, post_phase after a success and on_success after the run, with snapshots', async () => {
    const audit = createRecordingPlugin('audit');
    const run = await runPlan([phase(1, 10), phase(2, 10, { dependsOn: [1] })], {}, { ports: { plugins: hostWith(audit) } });
    expect(audit.calls.map((call) => [call.hook, call.state.currentPhase])).toEqual([
      ['pre_phase', 1],
      ['post_phase', 1],
      ['pre_phase', 2],
      ['post_phase', 2],
      ['on_success', null],
    ]);
    expect(audit.calls[0]?.state).toMatchObject({ mode: 'sequential', activeWorkers: 0, memoryInUseMb: 0, countsByStatus: { running: 1, pending: 1, success: 0 } });
    expect(audit.calls[1]?.state.countsByStatus).toMatchObject({ success: 1, pending: 1 });
    expect(audit.calls[4]?.state.countsByStatus).toMatchObject({ success: 2, pending: 0 });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('calls on_failure after a failed phase, and no on_success for a failed run', async () => {
    const audit = createRecordingPlugin('audit');
    await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 0, keepGoing: true }, { ports: { plugins: hostWith(audit) }, script: { 1: [fail(10, 'no')] } });
    expect(audit.calls.map((call) => [call.hook, call.state.currentPhase])).toEqual([
      ['pre_phase', 1],
      ['on_failure', 1],
      ['pre_phase', 2],
      ['post_phase', 2],
    ]);
  });

  it('reports a plugin that throws as plugin:failed and completes the run', async () => {
    const broken = createRecordingPlugin('broken', { throw: new Error('boom') });
    const run = await runPlan([phase(1, 10)], {}, { ports: { plugins: hostWith(broken) } });
    expect(eventsOf(run.events, 'plugin:failed').map((event) => [event.plugin, event.hook, event.timedOut, event.error])).toEqual([
      ['broken', 'pre_phase', false, { name: 'Error', message: 'boom' }],
      ['broken', 'post_phase', false, { name: 'Error', message: 'boom' }],
      ['broken', 'on_success', false, { name: 'Error', message: 'boom' }],
    ]);
    expect(run.summary?.outcome).toBe('succeeded');
    expect(run.completed).toBe(true);
  });

  it('waits for pre_phase before the first attempt, and reports a plugin that outlives its time as timed out', async () => {
    const slow = createRecordingPlugin('slow', 'hang');
    const run = await runPlan([phase(1, 10)], {}, { portsOn: (scheduler) => {
      const plugins = createPluginHost({ timeoutMs: 100, scheduler });
      plugins.register(slow);
      return { plugins };
    } });
    expect(firstStarts(run.events)).toEqual([[1, 100]]);
    expect(eventsOf(run.events, 'plugin:failed')[0]).toMatchObject({ plugin: 'slow', hook: 'pre_phase', timedOut: true, error: { code: 'timed_out' } });
    // pre_phase, post_phase and on_success each wait out the 100 ms.
    expect(eventsOf(run.events, 'run:finished')[0]?.timestamp).toBe(310);
  });
});

describe('createRun memory admission', () => {
  const hungry = [phase(1, 100, { memoryMb: 800 }), phase(2, 100, { memoryMb: 800 }), phase(3, 100)];

  it('admits memory-hungry phases through the memory manager: two that do not fit together never overlap', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 1_000 } });
    const run = await runPlan(hungry, { mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore' }, { ports: { memory } });
    // 1 starts once its lease is granted, a promise later than 3, at the same instant.
    expect(firstStarts(run.events)).toEqual([
      [3, 0],
      [1, 0],
      [2, 100],
    ]);
    expect(memory.usedMb()).toBe(0);
  });

  it('frees every lease it took, once, when its phase ends', async () => {
    const memory = createFakeMemoryManager({ tiers: { ram: 1_000 } });
    await runPlan(hungry, { mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore', maxRetries: 0, keepGoing: true }, { ports: { memory }, script: { 2: [fail(50, 'oom')] } });
    expect(memory.log.map((entry) => [entry.op, entry.lease.owner, entry.lease.mb])).toEqual([
      ['allocate', 'phase-1', 800],
      ['free', 'phase-1', 800],
      ['allocate', 'phase-2', 800],
      ['free', 'phase-2', 800],
    ]);
    expect(memory.usedMb()).toBe(0);
  });

  it('lets plugins see the memory in use', async () => {
    const audit = createRecordingPlugin('audit');
    const plugins = createPluginHost();
    plugins.register(audit);
    await runPlan([phase(1, 10, { memoryMb: 300 })], {}, { ports: { memory: createTieredMemoryManager({ tiers: { ram: 1_000 } }), plugins } });
    expect(audit.calls[0]?.state.memoryInUseMb).toBe(300);
  });

  it('fails a phase whose memory need exceeds the whole budget, without running it', async () => {
    const run = await runPlan([phase(1, 10, { memoryMb: 2_000 })], {}, { ports: { memory: createTieredMemoryManager({ tiers: { ram: 1_000 } }) } });
    expect(run.runner.calls).toHaveLength(0);
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({ status: 'failed', reason: 'could not start', error: { code: 'memory_request_too_large' } });
  });

  it('runs phases side by side when no memory manager is given', async () => {
    const run = await runPlan(hungry, { mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore' });
    expect(replayConcurrency(run.events).peak).toBe(3);
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'success', 3: 'success' });
  });
});
