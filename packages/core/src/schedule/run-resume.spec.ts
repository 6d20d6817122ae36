import { describe, expect, it } from '@jest/globals';
import { parsePhaseCheckpoint } from '@kazuba/toon';
import { hashPhaseSource } from '../checkpoint/phase-hash.js';
import { definePlan } from '../plan/define-plan.js';
import type { Plan } from '../plan/plan.js';
import { fail, succeed } from './__fixtures__/fake-runner.js';
import { createMemoryStore, recordOf } from './__fixtures__/memory-store.js';
import type { MemoryStoreOptions } from './__fixtures__/memory-store.js';
import { eventsOf, reasons, statuses } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

const plan = definePlan([phase(1, 10), phase(2, 10, { dependsOn: [1] }), phase(3, 10, { dependsOn: [2] }), phase(4, 10)], { name: 'test-plan' });
const at = (id: number): Plan['phases'][number] => plan.byId.get(id) as Plan['phases'][number];

function storeWith(records: Readonly<Record<number, unknown>>, faults: Omit<MemoryStoreOptions, 'records'> = {}): ReturnType<typeof createMemoryStore> {
  return createMemoryStore({ records, ...faults });
}

describe('createRun resume', () => {
  it('skips a phase whose record is a success for the same phase hash (`already complete`) and counts it as done for its dependents', async () => {
    const store = storeWith({ 1: recordOf(at(1), 'success') });
    const run = await runPlan(plan, {}, { ports: { store } });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([2, 3, 4]);
    expect(run.summary?.phases[0]).toEqual({ phaseId: 1, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' });
    expect(run.summary?.outcome).toBe('succeeded');
  });

  it('runs exactly the phases not complete when a whole chain is complete, each phase ending once', async () => {
    const store = storeWith({ 1: recordOf(at(1), 'success'), 2: recordOf(at(2), 'success') });
    const run = await runPlan(plan, { mode: 'parallel', maxWorkers: 2, groupPolicy: 'ignore' }, { ports: { store } });
    expect(run.runner.calls.map((call) => call.phaseId).sort()).toEqual([3, 4]);
    expect(eventsOf(run.events, 'phase:finished').map((event) => event.phaseId).sort()).toEqual([1, 2, 3, 4]);
    expect(eventsOf(run.events, 'phase:queued').map((event) => event.phaseId).sort()).toEqual([3, 4]);
    expect(statuses(run.summary)).toEqual({ 1: 'skipped', 2: 'skipped', 3: 'success', 4: 'success' });
  });

  it('runs a phase again when its record is for a changed phase, or records no success', async () => {
    const store = storeWith({ 1: recordOf(at(1), 'success', { phase_hash: hashPhaseSource('an older definition') }), 4: recordOf(at(4), 'failed') });
    const run = await runPlan(plan, {}, { ports: { store } });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([1, 2, 3, 4]);
  });

  it("counts a success recorded by the original's tooling, which has no hash", async () => {
    const store = storeWith({ 4: { phase_id: 4, results: { overall: 'PASS' } } });
    const run = await runPlan(plan, {}, { ports: { store } });
    expect(reasons(run.summary)[4]).toBe('already complete');
  });

  it('with `force` ignores every record, without reading one', async () => {
    const store = storeWith({ 1: recordOf(at(1), 'success'), 4: recordOf(at(4), 'success') });
    const run = await runPlan(plan, { force: true }, { ports: { store } });
    expect(store.reads).toEqual([]);
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([1, 2, 3, 4]);
  });

  it('runs a phase again when its record cannot be read, whether the read rejects or throws', async () => {
    const readFaults = { 1: { reject: new Error('corrupt') }, 4: { throw: new Error('EACCES') } };
    const store = storeWith({ 1: recordOf(at(1), 'success'), 4: recordOf(at(4), 'success') }, { readFaults });
    const run = await runPlan(plan, {}, { ports: { store } });
    expect(run.runner.calls.map((call) => call.phaseId)).toEqual([1, 2, 3, 4]);
  });

  it('lets a second run over the same store skip exactly the phases the first one completed', async () => {
    const store = createMemoryStore();
    const first = await runPlan(plan, { maxRetries: 0 }, { ports: { store }, script: { 2: [fail(10, 'flaky')] } });
    expect(statuses(first.summary)).toEqual({ 1: 'success', 2: 'failed', 3: 'skipped', 4: 'skipped' });
    const second = await runPlan(plan, { maxRetries: 0 }, { ports: { store } });
    expect(second.runner.calls.map((call) => call.phaseId)).toEqual([2, 3, 4]);
    expect(second.summary?.outcome).toBe('succeeded');
  });
});

describe('createRun records', () => {
  const agent = { profile: 'claude', exitCode: 0, isError: false, subtype: 'success', turns: 12, costUsd: 0.42, sessionId: 'session-7' };
  const validation = { script: 'validate.sh', passed: true, exitCode: 0, outputTail: 'all green' };

  it('writes a valid record after each phase that ran: status, attempts, times, hash, run, agent and validation', async () => {
    const store = createMemoryStore();
    const run = await runPlan(plan, { maxRetries: 1, backoff: { initialMs: 100, jitter: 0 } }, {
      ports: { store, hypervisorVersion: '1.2.3' },
      script: { 1: [fail(10, 'flaky'), succeed(20, { agent, validation, scriptCheckpoint: { tests: 42 } })] },
    });
    expect(store.writes.map((write) => write.phaseId)).toEqual([1, 2, 3, 4]);
    for (const write of store.writes) expect(parsePhaseCheckpoint(write.record)).toEqual(write.record);
    expect(store.writes[0]?.record).toEqual({
      kind: 'kazuba.hypervisor.phase',
      schema_version: 1,
      phase_id: 1,
      phase_title: 'Phase 1',
      status: 'success',
      attempts: 2,
      started_at: '1970-01-01T00:00:00.000Z',
      finished_at: '1970-01-01T00:00:00.130Z',
      duration_ms: 130,
      phase_hash: at(1).hash,
      hypervisor_version: '1.2.3',
      run_id: 'run-1',
      agent: { profile: 'claude', exit_code: 0, is_error: false, subtype: 'success', turns: 12, cost_usd: 0.42, session_id: 'session-7' },
      validation: { script: 'validate.sh', passed: true, exit_code: 0, output_tail: 'all green' },
      script_checkpoint: { tests: 42 },
    });
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({ exitCode: 0, turns: 12, costUsd: 0.42, sessionId: 'session-7' });
  });

  it("records a failed phase's error, and writes no record for the phases that never started", async () => {
    const store = createMemoryStore();
    const failure = { outcome: 'failed' as const, error: { name: 'ValidationError', message: 'validate.sh failed' }, agent: { profile: 'claude', exitCode: 1 }, validation: { ...validation, passed: false, exitCode: 1 } };
    await runPlan(plan, { maxRetries: 0 }, { ports: { store }, script: { 1: [{ after: 10, result: failure }] } });
    expect(store.writes.map((write) => write.phaseId)).toEqual([1]);
    expect(store.writes[0]?.record).toMatchObject({
      status: 'failed',
      attempts: 1,
      hypervisor_version: '0.0.0',
      error: { code: 'ValidationError', message: 'validate.sh failed' },
      agent: { profile: 'claude', exit_code: 1 },
      validation: { passed: false, exit_code: 1 },
    });
  });

  it("does not record an earlier attempt's error in the record of a phase that succeeded", async () => {
    const store = createMemoryStore();
    await runPlan([phase(1, 10)], { maxRetries: 1 }, { ports: { store }, script: { 1: [fail(10, 'flaky', 'exit_1'), succeed(10)] } });
    expect(store.writes[0]?.record.status).toBe('success');
    expect(store.writes[0]?.record).not.toHaveProperty('error');
  });

  it('emits checkpoint:failed when a record cannot be written, whether the write rejects or throws, and still finishes', async () => {
    const writeFaults = { 1: { reject: new Error('disk full') }, 4: { throw: new Error('EROFS') } };
    const store = createMemoryStore({ writeFaults });
    const run = await runPlan(plan, {}, { ports: { store } });
    expect(eventsOf(run.events, 'checkpoint:failed').map((event) => [event.phaseId, event.error.message])).toEqual([
      [1, 'disk full'],
      [4, 'EROFS'],
    ]);
    expect(run.summary?.outcome).toBe('succeeded');
    expect(run.completed).toBe(true);
  });
});
