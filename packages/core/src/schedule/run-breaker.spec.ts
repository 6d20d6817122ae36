import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { asyncScheduler } from 'rxjs';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import type { HypervisorConfigInput } from './config.js';
import { createRun } from './create-run.js';
import { createFakeRunner, fail, succeed } from './__fixtures__/fake-runner.js';
import type { ScriptStep } from './__fixtures__/fake-runner.js';
import { eventsOf, playRunOnFakeTimers, reasons, statuses } from './__fixtures__/play-run.js';
import type { PlayedRun } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

async function runOnFakeClock(phases: readonly PhaseDefinition[], config: HypervisorConfigInput, script: Readonly<Record<number, readonly ScriptStep[]>>): Promise<PlayedRun> {
  const runner = createFakeRunner({ scheduler: asyncScheduler, script });
  return playRunOnFakeTimers(createRun(definePlan(phases), config, { runner, scheduler: asyncScheduler, runId: 'run-1', random: () => 0.5 }));
}

function breakerTimeline(events: PlayedRun['events']): [string, number][] {
  return events.flatMap((event) => {
    if (event.type.startsWith('breaker:')) return [[event.type, event.timestamp] as [string, number]];
    if (event.type === 'phase:started') return [[`started ${event.phaseId}.${event.attempt}`, event.timestamp] as [string, number]];
    if (event.type === 'phase:finished') return [[`${event.status} ${event.phaseId}`, event.timestamp] as [string, number]];
    return [];
  });
}

const config = { maxRetries: 3, backoff: { initialMs: 100, factor: 1, maxMs: 100, jitter: 0 }, breaker: { threshold: 2, cooldownMs: 1_000 } };

