import { describe, expect, it } from '@jest/globals';
import { parsePhaseCheckpoint } from '@kazuba/toon';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseRun } from './phase-run.js';
import { buildPhaseRecord, buildSummary, countStatuses } from './run-records.js';

const plan = definePlan([{ id: 1, name: 'Parser' }, { id: 2, canSkip: true }, { id: 3 }]);
const parser = plan.phases[0] as (typeof plan.phases)[number];
const context = { runId: 'run-9', hypervisorVersion: '0.1.0' };

function runOf(fields: Partial<PhaseRun>): PhaseRun {
  return { status: 'success', attempts: 1, waitingOn: 0, satisfies: true, ...fields };
}

describe('buildPhaseRecord', () => {
  it('records the phase, its status, attempts, times, hash and run', () => {
    const record = buildPhaseRecord(parser, runOf({ attempts: 2, startedAtMs: 1_000, finishedAtMs: 4_500 }), 'success', context);
    expect(record).toEqual({
      kind: 'kazuba.hypervisor.phase',
      schema_version: 1,
      phase_id: 1,
      phase_title: 'Parser',
      status: 'success',
      attempts: 2,
      started_at: '1970-01-01T00:00:01.000Z',
      finished_at: '1970-01-01T00:00:04.500Z',
      duration_ms: 3_500,
      phase_hash: parser.hash,
      hypervisor_version: '0.1.0',
      run_id: 'run-9',
    });
    expect(parsePhaseCheckpoint(record)).toEqual(record);
  });

  it("records the agent's report, the validation, the script's own checkpoint and the error, in snake_case", () => {
    const run = runOf({
      status: 'failed',
      startedAtMs: 0,
      agent: { profile: 'claude', exitCode: null },
      validation: { script: 'v.sh', passed: false, exitCode: 2, outputTail: 'FAIL' },
      scriptCheckpoint: { results: { overall: 'FAIL' } },
      error: { name: 'ValidationError', code: 'validation_failed', message: 'v.sh exited 2' },
    });
    const record = buildPhaseRecord(parser, run, 'failed', context);
    expect(record).toMatchObject({
      finished_at: '1970-01-01T00:00:00.000Z',
      duration_ms: 0,
      agent: { profile: 'claude', exit_code: null },
      validation: { script: 'v.sh', passed: false, exit_code: 2, output_tail: 'FAIL' },
      script_checkpoint: { results: { overall: 'FAIL' } },
      error: { code: 'validation_failed', message: 'v.sh exited 2' },
    });
    expect(record.agent).toEqual({ profile: 'claude', exit_code: null });
    expect(parsePhaseCheckpoint(record)).toEqual(record);
  });

  it('records the model asked for and the tools the agent was denied, in a record the checkpoint schema accepts', () => {
    const agent = { profile: 'claude', exitCode: 0, turns: 4, costUsd: 0.5, sessionId: 's-1', model: 'opus', permissionDenials: ['Write', 'Bash'] };
    const record = buildPhaseRecord(parser, runOf({ status: 'partial', agent }), 'partial', context);
    expect(record.agent).toEqual({ profile: 'claude', exit_code: 0, turns: 4, cost_usd: 0.5, session_id: 's-1', model: 'opus', permission_denials: ['Write', 'Bash'] });
    expect(parsePhaseCheckpoint(record)).toEqual(record);
  });

  it("records the validation script's quality of the last attempt, and none for a phase whose script gave none", () => {
    const scored = buildPhaseRecord(parser, runOf({ quality: 0.85 }), 'success', context);
    expect(scored.quality).toBe(0.85);
    expect(parsePhaseCheckpoint(scored)).toEqual(scored);
    expect(buildPhaseRecord(parser, runOf({}), 'success', context)).not.toHaveProperty('quality');
  });

  it("names an error without a code by its name, and leaves an earlier attempt's error out of a success", () => {
    const error = { name: 'TypeError', message: 'x is undefined' };
    expect(buildPhaseRecord(parser, runOf({ error }), 'cancelled', context).error).toEqual({ code: 'TypeError', message: 'x is undefined' });
    expect(buildPhaseRecord(parser, runOf({ error }), 'success', context)).not.toHaveProperty('error');
  });
});

describe('countStatuses', () => {
  it('counts every status, zero for those no phase has', () => {
    expect(countStatuses([runOf({ status: 'failed' }), runOf({ status: 'failed' }), runOf({ status: 'queued' })])).toEqual({
      pending: 0,
      queued: 1,
      running: 0,
      validating: 0,
      success: 0,
      partial: 0,
      failed: 2,
      skipped: 0,
      cancelled: 0,
    });
  });
});

describe('buildSummary', () => {
  const runs = (two: Partial<PhaseRun>, three: Partial<PhaseRun> = {}): Map<number, PhaseRun> =>
    new Map([
      [1, runOf({ startedAtMs: 10, finishedAtMs: 30 })],
      [2, runOf(two)],
      [3, runOf(three)],
    ]);

  it('succeeds when every phase succeeded, satisfies its dependents, or may be skipped', () => {
    const summary = buildSummary(plan, runs({ status: 'failed', satisfies: false }, { status: 'skipped', satisfies: true, attempts: 0, reason: 'already complete' }), { cancelled: false, durationMs: 99 });
    expect(summary.outcome).toBe('succeeded');
    expect(summary.durationMs).toBe(99);
    expect(summary.phases).toEqual([
      { phaseId: 1, status: 'success', attempts: 1, durationMs: 20 },
      { phaseId: 2, status: 'failed', attempts: 1, durationMs: 0 },
      { phaseId: 3, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' },
    ]);
  });

  it('fails when a phase that may not be skipped did not succeed, and is cancelled when the run was', () => {
    const failing = runs({}, { status: 'partial', satisfies: false });
    expect(buildSummary(plan, failing, { cancelled: false, durationMs: 1 }).outcome).toBe('failed');
    expect(buildSummary(plan, failing, { cancelled: true, durationMs: 1 }).outcome).toBe('cancelled');
  });
});
