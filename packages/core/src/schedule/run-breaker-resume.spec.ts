import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import type { HypervisorConfigInput } from './config.js';
import { createRun } from './create-run.js';
import type { PreviousBreaker, RunPorts } from './ports.js';
import { createFakeRunner, fail } from './__fixtures__/fake-runner.js';
import type { FakeRunner, ScriptStep } from './__fixtures__/fake-runner.js';
import { createMemoryStore, recordOf } from './__fixtures__/memory-store.js';
import { eventsOf, playRun, reasons, startOrder, statuses } from './__fixtures__/play-run.js';
import type { PlayedRun } from './__fixtures__/play-run.js';
import { phase } from './__fixtures__/run-harness.js';
import { createScriptedApprover } from './__fixtures__/scripted-approver.js';

// The resumed run starts at this time on its clock, one second after the earlier run's breaker opened.
const NOW = 1_767_268_800_000;
const openedSecondsAgo = (seconds: number, state: PreviousBreaker['state'] = 'open'): PreviousBreaker => ({ runId: 'run-0', state, openedAtMs: NOW - seconds * 1_000 });
const config = { maxRetries: 0, breaker: { threshold: 2, cooldownMs: 60_000 } } as const;
const phases = [phase(1, 10), phase(2, 10), phase(3, 10, { dependsOn: [1] })];

interface ResumedRun extends PlayedRun {
  readonly runner: FakeRunner;
}

/** Plays a run that starts at NOW on a virtual clock, from the breaker an earlier run left. */
async function resume(
  definitions: readonly PhaseDefinition[],
  configInput: HypervisorConfigInput,
  previousBreaker: PreviousBreaker | undefined,
  options: { readonly script?: Readonly<Record<number, readonly ScriptStep[]>>; readonly ports?: (scheduler: VirtualTimeScheduler) => Partial<RunPorts> } = {},
): Promise<ResumedRun> {
  const scheduler = new VirtualTimeScheduler();
  scheduler.frame = NOW;
  const runner = createFakeRunner({ scheduler, ...(options.script === undefined ? {} : { script: options.script }) });
  const ports: RunPorts = { runner, scheduler, runId: 'run-1', random: () => 0.5, ...(previousBreaker === undefined ? {} : { previousBreaker }), ...options.ports?.(scheduler) };
  const played = await playRun(createRun(definePlan(definitions, { name: 'test-plan' }), configInput, ports), scheduler);
  return { ...played, runner };
}

/** The breaker events and each phase's starts and ends, in order. */
function timeline(run: PlayedRun): string[] {
  return run.events.flatMap((event) => {
    if (event.type.startsWith('breaker:')) return [event.type];
    if (event.type === 'phase:started') return [`started ${event.phaseId}`];
    if (event.type === 'phase:finished') return [`${event.status} ${event.phaseId}`];
    return [];
  });
}

describe('createRun resumed after a run whose breaker opened', () => {
  it('within the cool-down keeps it open and says so: no phase starts, each one not complete ends circuit-open', async () => {
    const plan = definePlan(phases, { name: 'test-plan' });
    const store = createMemoryStore({ records: { 2: recordOf(plan.byId.get(2) as (typeof plan.phases)[number], 'success') } });
    const run = await resume(phases, config, openedSecondsAgo(20), { ports: () => ({ store }) });
    expect(eventsOf(run.events, 'breaker:restored')).toEqual([expect.objectContaining({ state: 'open', fromRunId: 'run-0', openedAt: NOW - 20_000, remainingMs: 40_000, timestamp: NOW })]);
    expect(run.runner.calls).toEqual([]);
    expect(reasons(run.summary)).toEqual({ 1: 'circuit-open', 2: 'already complete', 3: 'circuit-open' });
    expect(run.summary?.outcome).toBe('failed');
    expect(run.completed).toBe(true);
  });

  it('after the cool-down starts half-open: one probe phase runs alone, and the rest start once it succeeds', async () => {
    const run = await resume(phases, { ...config, mode: 'parallel', maxWorkers: 3, groupPolicy: 'ignore' }, openedSecondsAgo(61));
    expect(eventsOf(run.events, 'breaker:restored')[0]).toMatchObject({ state: 'half-open', remainingMs: 0 });
    expect(timeline(run)).toEqual(['breaker:restored', 'started 1', 'breaker:closed', 'success 1', 'started 2', 'started 3', 'success 2', 'success 3']);
  });

  it('opens again when the probe fails: the phases not started end circuit-open', async () => {
    const run = await resume(phases, { ...config, keepGoing: true }, openedSecondsAgo(61), { script: { 1: [fail(10, 'still broken')] } });
    expect(timeline(run)).toEqual(['breaker:restored', 'started 1', 'breaker:opened', 'skipped 2', 'skipped 3', 'failed 1']);
    expect(reasons(run.summary)).toMatchObject({ 2: 'circuit-open', 3: 'circuit-open' });
  });

  it('starts half-open from a run whose probe gave no verdict, however recently the breaker opened', async () => {
    const run = await resume(phases, config, openedSecondsAgo(1, 'half-open'));
    expect(eventsOf(run.events, 'breaker:restored')[0]).toMatchObject({ state: 'half-open', remainingMs: 0 });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it("counts the cool-down with this run's breaker.cooldownMs", async () => {
    const shorter = await resume(phases, { ...config, breaker: { threshold: 2, cooldownMs: 10_000 } }, openedSecondsAgo(20));
    expect(eventsOf(shorter.events, 'breaker:restored')[0]?.state).toBe('half-open');
    const longer = await resume(phases, { ...config, breaker: { threshold: 2, cooldownMs: 30_000 } }, openedSecondsAgo(20));
    expect(eventsOf(longer.events, 'breaker:restored')[0]).toMatchObject({ state: 'open', remainingMs: 10_000 });
  });

  it('hands the probe to the next phase when the user skips the one that took it', async () => {
    const run = await resume(phases, { ...config, mode: 'interactive' }, openedSecondsAgo(61), {
      ports: (scheduler) => ({ approver: createScriptedApprover({ scheduler, decisions: { 1: 'skip' } }) }),
    });
    expect(run.completed).toBe(true);
    expect(startOrder(run.events)).toEqual([2]);
    expect(timeline(run)).toEqual(['breaker:restored', 'skipped 1', 'skipped 3', 'started 2', 'breaker:closed', 'success 2']);
  });

  it('says so in a run cancelled as it starts, so that its record does not forget the breaker', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await resume(phases, config, openedSecondsAgo(61), { ports: () => ({ signal: controller.signal }) });
    expect(eventsOf(run.events, 'breaker:restored')).toHaveLength(1);
    expect(run.summary?.outcome).toBe('cancelled');
  });

  const ignored: [string, HypervisorConfigInput][] = [
    ['with force', { ...config, force: true }],
    ['in a dry run', { ...config, mode: 'dry_run' }],
    ['with the breaker disabled', { ...config, breaker: { threshold: 0, cooldownMs: 60_000 } }],
  ];
  it.each(ignored)('%s starts closed and runs every phase', async (_how, configInput) => {
    const run = await resume(phases, configInput, openedSecondsAgo(20));
    expect(eventsOf(run.events, 'breaker:restored')).toEqual([]);
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'success', 3: 'success' });
  });
});