describe('createRun circuit breaker', () => {
  // opossum times its cool-down with the global setTimeout: Jest's fake timers drive it and asyncScheduler
  // alike. On asyncScheduler a zero-delay step takes the 1 ms of a Node timer, so these tests compare the
  // order of events and the length of the cool-down, not absolute times.
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('opens after `threshold` consecutive failed attempts and skips every phase not yet started (circuit-open)', async () => {
    const phases = [phase(1, 10), phase(2, 10), phase(3, 4), phase(4, 4, { dependsOn: [3] })];
    const run = await runOnFakeClock(phases, { maxRetries: 0, keepGoing: true, breaker: { threshold: 2, cooldownMs: 1_000 } }, { 1: [fail(10, 'a')], 2: [fail(10, 'b')] });
    expect(breakerTimeline(run.events).map(([what]) => what)).toEqual(['started 1.1', 'failed 1', 'started 2.1', 'breaker:opened', 'skipped 3', 'skipped 4', 'failed 2']);
    expect(eventsOf(run.events, 'breaker:opened')[0]).toMatchObject({ consecutiveFailures: 2, cooldownMs: 1_000 });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'failed', 3: 'skipped', 4: 'skipped' });
    expect(reasons(run.summary)).toMatchObject({ 3: 'circuit-open', 4: 'circuit-open' });
    expect(run.completed).toBe(true);
  });

  it('after the cool-down half-opens, lets one held retry run as the probe, and closes when it succeeds', async () => {
    const run = await runOnFakeClock([phase(1, 10), phase(2, 10)], config, { 1: [fail(10, 'a'), fail(10, 'b'), succeed(10)] });
    expect(breakerTimeline(run.events)).toEqual([
      ['started 1.1', 0],
      ['started 1.2', 110],
      ['breaker:opened', 120],
      ['skipped 2', 120],
      ['breaker:half-opened', 1_120],
      ['started 1.3', 1_120],
      ['breaker:closed', 1_130],
      ['success 1', 1_130],
    ]);
    expect(run.summary?.phases[0]).toMatchObject({ status: 'success', attempts: 3 });
  });

  it('opens again when the probe fails, and probes again after the next cool-down', async () => {
    const run = await runOnFakeClock([phase(1, 10)], config, { 1: [fail(10, 'a'), fail(10, 'b'), fail(10, 'c'), succeed(10)] });
    expect(breakerTimeline(run.events)).toEqual([
      ['started 1.1', 0],
      ['started 1.2', 110],
      ['breaker:opened', 120],
      ['breaker:half-opened', 1_120],
      ['started 1.3', 1_120],
      ['breaker:opened', 1_130],
      ['breaker:half-opened', 2_130],
      ['started 1.4', 2_130],
      ['breaker:closed', 2_140],
      ['success 1', 2_140],
    ]);
  });

  it('holds the other retries while the probe runs, and releases them when it closes', async () => {
    const phases = [phase(1, 10), phase(2, 10)];
    const run = await runOnFakeClock(phases, { ...config, mode: 'parallel', groupPolicy: 'ignore', maxWorkers: 2 }, { 1: [fail(10, 'a'), succeed(50)], 2: [fail(10, 'b'), succeed(10)] });
    expect(breakerTimeline(run.events)).toEqual([
      ['started 1.1', 0],
      ['started 2.1', 0],
      ['breaker:opened', 10],
      ['breaker:half-opened', 1_010],
      ['started 1.2', 1_010],
      ['breaker:closed', 1_060],
      ['started 2.2', 1_060],
      ['success 1', 1_060],
      ['success 2', 1_070],
    ]);
  });

  it('starts no held retry while open, even when the probe fails at once', async () => {
    const phases = [phase(1, 10), phase(2, 10)];
    const script = { 1: [fail(10, 'a'), fail(0, 'probe'), succeed(10)], 2: [fail(10, 'b'), succeed(10)] };
    const run = await runOnFakeClock(phases, { ...config, mode: 'parallel', groupPolicy: 'ignore', maxWorkers: 2 }, script);
    let open = false;
    for (const event of run.events) {
      if (event.type === 'breaker:opened') open = true;
      if (event.type === 'breaker:half-opened' || event.type === 'breaker:closed') open = false;
      if (event.type === 'phase:started') expect([event.phaseId, event.attempt, open]).toEqual([event.phaseId, event.attempt, false]);
    }
    expect(eventsOf(run.events, 'breaker:opened')).toHaveLength(2);
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'success' });
  });

  it('does not start the phases it skipped once it closes again', async () => {
    // 3 and 4 wait for a worker when the breaker opens; 2 is still running when the probe closes it.
    const phases = [phase(1, 10), phase(2, 5_000), phase(3, 10), phase(4, 10)];
    const run = await runOnFakeClock(phases, { ...config, mode: 'parallel', groupPolicy: 'ignore', maxWorkers: 2, breaker: { threshold: 1, cooldownMs: 1_000 } }, { 1: [fail(10, 'a'), succeed(10)] });
    expect(eventsOf(run.events, 'breaker:closed')).toHaveLength(1);
    expect(eventsOf(run.events, 'phase:started').map((event) => event.phaseId)).toEqual([2, 1, 1]);
    expect(eventsOf(run.events, 'phase:finished').map((event) => [event.phaseId, event.status])).toEqual([
      [3, 'skipped'],
      [4, 'skipped'],
      [1, 'success'],
      [2, 'success'],
    ]);
  });

});

describe('createRun circuit breaker on a virtual clock', () => {
  it('restarts the count after a successful attempt', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10), phase(3, 10)], { maxRetries: 1, breaker: { threshold: 2, cooldownMs: 1_000 } }, { script: { 1: [fail(10, 'a'), succeed(10)], 2: [fail(10, 'b'), succeed(10)] } });
    expect(eventsOf(run.events, 'breaker:opened')).toEqual([]);
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('is disabled by threshold 0', async () => {
    const failures = Array.from({ length: 8 }, (_, index) => fail(10, `failure ${index}`));
    const run = await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 7, keepGoing: true, breaker: { threshold: 0, cooldownMs: 1_000 } }, { script: { 1: failures } });
    expect(eventsOf(run.events, 'breaker:opened')).toEqual([]);
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success' });
  });
});
