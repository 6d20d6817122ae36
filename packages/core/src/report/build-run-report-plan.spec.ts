import { describe, expect, it } from '@jest/globals';
import { createHintEstimator } from '../graph/estimator.js';
import { definePlan } from '../plan/define-plan.js';
import { createMemoryStore, recordOf } from '../schedule/__fixtures__/memory-store.js';
import { phase, runPlan } from '../schedule/__fixtures__/run-harness.js';
import { buildRunReport } from './build-run-report.js';

const parallel = { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' } as const;

// A diamond: 1 before 2 and 3, both before 4; by the estimates 1 → 3 → 4 is the longest chain.
const diamond = [phase(1, 10), phase(2, 20, { dependsOn: [1] }), phase(3, 40, { dependsOn: [1] }), phase(4, 10, { dependsOn: [2, 3] })];

describe('buildRunReport plan analysis', () => {
  it('outlines the critical path by the estimates: its phases, its edges, its bars and rows', async () => {
    const run = await runPlan(diamond, parallel);
    const report = buildRunReport({ plan: run.plan, events: run.events });
    expect(report.criticalPath).toEqual({ phaseIds: [1, 3, 4], lengthMs: 60 });
    expect(report.edges).toEqual([
      { from: 1, to: 2, critical: false },
      { from: 1, to: 3, critical: true },
      { from: 2, to: 4, critical: false },
      { from: 3, to: 4, critical: true },
    ]);
    expect(report.bars.map((bar) => [bar.phaseId, bar.critical])).toEqual([
      [1, true],
      [3, true],
      [2, false],
      [4, true],
    ]);
    expect(report.phases.map((row) => row.critical)).toEqual([true, false, true, true]);
  });

  it('takes the estimates the run used from a map: they move the critical path, and a phase not listed has none', async () => {
    const run = await runPlan(diamond, parallel);
    const estimates = new Map([
      [1, 10],
      [2, 90],
      [4, 10],
    ]);
    const report = buildRunReport({ plan: run.plan, events: run.events, estimates, groupPolicy: 'ignore' });
    expect(report.criticalPath).toEqual({ phaseIds: [1, 2, 4], lengthMs: 110 });
    expect(report.phases.map((row) => row.estimateMs)).toEqual([10, 90, undefined, 10]);
    expect(report.header.makespanMs.predicted).toBe(110);
  });

  it("takes them from an estimator, the plan's own hints by default", async () => {
    const plan = [phase(1, 10), { id: 2, estimates: { effort: 'S' as const } }];
    const run = await runPlan(plan, {});
    expect(buildRunReport({ plan: run.plan, events: run.events }).phases.map((row) => row.estimateMs)).toEqual([10, 300_000]);
    const estimator = createHintEstimator({ effortMs: { S: 7 } });
    expect(buildRunReport({ plan: run.plan, events: run.events, estimates: estimator }).phases.map((row) => row.estimateMs)).toEqual([10, 7]);
  });

  it("predicts the makespan with the run's workers and mode, and the group policy the caller names", async () => {
    const independent = [phase(1, 30), phase(2, 30), phase(3, 30)];
    const sequential = await runPlan(independent, { mode: 'sequential', maxWorkers: 3 });
    expect(buildRunReport({ plan: sequential.plan, events: sequential.events, groupPolicy: 'ignore' }).header).toMatchObject({
      workers: 1,
      makespanMs: { predicted: 90, real: 90 },
    });
    const wide = await runPlan(independent, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' });
    expect(buildRunReport({ plan: wide.plan, events: wide.events, groupPolicy: 'ignore' }).header).toMatchObject({ workers: 2, makespanMs: { predicted: 60, real: 60 } });
    // Under the strict policy phases without a parallel_group run alone.
    expect(buildRunReport({ plan: wide.plan, events: wide.events }).header.makespanMs.predicted).toBe(90);
  });

  it('counts phases resumed as complete as taking no time in the prediction', async () => {
    const plan = definePlan([phase(1, 50), phase(2, 20, { dependsOn: [1] })], { name: 'test-plan' });
    const store = createMemoryStore({ records: { 1: recordOf(plan.phases[0] as (typeof plan.phases)[number], 'success') } });
    const run = await runPlan(plan, {}, { ports: { store } });
    const report = buildRunReport({ plan, events: run.events });
    expect(report.phases.map((row) => [row.status, row.reason, row.attempts])).toEqual([
      ['skipped', 'already complete', 0],
      ['success', undefined, 1],
    ]);
    expect(report.header.makespanMs).toEqual({ predicted: 20, real: 20 });
    expect(report.bars.map((bar) => bar.phaseId)).toEqual([2]);
  });

  it('traces the chain that set the real end back through the dependency that ended last', async () => {
    // By the estimates 2 → 3 is critical; in the run 1 takes longest, so 1 → 3 set the end.
    const plan = [phase(1, 10), phase(2, 80), phase(3, 10, { dependsOn: [1, 2] })];
    const run = await runPlan(plan, parallel, { script: { 1: [{ after: 100, result: { outcome: 'succeeded' } }] } });
    const report = buildRunReport({ plan: run.plan, events: run.events, groupPolicy: 'ignore' });
    expect(report.criticalPath.phaseIds).toEqual([2, 3]);
    expect(report.observedPath).toEqual({ phaseIds: [1, 3], lengthMs: 110 });
    expect(report.header.makespanMs).toEqual({ predicted: 90, real: 110 });
  });
});
