import { describe, expect, it } from '@jest/globals';
import type { VirtualTimeScheduler } from 'rxjs';
import { rateLimit, succeed } from '../schedule/__fixtures__/fake-runner.js';
import type { ScriptStep } from '../schedule/__fixtures__/fake-runner.js';
import { phase, runPlan } from '../schedule/__fixtures__/run-harness.js';
import type { HarnessRun } from '../schedule/__fixtures__/run-harness.js';
import { buildRunReport } from './build-run-report.js';
import type { BuildRunReportInput } from './build-run-report.js';
import type { ReportBar, RunReport } from './run-report.js';

const parallel = { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', backoff: { initialMs: 100, jitter: 0 } } as const;

// 1 and 2 start at 0; 2 fails at 50 and waits 100 ms for its retry, holding its worker; 3 (after 1) and 4 take the other.
const plan = [phase(1, 100), phase(2, 100), phase(3, 50, { dependsOn: [1] }), phase(4, 30)];

function failWithReport(after: number, message: string, agent: { costUsd: number; turns: number; model: string }): ScriptStep {
  return { after, result: { outcome: 'failed', error: { name: 'PhaseFailure', message }, agent: { profile: 'claude', exitCode: 1, ...agent } } };
}

const retryScript = {
  2: [
    failWithReport(50, 'tests failed', { costUsd: 0.25, turns: 3, model: 'opus' }),
    succeed(60, { agent: { profile: 'claude', exitCode: 0, costUsd: 0.5, turns: 5, model: 'sonnet' } }),
  ],
};

function reportOf(run: HarnessRun, options: Omit<BuildRunReportInput, 'plan' | 'events'> = {}): RunReport {
  return buildRunReport({ plan: run.plan, events: run.events, ...options });
}

/** What a Gantt chart draws of each bar: kind, phase, attempt, start, end, lane and how it ended. */
function drawn(bars: readonly ReportBar[]): unknown[] {
  return bars.map((bar) => [bar.kind, bar.phaseId, bar.attempt, bar.startMs, bar.endMs, bar.lane, bar.kind === 'attempt' ? bar.outcome : bar.wait]);
}

function abortAt(ms: number): (scheduler: VirtualTimeScheduler) => { signal: AbortSignal } {
  const controller = new AbortController();
  return (scheduler) => {
    scheduler.schedule(() => controller.abort(), ms);
    return { signal: controller.signal };
  };
}

describe('buildRunReport timeline', () => {
  it('puts each phase on the lowest free worker lane, one bar per attempt, and the backoff as a wait on its lane', async () => {
    const report = reportOf(await runPlan(plan, parallel, { script: retryScript }));
    expect(drawn(report.bars)).toEqual([
      ['attempt', 1, 1, 0, 100, 0, 'succeeded'],
      ['attempt', 2, 1, 0, 50, 1, 'failed'],
      ['wait', 2, 1, 50, 150, 1, 'backoff'],
      ['attempt', 3, 1, 100, 150, 0, 'succeeded'],
      ['attempt', 2, 2, 150, 210, 1, 'succeeded'],
      ['attempt', 4, 1, 150, 180, 0, 'succeeded'],
    ]);
    expect(report.lanes).toEqual([
      { lane: 0, phaseIds: [1, 3, 4], busyMs: 180 },
      { lane: 1, phaseIds: [2], busyMs: 110 },
    ]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("shows each attempt's failure, agent report and the wait it announced", async () => {
    const report = reportOf(await runPlan(plan, parallel, { script: retryScript }));
    const ofPhase2 = report.bars.filter((bar) => bar.phaseId === 2);
    expect(ofPhase2).toEqual([
      expect.objectContaining({ kind: 'attempt', attempt: 1, outcome: 'failed', reason: 'tests failed', costUsd: 0.25, turns: 3, model: 'opus' }),
      expect.objectContaining({ kind: 'wait', attempt: 1, wait: 'backoff', plannedMs: 100, reason: 'tests failed', open: false }),
      expect.objectContaining({ kind: 'attempt', attempt: 2, outcome: 'succeeded', costUsd: 0.5, turns: 5, model: 'sonnet' }),
    ]);
    expect(ofPhase2[2]).not.toHaveProperty('reason');
  });

  it('sums the header and the phase rows over the attempts', async () => {
    const report = reportOf(await runPlan(plan, parallel, { script: retryScript }), { groupPolicy: 'ignore' });
    expect(report.header).toMatchObject({
      plan: 'test-plan',
      runId: 'run-1',
      outcome: 'succeeded',
      startedAt: 0,
      wallMs: 210,
      workers: 2,
      mode: 'parallel',
      retries: 1,
      rateLimitWaits: 0,
      costUsd: 0.75,
      turns: 8,
      makespanMs: { predicted: 150, real: 210 },
    });
    expect(report.header.phasesByStatus).toMatchObject({ success: 4, failed: 0, running: 0, pending: 0 });
    expect(report.phases.find((row) => row.phaseId === 2)).toEqual({
      phaseId: 2,
      title: 'Phase 2',
      status: 'success',
      attempts: 2,
      durationMs: 210,
      estimateMs: 100,
      costUsd: 0.75,
      turns: 8,
      model: 'sonnet',
      checkpoint: 'checkpoints/phase_02.toon',
      critical: false,
    });
    expect(report.phases.find((row) => row.phaseId === 4)).not.toHaveProperty('costUsd');
  });

  it('shows a rate-limit wait as its own bar that spends no retry, the attempt then running again with the same number', async () => {
    const report = reportOf(await runPlan([phase(1, 10)], { rateLimitWaitMs: 500 }, { script: { 1: [rateLimit(10), succeed(20)] } }));
    expect(drawn(report.bars)).toEqual([
      ['attempt', 1, 1, 0, 10, 0, 'rate-limited'],
      ['wait', 1, 1, 10, 510, 0, 'rate-limit'],
      ['attempt', 1, 1, 510, 530, 0, 'succeeded'],
    ]);
    expect(report.bars[0]).toMatchObject({ reason: 'usage limit reached' });
    expect(report.header).toMatchObject({ retries: 0, rateLimitWaits: 1, workers: 1, mode: 'sequential' });
    expect(report.lanes).toEqual([{ lane: 0, phaseIds: [1], busyMs: 30 }]);
    expect(report.phases[0]).toMatchObject({ status: 'success', attempts: 1, durationMs: 530 });
  });

  it('reports a run without run:finished as running, open attempts and waits ending at the last event', async () => {
    const progress = [{ turns: 2, costUsd: 0.1, model: 'haiku' }];
    const script = { 1: [{ after: 40, progress, result: { outcome: 'succeeded' as const } }], 2: [{ hang: true as const }], 4: [{ hang: true as const }] };
    const report = reportOf(await runPlan(plan, parallel, { script, unsubscribeAt: 70 }));
    expect(report.header).toMatchObject({ outcome: 'running', wallMs: 40, costUsd: 0.1, turns: 2 });
    expect(drawn(report.bars)).toEqual([
      ['attempt', 1, 1, 0, 40, 0, 'succeeded'],
      ['attempt', 2, 1, 0, 40, 1, 'running'],
      ['attempt', 3, 1, 40, 40, 0, 'running'],
    ]);
    expect(report.phases.map((row) => [row.phaseId, row.status, row.durationMs])).toEqual([
      [1, 'success', 40],
      [2, 'running', 40],
      [3, 'running', 0],
      [4, 'queued', undefined],
    ]);
    expect(report.header.phasesByStatus).toMatchObject({ success: 1, running: 2, queued: 1 });
  });

  it('ends a snapshot at the time it was taken, with a phase waiting for its retry shown waiting', async () => {
    const script = { 1: [failWithReport(10, 'flaky', { costUsd: 0.1, turns: 1, model: 'opus' })] };
    const run = await runPlan([phase(1, 10), phase(2, 10, { dependsOn: [1] })], { backoff: { initialMs: 1_000, jitter: 0 } }, { script, unsubscribeAt: 500 });
    const report = reportOf(run, { snapshotAt: 300 });
    expect(report.header).toMatchObject({ outcome: 'running', wallMs: 300, makespanMs: { predicted: 20, real: 300 } });
    expect(report.bars.at(-1)).toMatchObject({ kind: 'wait', startMs: 10, endMs: 300, plannedMs: 1_000, open: true });
    expect(report.phases.map((row) => row.status)).toEqual(['waiting', 'pending']);
  });

  it('reports a cancelled run as interrupted, with its running attempts and waits ended where the cancel came', async () => {
    const script = { 2: [failWithReport(20, 'flaky', { costUsd: 0.1, turns: 1, model: 'opus' })] };
    const run = await runPlan(plan, { ...parallel, backoff: { initialMs: 1_000, jitter: 0 } }, { script, portsOn: abortAt(60) });
    const report = reportOf(run, { snapshotAt: 10_000 });
    expect(report.header).toMatchObject({ outcome: 'interrupted', wallMs: 60 });
    expect(drawn(report.bars)).toEqual([
      ['attempt', 1, 1, 0, 60, 0, 'cancelled'],
      ['attempt', 2, 1, 0, 20, 1, 'failed'],
      ['wait', 2, 1, 20, 60, 1, 'backoff'],
    ]);
    expect(report.bars[0]).toMatchObject({ reason: 'cancelled' });
    expect(report.phases.map((row) => [row.phaseId, row.status, row.attempts])).toEqual([
      [1, 'cancelled', 1],
      [2, 'cancelled', 1],
      [3, 'cancelled', 0],
      [4, 'cancelled', 0],
    ]);
    // Phase 2's agent report came with its failed attempt; the cancel that ends its wait does not count it twice.
    expect(report.header.costUsd).toBe(0.1);
  });
});
