import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler, of } from 'rxjs';
import { createPluginHost } from '@kazuba/hypervisor-v2';
import { createRecordingPlugin } from '@kazuba/hypervisor-v2/testing';
import { isCoreError } from '../core-error.js';
import { createHintEstimator } from '../graph/estimator.js';
import { definePlan } from '../plan/define-plan.js';
import type { HypervisorConfigInput } from './config.js';
import { createRun } from './create-run.js';
import type { GroupPolicy } from './dispatcher.js';
import type { ApprovalDecision } from './ports.js';
import { simulatePlan } from './simulate-plan.js';
import { createFakeRunner, fail } from './__fixtures__/fake-runner.js';
import { createMemoryStore } from './__fixtures__/memory-store.js';
import { eventsOf, firstStarts, playRun, reasons, replayConcurrency, startOrder, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';
import { createScriptedApprover } from './__fixtures__/scripted-approver.js';

describe('createRun in sequential mode', () => {
  it('starts one phase at a time in plan order: the lowest ready id first, whatever the critical path', async () => {
    // Remaining critical paths: 1 → 20, 2 → 110, 3 → 100, 4/5/6 → 10; by them 2 and 3 would go first.
    const run = await runPlan([phase(1, 10), phase(2, 10), phase(3, 100, { dependsOn: [2] }), phase(4, 10, { dependsOn: [1] }), phase(5, 10), phase(6, 10)], {
      mode: 'sequential',
      maxWorkers: 4,
    });
    expect(firstStarts(run.events)).toEqual([
      [1, 0],
      [2, 10],
      [3, 20],
      [4, 120],
      [5, 130],
      [6, 140],
    ]);
    expect(replayConcurrency(run.events).peak).toBe(1);
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('offers phase 1 first of three independent phases even when history says phase 2 takes longest', async () => {
    const estimator = createHintEstimator({ effortMs: { S: 10, L: 30 } });
    const plan = [1, 2, 3].map((id) => ({ id, estimates: { effort: id === 2 ? ('L' as const) : ('S' as const) } }));
    const sequential = await runPlan(plan, { mode: 'sequential' }, { ports: { estimator } });
    expect(startOrder(sequential.events)).toEqual([1, 2, 3]);
    let approver = createScriptedApprover({ scheduler: new VirtualTimeScheduler() });
    await runPlan(plan, { mode: 'interactive' }, { ports: { estimator }, portsOn: (scheduler) => ({ approver: (approver = createScriptedApprover({ scheduler })) }) });
    expect(approver.requests.map((request) => request.phase.id)).toEqual([1, 2, 3]);
    const parallel = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' }, { ports: { estimator } });
    expect(startOrder(parallel.events)).toEqual([2, 1, 3]);
  });
});

describe('createRun and the simulation', () => {
  // Groups, priorities and dependencies all matter on this plan; ids say nothing about the critical path.
  const plan = [
    phase(1, 10, { parallelGroup: 'a' }),
    phase(2, 40, { parallelGroup: 'a' }),
    phase(3, 5, { dependsOn: [1] }),
    phase(4, 25, { parallelGroup: 'b' }),
    phase(5, 30, { dependsOn: [4], parallelGroup: 'b' }),
    phase(6, 20, { dependsOn: [2], parallelGroup: 'b' }),
    phase(7, 50),
  ];
  const durations = new Map(plan.map((each) => [each.id, each.estimates?.durationMs ?? 0]));
  const modes: [string, HypervisorConfigInput, number, GroupPolicy][] = [
    ['sequential', { mode: 'sequential', maxWorkers: 3 }, 1, 'ignore'],
    ['interactive', { mode: 'interactive', maxWorkers: 3 }, 1, 'ignore'],
    ['parallel with one worker', { mode: 'parallel', maxWorkers: 1 }, 1, 'strict'],
    ['parallel, strict groups', { mode: 'parallel', maxWorkers: 3, groupPolicy: 'strict' }, 3, 'strict'],
    ['parallel, groups ignored', { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' }, 2, 'ignore'],
  ];

  it.each(modes)('starts the phases of a %s run in the order and at the times the simulation shows', async (_mode, config, workers, groupPolicy) => {
    const run = await runPlan(plan, config, { portsOn: (scheduler) => ({ approver: createScriptedApprover({ scheduler }) }) });
    const simulated = simulatePlan(definePlan(plan), { workers, durations, groupPolicy });
    expect(firstStarts(run.events)).toEqual(simulated.phases.map((scheduled) => [scheduled.phaseId, scheduled.startMs]));
    expect(run.summary?.durationMs).toBe(simulated.makespanMs);
  });
});

describe('createRun in parallel mode', () => {
  it('starts a phase the moment its dependencies succeeded and a worker is free, not when its level is done', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 30), phase(3, 10, { dependsOn: [1] })], { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' });
    expect(firstStarts(run.events)).toEqual([
      [2, 0],
      [1, 0],
      [3, 10],
    ]);
    expect(run.summary?.durationMs).toBe(30);
  });

  it('never runs more than maxWorkers phases at once, and reaches that many when the graph allows', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 20), phase(3, 30), phase(4, 10), phase(5, 20), phase(6, 5), phase(7, 15, { dependsOn: [1, 2] })], {
      mode: 'parallel',
      maxWorkers: 3,
      groupPolicy: 'ignore',
    });
    const { peak, runningBeforeStart } = replayConcurrency(run.events);
    expect(peak).toBe(3);
    expect(Math.max(...runningBeforeStart.values())).toBeLessThan(3);
    expect(run.summary?.countsByStatus.success).toBe(7);
  });

  it('starts the ready phase with the longest remaining critical path first, before a smaller id', async () => {
    // By id, 1 and 2 would go first and the run would take 70 ms; 3 carries the 60 ms critical path.
    const run = await runPlan([phase(1, 10), phase(2, 10), phase(3, 10), phase(4, 50, { dependsOn: [3] })], { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' });
    expect(firstStarts(run.events)).toEqual([
      [3, 0],
      [1, 0],
      [4, 10],
      [2, 10],
    ]);
    expect(run.summary?.durationMs).toBe(60);
  });

  it('under the strict group policy runs side by side only phases of the same group, and a phase without one alone', async () => {
    const plan = [phase(1, 10, { parallelGroup: 'a' }), phase(2, 10, { parallelGroup: 'a' }), phase(3, 10), phase(4, 10, { parallelGroup: 'b' }), phase(5, 10, { parallelGroup: 'b' })];
    const strict = await runPlan(plan, { mode: 'parallel', maxWorkers: 4, groupPolicy: 'strict' });
    expect(firstStarts(strict.events)).toEqual([
      [1, 0],
      [2, 0],
      [3, 10],
      [4, 20],
      [5, 20],
    ]);
    const ignore = await runPlan(plan, { mode: 'parallel', maxWorkers: 4, groupPolicy: 'ignore' });
    expect(firstStarts(ignore.events)).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 10],
    ]);
  });
});

