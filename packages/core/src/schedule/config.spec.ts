import { describe, expect, it } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { isCoreError } from '../core-error.js';
import { definePlan } from '../plan/define-plan.js';
import type { HypervisorConfigInput } from './config.js';
import { parseHypervisorConfig } from './config.js';
import { createRun } from './create-run.js';
import { createFakeRunner, fail, rateLimit, succeed } from './__fixtures__/fake-runner.js';
import { createMemoryStore, recordOf } from './__fixtures__/memory-store.js';
import { eventsOf, replayConcurrency, statuses } from './__fixtures__/play-run.js';
import type { PlayedRun } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';
import type { RunPlanOptions } from './__fixtures__/run-harness.js';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('parseHypervisorConfig', () => {
  it('applies the defaults of the original hypervisor.yaml to an empty config', () => {
    expect(parseHypervisorConfig(undefined)).toEqual({
      mode: 'sequential',
      maxWorkers: 4,
      timeoutPerPhaseMs: 600_000,
      maxRetries: 3,
      backoff: { initialMs: 1_000, factor: 2, maxMs: 60_000, jitter: 0.2 },
      qualityThreshold: null,
      partialSatisfiesDependents: false,
      keepGoing: false,
      groupPolicy: 'strict',
      breaker: { threshold: 5, cooldownMs: 60_000 },
      stallWindowMs: 1_800_000,
      rateLimitWaitMs: 300_000,
      force: false,
      maxCostUsd: null,
      retryFreshSession: false,
      checkpointFormat: 'toon',
    });
  });

  it('fills the defaults inside a partly given nested option', () => {
    expect(parseHypervisorConfig({ backoff: { initialMs: 5 }, breaker: { threshold: 0 } })).toMatchObject({
      backoff: { initialMs: 5, factor: 2, maxMs: 60_000, jitter: 0.2 },
      breaker: { threshold: 0, cooldownMs: 60_000 },
    });
  });

  it.each([
    [{ mode: 'fast' }, 'mode'],
    [{ maxWorkers: 0 }, 'maxWorkers'],
    [{ maxWorkers: 1.5 }, 'maxWorkers'],
    [{ timeoutPerPhaseMs: 0 }, 'timeoutPerPhaseMs'],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ backoff: { factor: 0.5 } }, 'backoff.factor'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter'],
    [{ backoff: { initialMs: -1 } }, 'backoff.initialMs'],
    [{ backoff: { maxMs: Number.NaN } }, 'backoff.maxMs'],
    [{ qualityThreshold: 1.5 }, 'qualityThreshold'],
    [{ partialSatisfiesDependents: 'yes' }, 'partialSatisfiesDependents'],
    [{ keepGoing: 1 }, 'keepGoing'],
    [{ groupPolicy: 'loose' }, 'groupPolicy'],
    [{ breaker: { threshold: -1 } }, 'breaker.threshold'],
    [{ breaker: { cooldownMs: 0 } }, 'breaker.cooldownMs'],
    [{ stallWindowMs: 0 }, 'stallWindowMs'],
    [{ rateLimitWaitMs: -5 }, 'rateLimitWaitMs'],
    [{ force: 'true' }, 'force'],
    [{ checkpointFormat: 'json' }, 'checkpointFormat'],
    [{ workers: 4 }, '(root)'],
    [{ backoff: { base: 4 } }, 'backoff'],
  ])('rejects %j with `invalid_config` naming %s', (input, field) => {
    const error = thrownBy(() => parseHypervisorConfig(input as HypervisorConfigInput, 'kazuba.yaml'));
    expect(isCoreError(error) && error.code).toBe('invalid_config');
    expect((error as Error).message).toMatch(new RegExp(`^kazuba\\.yaml: invalid hypervisor config: .*${field.replace(/[.()]/g, '\\$&')}: `));
    expect((error as Error & { context: { issues: unknown[] } }).context.issues.length).toBeGreaterThan(0);
  });

  it('names every offending field at once', () => {
    const error = thrownBy(() => parseHypervisorConfig({ maxWorkers: 0, maxRetries: -1 }));
    expect((error as Error).message).toMatch(/^config: invalid hypervisor config: maxWorkers: .*; maxRetries: /);
  });

  it('makes createRun throw `invalid_config` before anything runs', () => {
    const scheduler = new VirtualTimeScheduler();
    const runner = createFakeRunner({ scheduler });
    const error = thrownBy(() => createRun(definePlan([{ id: 1 }]), { maxWorkers: -2 }, { runner }));
    expect(isCoreError(error) && error.code).toBe('invalid_config');
    expect(runner.calls).toHaveLength(0);
  });
});

