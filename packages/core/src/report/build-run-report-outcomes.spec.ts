import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { asyncScheduler } from 'rxjs';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import { createRun } from '../schedule/create-run.js';
import { createFakeRunner, fail, succeed } from '../schedule/__fixtures__/fake-runner.js';
import type { ScriptStep } from '../schedule/__fixtures__/fake-runner.js';
import { playRunOnFakeTimers } from '../schedule/__fixtures__/play-run.js';
import { phase, runPlan } from '../schedule/__fixtures__/run-harness.js';
import { buildRunReport } from './build-run-report.js';

const backoff = { initialMs: 100, factor: 1, maxMs: 100, jitter: 0 };
const costing = (after: number, costUsd: number): ScriptStep => succeed(after, { agent: { profile: 'claude', exitCode: 0, costUsd } });

type Unstamped = HypervisorEvent extends infer E ? (E extends HypervisorEvent ? Omit<E, 'seq' | 'runId' | 'timestamp'> : never) : never;

/** Events as a run would emit them, one per `[time, event]`, of run `runId`. */
function stamped(entries: readonly (readonly [number, Unstamped])[], runId = 'run-1'): HypervisorEvent[] {
  return entries.map(([timestamp, event], seq) => ({ ...event, runId, seq, timestamp }) as HypervisorEvent);
}