describe('createRun in interactive mode', () => {
  const plan = [phase(1, 10), phase(2, 10, { dependsOn: [1] }), phase(3, 10)];

  it('asks the approver before each phase, with the phase and a snapshot of the run, and runs it on `run`', async () => {
    let approver = createScriptedApprover({ scheduler: new VirtualTimeScheduler() });
    const run = await runPlan(plan, { mode: 'interactive' }, { portsOn: (scheduler) => ({ approver: (approver = createScriptedApprover({ scheduler, thinkMs: 5 })) }) });
    expect(approver.requests.map((request) => [request.phase.id, request.askedAt])).toEqual([
      [1, 0],
      [2, 15],
      [3, 30],
    ]);
    expect(firstStarts(run.events)).toEqual([
      [1, 5],
      [2, 20],
      [3, 35],
    ]);
    const second = approver.requests[1]?.state;
    expect(second).toMatchObject({ currentPhase: 2, mode: 'interactive', activeWorkers: 0, memoryInUseMb: 0 });
    expect(second?.countsByStatus).toMatchObject({ success: 1, running: 1, queued: 1 });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('on `skip` does not run the phase and skips its dependents, then asks about the next', async () => {
    let approver = createScriptedApprover({ scheduler: new VirtualTimeScheduler() });
    const run = await runPlan(plan, { mode: 'interactive' }, { portsOn: (scheduler) => ({ approver: (approver = createScriptedApprover({ scheduler, decisions: { 1: 'skip' } })) }) });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([3]);
    expect(approver.requests.map((request) => request.phase.id)).toEqual([1, 3]);
    expect(statuses(run.summary)).toEqual({ 1: 'skipped', 2: 'skipped', 3: 'success' });
    expect(reasons(run.summary)).toMatchObject({ 1: 'skipped by the user', 2: 'dependency 1 skipped' });
  });

  it('on `abort` cancels the run: the phase and every phase not started, its dependents included, end cancelled', async () => {
    const withDependent = [...plan, phase(4, 10, { dependsOn: [2] })];
    const run = await runPlan(withDependent, { mode: 'interactive' }, { portsOn: (scheduler) => ({ approver: createScriptedApprover({ scheduler, decisions: { 2: 'abort' } }) }) });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([1]);
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'cancelled', 3: 'cancelled', 4: 'cancelled' });
    expect(reasons(run.summary)).toMatchObject({ 2: 'aborted by the user', 3: 'aborted by the user', 4: 'aborted by the user' });
    expect(run.summary?.outcome).toBe('cancelled');
    expect(run.completed).toBe(true);
  });

  it('on `run_all` runs that phase and all the rest without asking again', async () => {
    let approver = createScriptedApprover({ scheduler: new VirtualTimeScheduler() });
    const run = await runPlan(plan, { mode: 'interactive' }, { portsOn: (scheduler) => ({ approver: (approver = createScriptedApprover({ scheduler, decisions: { 1: 'run_all' } })) }) });
    expect(approver.requests.map((request) => request.phase.id)).toEqual([1]);
    expect(startOrder(run.events)).toEqual([1, 2, 3]);
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it("takes the approver's first answer only", async () => {
    const approver = { decide: () => of<ApprovalDecision[]>('skip', 'run') };
    const run = await runPlan([phase(1, 10)], { mode: 'interactive' }, { ports: { approver } });
    expect(statuses(run.summary)).toEqual({ 1: 'skipped' });
    expect(run.runner.calls).toHaveLength(0);
  });

  it('runs one phase at a time whatever maxWorkers says', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10), phase(3, 10)], { mode: 'interactive', maxWorkers: 3, groupPolicy: 'ignore' }, { portsOn: (scheduler) => ({ approver: createScriptedApprover({ scheduler }) }) });
    expect(replayConcurrency(run.events).peak).toBe(1);
  });

  const failures: [string, { readonly error: unknown } | { readonly throw: unknown }][] = [
    ['errors', { error: new Error('no TTY') }],
    ['throws', { throw: new Error('no TTY') }],
  ];
  it.each(failures)('fails a phase that could not start because the approver %s, and goes on by the failure policy', async (_how, failure) => {
    const run = await runPlan([phase(1, 10)], { mode: 'interactive' }, { portsOn: (scheduler) => ({ approver: createScriptedApprover({ scheduler, failure }) }) });
    const [finished] = eventsOf(run.events, 'phase:finished');
    expect(finished).toMatchObject({ phaseId: 1, status: 'failed', reason: 'could not start', attempts: 0, error: { name: 'Error', message: 'no TTY' } });
    expect(run.runner.calls).toHaveLength(0);
    expect(run.summary?.outcome).toBe('failed');
  });

  it('refuses to create an interactive run without an approver (`missing_port`)', () => {
    const plan1 = definePlan([{ id: 1 }]);
    const runner = createFakeRunner({ scheduler: new VirtualTimeScheduler() });
    let thrown: unknown;
    try {
      createRun(plan1, { mode: 'interactive' }, { runner });
    } catch (error) {
      thrown = error;
    }
    expect(isCoreError(thrown) && thrown.code).toBe('missing_port');
  });
});

