import { describe, expect, it } from '@jest/globals';
import type { ScriptStep } from './__fixtures__/fake-runner.js';
import { fail, succeed } from './__fixtures__/fake-runner.js';
import { eventsOf, reasons, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

const costing = (after: number, costUsd: number): ScriptStep => succeed(after, { agent: { profile: 'claude', exitCode: 0, costUsd } });
const failing = (after: number, costUsd: number): ScriptStep => ({
  after,
  result: { outcome: 'failed', error: { name: 'AgentError', code: 'validation_failed', message: 'tests fail' }, agent: { profile: 'claude', exitCode: 0, costUsd } },
});

describe('createRun budget', () => {
  it('starts no phase once the costs reach the budget: the rest end skipped, reason budget, running ones finish', async () => {
    const plan = [phase(1, 10), phase(2, 30), phase(3, 10, { dependsOn: [1] }), phase(4, 10, { dependsOn: [3] })];
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxCostUsd: 5 }, { script: { 1: [costing(10, 3)], 2: [costing(30, 1)], 3: [costing(10, 2)] } });
    expect(statuses(run.summary)).toEqual({ 1: 'success', 2: 'success', 3: 'success', 4: 'skipped' });
    expect(reasons(run.summary)[4]).toBe('budget');
    expect(eventsOf(run.events, 'budget:reached')).toEqual([expect.objectContaining({ spentUsd: 5, budgetUsd: 5, timestamp: 20 })]);
    expect(run.summary).toMatchObject({ outcome: 'failed', costUsd: 6, budgetUsd: 5 });
  });

  it('starts no retry once the budget is spent, and says so', async () => {
    const run = await runPlan([phase(1, 10)], { maxCostUsd: 1, maxRetries: 3 }, { script: { 1: [failing(10, 1.5)] } });
    expect(statuses(run.summary)).toEqual({ 1: 'failed' });
    expect(reasons(run.summary)[1]).toBe('tests fail; not retried: the budget is spent');
    expect(run.runner.callsOf(1)).toHaveLength(1);
  });

  it('ends a retry already waiting when another phase spends the budget', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 20)], { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore', maxCostUsd: 2, maxRetries: 2 }, {
      script: { 1: [fail(5, 'flaky')], 2: [costing(20, 2)] },
    });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success' });
    expect(reasons(run.summary)[1]).toBe('flaky; not tried again: the budget is spent');
    expect(run.runner.callsOf(1)).toHaveLength(1);
  });

  it("fails a phase over its own attempt budget at once, without a retry, and goes on with the others", async () => {
    const overBudget: ScriptStep = {
      after: 10,
      result: { outcome: 'failed', error: { name: 'AgentError', code: 'max_budget_usd', message: 'claude stopped at the attempt budget' }, final: true },
    };
    const run = await runPlan([phase(1, 10), phase(2, 10)], { maxRetries: 3, keepGoing: true }, { script: { 1: [overBudget] } });
    expect(statuses(run.summary)).toEqual({ 1: 'failed', 2: 'success' });
    expect(reasons(run.summary)[1]).toBe('claude stopped at the attempt budget');
    expect(run.runner.callsOf(1)).toHaveLength(1);
  });

  it('adds up the cost without a budget, and reports none when no agent said what it cost', async () => {
    const run = await runPlan([phase(1, 10), phase(2, 10)], {}, { script: { 1: [costing(10, 0.25)], 2: [costing(10, 0.5)] } });
    expect(run.summary?.costUsd).toBe(0.75);
    expect(run.summary).not.toHaveProperty('budgetUsd');
    expect((await runPlan([phase(1, 10)], {})).summary).not.toHaveProperty('costUsd');
  });
});