// Each field against its default: the only change between the two runs is the field, and the runs differ.
describe('each hypervisor config field changes the run', () => {
  const twoFree = [phase(1, 100), phase(2, 100)];
  const compare = async (phases: Parameters<typeof runPlan>[0], base: HypervisorConfigInput, changed: HypervisorConfigInput, options: RunPlanOptions = {}): Promise<[PlayedRun, PlayedRun]> => [
    await runPlan(phases, base, options),
    await runPlan(phases, { ...base, ...changed }, options),
  ];

  it('mode: parallel runs independent phases side by side, sequential one at a time', async () => {
    const [sequential, parallel] = await compare(twoFree, { groupPolicy: 'ignore' }, { mode: 'parallel' });
    expect([replayConcurrency(sequential.events).peak, replayConcurrency(parallel.events).peak]).toEqual([1, 2]);
  });

  it('maxWorkers bounds how many phases run at once', async () => {
    const [four, two] = await compare([...twoFree, phase(3, 100), phase(4, 100)], { mode: 'parallel', groupPolicy: 'ignore' }, { maxWorkers: 2 });
    expect([replayConcurrency(four.events).peak, replayConcurrency(two.events).peak]).toEqual([4, 2]);
  });

  it('timeoutPerPhaseMs fails an attempt that runs longer', async () => {
    const [roomy, tight] = await compare([phase(1, 100)], { maxRetries: 0 }, { timeoutPerPhaseMs: 50 });
    expect([statuses(roomy.summary)[1], statuses(tight.summary)[1]]).toEqual(['success', 'failed']);
  });

  it('maxRetries sets how many attempts a failing phase gets', async () => {
    const script = { 1: [fail(1, 'a'), fail(1, 'b'), fail(1, 'c'), fail(1, 'd'), fail(1, 'e')] };
    const [three, none] = await compare([phase(1, 1)], {}, { maxRetries: 0 }, { script });
    expect([three.summary?.phases[0]?.attempts, none.summary?.phases[0]?.attempts]).toEqual([4, 1]);
  });

  it('backoff sets the waits between attempts', async () => {
    const script = { 1: [fail(1, 'a'), fail(1, 'b'), succeed(1)] };
    const [standard, slow] = await compare([phase(1, 1)], {}, { backoff: { initialMs: 300, factor: 3 } }, { script });
    expect(eventsOf(standard.events, 'phase:retrying').map((event) => event.delayMs)).toEqual([1_000, 2_000]);
    expect(eventsOf(slow.events, 'phase:retrying').map((event) => event.delayMs)).toEqual([300, 900]);
  });

  it('qualityThreshold turns a low-quality success into `partial`', async () => {
    const [unjudged, judged] = await compare([phase(1, 1)], {}, { qualityThreshold: 0.9 }, { script: { 1: [succeed(1, { quality: 0.6 })] } });
    expect([statuses(unjudged.summary)[1], statuses(judged.summary)[1]]).toEqual(['success', 'partial']);
  });

  it('partialSatisfiesDependents lets the dependents of a partial phase run', async () => {
    const options = { script: { 1: [succeed(1, { quality: 0.6 })] } };
    const [blocked, satisfied] = await compare([phase(1, 1), phase(2, 1, { dependsOn: [1] })], { qualityThreshold: 0.9 }, { partialSatisfiesDependents: true }, options);
    expect([statuses(blocked.summary)[2], statuses(satisfied.summary)[2]]).toEqual(['skipped', 'success']);
  });

  it('keepGoing runs the phases a failure does not block', async () => {
    const [failFast, keepGoing] = await compare(twoFree, { maxRetries: 0 }, { keepGoing: true }, { script: { 1: [fail(1, 'a')] } });
    expect([statuses(failFast.summary)[2], statuses(keepGoing.summary)[2]]).toEqual(['skipped', 'success']);
  });

  it('groupPolicy `ignore` lets phases without a group run side by side', async () => {
    const [strict, ignore] = await compare(twoFree, { mode: 'parallel' }, { groupPolicy: 'ignore' });
    expect([replayConcurrency(strict.events).peak, replayConcurrency(ignore.events).peak]).toEqual([1, 2]);
  });

  it('breaker sets how many consecutive failures open the circuit', async () => {
    const [standard, touchy] = await compare(twoFree, { maxRetries: 0, keepGoing: true }, { breaker: { threshold: 1, cooldownMs: 1_000 } }, { script: { 1: [fail(1, 'a')] } });
    expect([eventsOf(standard.events, 'breaker:opened').length, eventsOf(touchy.events, 'breaker:opened').length]).toEqual([0, 1]);
    expect([statuses(standard.summary)[2], statuses(touchy.summary)[2]]).toEqual(['success', 'skipped']);
  });

  it('stallWindowMs sets how long a parallel run may go without a phase finishing', async () => {
    const [patient, watchful] = await compare(twoFree, { mode: 'parallel', groupPolicy: 'ignore' }, { stallWindowMs: 50 });
    expect([eventsOf(patient.events, 'mode:fell-back').length, eventsOf(watchful.events, 'mode:fell-back').length]).toEqual([0, 1]);
  });

  it('rateLimitWaitMs sets the wait after a rate limit without a reset time', async () => {
    const [standard, short] = await compare([phase(1, 1)], {}, { rateLimitWaitMs: 1_000 }, { script: { 1: [rateLimit(1), succeed(1)] } });
    expect([eventsOf(standard.events, 'phase:retrying')[0]?.delayMs, eventsOf(short.events, 'phase:retrying')[0]?.delayMs]).toEqual([300_000, 1_000]);
  });

  it('force runs a phase that resume would skip', async () => {
    const plan = definePlan([phase(1, 1)]);
    const records = { 1: recordOf(plan.phases[0] as (typeof plan.phases)[number], 'success') };
    const resumed = await runPlan(plan, {}, { ports: { store: createMemoryStore({ records }) } });
    const forced = await runPlan(plan, { force: true }, { ports: { store: createMemoryStore({ records }) } });
    expect([resumed.runner.calls.length, forced.runner.calls.length]).toEqual([0, 1]);
  });
});