describe('buildRunReport outcomes', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reports a failed run: the failing attempts, the phase failure and the phases it left skipped', async () => {
    const plan = [phase(1, 10), phase(2, 10, { dependsOn: [1] }), phase(3, 10)];
    const run = await runPlan(plan, { maxRetries: 1, backoff }, { script: { 1: [fail(10, 'tests failed'), fail(10, 'still failing')] } });
    const report = buildRunReport({ plan: run.plan, events: run.events });
    expect(report.header).toMatchObject({ outcome: 'failed', wallMs: 120, retries: 1 });
    expect(report.header.phasesByStatus).toMatchObject({ failed: 1, skipped: 2, success: 0 });
    expect(report.bars.map((bar) => [bar.kind, bar.attempt, bar.kind === 'attempt' ? bar.outcome : bar.wait, bar.reason])).toEqual([
      ['attempt', 1, 'failed', 'tests failed'],
      ['wait', 1, 'backoff', 'tests failed'],
      ['attempt', 2, 'failed', 'still failing'],
    ]);
    expect(report.phases.map((row) => [row.phaseId, row.status, row.attempts, row.reason])).toEqual([
      [1, 'failed', 2, 'still failing'],
      [2, 'skipped', 0, 'dependency 1 failed'],
      [3, 'skipped', 0, 'not started: phase 1 failed'],
    ]);
    expect(report.phases[0]?.error).toMatchObject({ message: 'still failing', code: 'phase_failed' });
    expect(report.phases[1]).not.toHaveProperty('durationMs');
  });

  it("shows in each phase's row the quality its validation script gave, and none for a phase whose script gave none", async () => {
    const plan = [phase(1, 10), phase(2, 10), phase(3, 10)];
    const script = { 1: [succeed(10, { quality: 0.85 })], 2: [succeed(10, { quality: 0.4 })] };
    const run = await runPlan(plan, { qualityThreshold: 0.5, keepGoing: true }, { script });
    const report = buildRunReport({ plan: run.plan, events: run.events });
    expect(report.phases.map((row) => [row.phaseId, row.status, row.quality, row.reason])).toEqual([
      [1, 'success', 0.85, undefined],
      [2, 'partial', 0.4, 'quality 0.4 below 0.5'],
      [3, 'success', undefined, undefined],
    ]);
    expect(report.phases[2]).not.toHaveProperty('quality');
  });

  it('names the answer no retry could fix that stopped the run', async () => {
    const notLoggedIn = { name: 'AgentError', code: 'not_logged_in', message: 'claude is not logged in: run claude login' };
    const run = await runPlan([phase(1, 10)], {}, { script: { 1: [{ after: 10, result: { outcome: 'fatal', error: notLoggedIn } }] } });
    const report = buildRunReport({ plan: run.plan, events: run.events });
    expect(report.header).toMatchObject({ outcome: 'failed', fatal: { phaseId: 1, error: notLoggedIn } });
    expect(report.bars[0]).toMatchObject({ outcome: 'failed', reason: notLoggedIn.message });
  });

  it('marks the breaker on the time axis, and draws a retry it held back as one wait longer than the backoff', async () => {
    jest.useFakeTimers({ now: 0 });
    const runner = createFakeRunner({ scheduler: asyncScheduler, script: { 1: [fail(10, 'a'), fail(10, 'b'), succeed(10)] } });
    const plan = definePlan([phase(1, 10)]);
    const config = { maxRetries: 3, backoff, breaker: { threshold: 2, cooldownMs: 1_000 } };
    const run = await playRunOnFakeTimers(createRun(plan, config, { runner, scheduler: asyncScheduler, runId: 'run-1', random: () => 0.5 }));
    const report = buildRunReport({ plan, events: run.events });
    expect(report.markers.map((marker) => [marker.kind, marker.atMs])).toEqual([
      ['breaker-opened', 120],
      ['breaker-half-opened', 1_120],
      ['breaker-closed', 1_130],
    ]);
    expect(report.markers[0]?.text).toBe('breaker opened after 2 consecutive failures');
    const waits = report.bars.filter((bar) => bar.kind === 'wait');
    expect(waits.map((bar) => [bar.startMs, bar.endMs, bar.plannedMs])).toEqual([
      [10, 110, 100],
      [120, 1_120, 100],
    ]);
  });

  it('marks where the run reached its budget', async () => {
    const plan = [phase(1, 10), phase(2, 10)];
    const run = await runPlan(plan, { maxCostUsd: 1 }, { script: { 1: [costing(10, 1.5)] } });
    const report = buildRunReport({ plan: run.plan, events: run.events });
    expect(report.markers).toEqual([{ atMs: 10, kind: 'budget-reached', text: 'budget reached: $1.50 of $1.00' }]);
    expect(report.phases[1]).toMatchObject({ status: 'skipped', reason: 'budget' });
    expect(report.header.costUsd).toBe(1.5);
  });

  it('marks a breaker restored from an earlier run and a fall-back to sequential mode, with times from the run start', () => {
    const plan = definePlan([phase(1, 10)], { name: 'demo' });
    const events = stamped([
      [5_000, { type: 'run:started', plan: 'demo', phaseIds: [1], mode: 'parallel', maxWorkers: 4 }],
      [5_000, { type: 'breaker:restored', state: 'half-open', fromRunId: 'run-0', openedAt: 1_000, remainingMs: 0 }],
      [5_300, { type: 'mode:fell-back', from: 'parallel', to: 'sequential', reason: 'no phase finished for 300 ms' }],
    ]);
    const report = buildRunReport({ plan, events });
    expect(report.markers).toEqual([
      { atMs: 0, kind: 'breaker-restored', text: 'breaker half-open, as run run-0 left it' },
      { atMs: 300, kind: 'mode-fell-back', text: 'parallel → sequential: no phase finished for 300 ms' },
    ]);
    expect(report.header).toMatchObject({ startedAt: 5_000, wallMs: 300, workers: 4, outcome: 'running' });
  });

  it('reads only the events of the run that its first run:started opened', () => {
    const plan = definePlan([phase(1, 10)]);
    const events = [
      ...stamped([
        [0, { type: 'run:started', plan: 'p', phaseIds: [1], mode: 'sequential', maxWorkers: 1 }],
        [0, { type: 'phase:started', phaseId: 1, attempt: 1 }],
      ]),
      ...stamped([[50, { type: 'phase:finished', phaseId: 1, status: 'success', attempts: 1, durationMs: 50 }]], 'run-2'),
    ];
    const report = buildRunReport({ plan, events, snapshotAt: 20 });
    expect(report.bars).toEqual([expect.objectContaining({ phaseId: 1, outcome: 'running', startMs: 0, endMs: 20 })]);
    expect(report.header).toMatchObject({ runId: 'run-1', outcome: 'running' });
  });

  it("names each attempt's agent as phase:started says, else as the phase asks, and keeps the agent's progress of an open attempt", () => {
    const plan = definePlan([phase(1, 10, { agent: 'codex' }), phase(2, 10), phase(3, 10)]);
    const events = stamped([
      [0, { type: 'run:started', plan: 'p', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }],
      [0, { type: 'phase:started', phaseId: 1, attempt: 1 }],
      [0, { type: 'phase:started', phaseId: 2, attempt: 1, agent: 'gemini' }],
      [5, { type: 'phase:agent', phaseId: 2, attempt: 1, turns: 2, costUsd: 0.05, model: 'gemini-pro', tool: 'Edit a.ts' }],
      [6, { type: 'phase:agent', phaseId: 3, attempt: 1, turns: 9 }],
    ]);
    const report = buildRunReport({ plan, events });
    expect(report.bars.map((bar) => (bar.kind === 'attempt' ? [bar.agent, bar.model, bar.turns, bar.costUsd] : []))).toEqual([
      ['codex', undefined, undefined, undefined],
      ['gemini', 'gemini-pro', 2, 0.05],
    ]);
    expect(report.phases.map((row) => [row.status, row.agent, row.turns])).toEqual([
      ['running', 'codex', undefined],
      ['running', 'gemini', 2],
      ['pending', undefined, undefined],
    ]);
  });

  it('refuses events that hold no run:started, naming the plan', () => {
    const plan = definePlan([phase(1, 10)] as PhaseDefinition[], { name: 'demo' });
    expect(() => buildRunReport({ plan, events: [] })).toThrow(new RangeError('the events of plan demo hold no run:started: nothing to report'));
  });
});