describe('createRun in dry_run mode', () => {
  // Groups, priorities and dependencies all matter on this plan.
  const plan = [
    phase(1, 40, { parallelGroup: 'build' }),
    phase(2, 10, { parallelGroup: 'build' }),
    phase(3, 25, { parallelGroup: 'build' }),
    phase(4, 30, { dependsOn: [2], parallelGroup: 'test' }),
    phase(5, 5, { dependsOn: [2, 3], parallelGroup: 'test' }),
    phase(6, 20, { dependsOn: [1] }),
    phase(7, 15, { dependsOn: [4, 5], parallelGroup: 'test' }),
    phase(8, 50, { dependsOn: [3] }),
  ];

  it('plays the same starts, at the same times, as a real parallel run whose phases take exactly their estimates', async () => {
    for (const groupPolicy of ['strict', 'ignore'] as const) {
      const real = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy });
      const dry = await runPlan(plan, { mode: 'dry_run', maxWorkers: 2, groupPolicy });
      expect(firstStarts(dry.events)).toEqual(firstStarts(real.events));
      expect(replayConcurrency(dry.events).peak).toBe(replayConcurrency(real.events).peak);
      expect(dry.summary?.durationMs).toBe(real.summary?.durationMs);
      expect(eventsOf(dry.events, 'run:started')[0]?.mode).toBe('dry_run');
    }
  });

  it('calls no runner, writes no record and calls no plugin, yet shows which phases resume would skip', async () => {
    const scheduler = new VirtualTimeScheduler();
    const first = createMemoryStore();
    await runPlan(plan, { mode: 'parallel', maxWorkers: 2, maxRetries: 0, keepGoing: true }, { ports: { store: first }, script: { 6: [fail(0, 'no')] } });
    const store = createMemoryStore({ records: Object.fromEntries(first.writes.map((write) => [write.phaseId, write.record])) });
    const plugin = createRecordingPlugin('audit');
    const plugins = createPluginHost();
    plugins.register(plugin);
    const runner = createFakeRunner({ scheduler });
    const dry = await playRun(createRun(definePlan(plan, { name: 'test-plan' }), { mode: 'dry_run', maxWorkers: 2 }, { runner, store, plugins, scheduler }), scheduler);
    expect(runner.calls).toHaveLength(0);
    expect(store.writes).toEqual([]);
    expect(plugin.calls).toEqual([]);
    expect(store.reads).toHaveLength(plan.length);
    const resumed = dry.summary?.phases.filter((result) => result.reason === 'already complete').map((result) => result.phaseId);
    expect(resumed).toEqual([1, 2, 3, 4, 5, 7, 8]);
    expect(dry.summary?.phases.find((result) => result.phaseId === 6)).toMatchObject({ status: 'success', attempts: 1 });
  });

  it('shows the schedule of phases estimated to take longer than the per-phase timeout, without failing them', async () => {
    const dry = await runPlan([phase(1, 900_000), phase(2, 600_000, { dependsOn: [1] })], { mode: 'dry_run', timeoutPerPhaseMs: 600_000 });
    expect(firstStarts(dry.events)).toEqual([
      [1, 0],
      [2, 900_000],
    ]);
    expect(statuses(dry.summary)).toEqual({ 1: 'success', 2: 'success' });
  });
});
