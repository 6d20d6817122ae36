import { describe, expect, it } from '@jest/globals';
import type { PhaseDefinition } from '../plan/define-plan.js';
import { fail, succeed } from '../schedule/__fixtures__/fake-runner.js';
import type { ScriptStep } from '../schedule/__fixtures__/fake-runner.js';
import { phase, runPlan } from '../schedule/__fixtures__/run-harness.js';
import { buildRunReport } from './build-run-report.js';
import type { ReportBar } from './run-report.js';

// Ten chains of 100 phases (each phase after the one ten ids before it); every 50th phase fails once.
const phases: PhaseDefinition[] = Array.from({ length: 1_000 }, (_, index) => {
  const id = index + 1;
  return phase(id, ((id % 7) + 1) * 10, id > 10 ? { dependsOn: [id - 10] } : {});
});
const flaky = phases.filter((definition) => definition.id % 50 === 0);
const script: Record<number, readonly ScriptStep[]> = Object.fromEntries(flaky.map((definition) => [definition.id, [fail(5, 'flaky'), succeed(5)]]));

/** Whether two attempts ever share a lane at the same time. */
function overlapsOnALane(bars: readonly ReportBar[]): boolean {
  const byLane = new Map<number, ReportBar[]>();
  for (const bar of bars) {
    const lane = byLane.get(bar.lane) ?? [];
    lane.push(bar);
    byLane.set(bar.lane, lane);
  }
  return [...byLane.values()].some((lane) => lane.some((bar, index) => index > 0 && bar.startMs < (lane[index - 1] as ReportBar).endMs));
}

describe('buildRunReport at scale', () => {
  it('reports a 1,000-phase run: every phase, attempt and wait, on no more lanes than workers, none overlapping', async () => {
    const run = await runPlan(phases, { mode: 'parallel', maxWorkers: 8, groupPolicy: 'ignore', backoff: { initialMs: 20, jitter: 0 } }, { script, maxSteps: 100_000 });
    const report = buildRunReport({ plan: run.plan, events: run.events, groupPolicy: 'ignore' });
    expect(report.header.outcome).toBe('succeeded');
    expect(report.header.phasesByStatus.success).toBe(1_000);
    expect(report.header.retries).toBe(flaky.length);
    expect(report.phases).toHaveLength(1_000);
    expect(report.phases.filter((row) => row.attempts === 2).map((row) => row.phaseId)).toEqual(flaky.map((definition) => definition.id));
    expect(report.bars.filter((bar) => bar.kind === 'attempt')).toHaveLength(1_000 + flaky.length);
    expect(report.bars.filter((bar) => bar.kind === 'wait')).toHaveLength(flaky.length);
    expect(report.lanes).toHaveLength(8);
    expect(overlapsOnALane(report.bars)).toBe(false);
    expect(new Set(report.lanes.flatMap((lane) => lane.phaseIds)).size).toBe(1_000);
    expect(report.criticalPath.phaseIds).toHaveLength(100);
    expect(report.edges).toHaveLength(990);
    expect(report.header.makespanMs.real).toBeGreaterThanOrEqual(report.criticalPath.lengthMs);
  });
});
