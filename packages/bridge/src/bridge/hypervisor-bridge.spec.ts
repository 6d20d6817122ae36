import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEventMesh } from '@kazuba/hypervisor-v2';
import type { EventMesh, HypervisorEvent } from '@kazuba/hypervisor-v2';
import { decodeCheckpoint } from '@kazuba/toon';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Observable, Subject, from, throwError } from 'rxjs';
import { T0, cancelledRun, dryRun, mixedRun, phases, recordedRun } from '../__fixtures__/hypervisor-events.js';
import { isBridgeError } from '../errors.js';
import { readLearningEvents } from '../io/learning-event-files.js';
import { toLearningEventRows } from '../io/learning-event-table.js';
import type { LearningEvent } from '../learning-event.js';
import { createHypervisorBridge } from './hypervisor-bridge.js';

const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();
const ctx = { run_id: 'r-1', plan_name: 'plans-v2' } as const;

/** What the bridge records for {@link mixedRun} when it knows the plan's phases. */
const mixedRunEvents: LearningEvent[] = [
  {
    event_type: 'run_start',
    phase_id: null,
    duration_ms: null,
    success: null,
    metadata: { ...ctx, mode: 'parallel', max_workers: 2, phase_ids: [11, 12, 13, 14, 15] },
    timestamp: iso(0),
  },
  {
    event_type: 'phase_start',
    phase_id: 11,
    duration_ms: null,
    success: null,
    metadata: { attempt: 1, status: 'running', agent: 'claude', ...ctx, phase_hash: 'sha256:aa11' },
    timestamp: iso(1_000),
  },
  { event_type: 'phase_start', phase_id: 12, duration_ms: null, success: null, metadata: { attempt: 1, status: 'running', ...ctx, phase_hash: 'sha256:bb12' }, timestamp: iso(1_000) },
  {
    event_type: 'phase_retry',
    phase_id: 12,
    duration_ms: 3_000,
    success: false,
    metadata: { attempt: 1, ...ctx, phase_hash: 'sha256:bb12', next_attempt: 2, delay_ms: 2_000, rate_limited: false, reason: 'validation failed' },
    timestamp: iso(4_000),
  },
  { event_type: 'phase_start', phase_id: 12, duration_ms: null, success: null, metadata: { attempt: 2, status: 'running', ...ctx, phase_hash: 'sha256:bb12' }, timestamp: iso(6_000) },
  {
    event_type: 'phase_end',
    phase_id: 11,
    duration_ms: 60_000,
    success: true,
    metadata: { attempt: 1, status: 'success', exit_code: 0, agent: 'claude', turns: 14, cost_usd: 0.43, ...ctx, phase_hash: 'sha256:aa11', session_id: 's-11' },
    timestamp: iso(61_000),
  },
  { event_type: 'phase_start', phase_id: 13, duration_ms: null, success: null, metadata: { attempt: 1, status: 'running', ...ctx, phase_hash: 'sha256:cc13' }, timestamp: iso(61_000) },
  {
    event_type: 'phase_retry',
    phase_id: 13,
    duration_ms: 1_000,
    success: false,
    metadata: { attempt: 1, ...ctx, phase_hash: 'sha256:cc13', next_attempt: 1, delay_ms: 5_000, rate_limited: true, reason: 'usage limit reached' },
    timestamp: iso(62_000),
  },
  { event_type: 'phase_start', phase_id: 13, duration_ms: null, success: null, metadata: { attempt: 1, status: 'running', ...ctx, phase_hash: 'sha256:cc13' }, timestamp: iso(67_000) },
  {
    event_type: 'phase_end',
    phase_id: 12,
    duration_ms: 90_000,
    success: true,
    metadata: { attempt: 2, status: 'success', exit_code: 0, cost_usd: 0.2, ...ctx, phase_hash: 'sha256:bb12' },
    timestamp: iso(91_000),
  },
  {
    event_type: 'phase_retry',
    phase_id: 13,
    duration_ms: 30_000,
    success: false,
    metadata: { attempt: 1, ...ctx, phase_hash: 'sha256:cc13', next_attempt: 2, delay_ms: 1_000, rate_limited: false, reason: 'exit code 1' },
    timestamp: iso(97_000),
  },
  { event_type: 'phase_start', phase_id: 13, duration_ms: null, success: null, metadata: { attempt: 2, status: 'running', ...ctx, phase_hash: 'sha256:cc13' }, timestamp: iso(98_000) },
  {
    event_type: 'phase_failed',
    phase_id: 13,
    duration_ms: 47_000,
    success: false,
    metadata: {
      attempt: 2,
      status: 'failed',
      exit_code: 1,
      ...ctx,
      phase_hash: 'sha256:cc13',
      reason: 'exit code 1',
      error: { name: 'AgentError', code: 'exit_code', message: 'exit code 1' },
    },
    timestamp: iso(108_000),
  },
  {
    event_type: 'phase_skipped',
    phase_id: 14,
    duration_ms: 0,
    success: false,
    metadata: { status: 'skipped', ...ctx, phase_hash: 'sha256:dd14', reason: 'dependency 13 failed' },
    timestamp: iso(108_000),
  },
  { event_type: 'phase_start', phase_id: 15, duration_ms: null, success: null, metadata: { attempt: 1, status: 'running', ...ctx, phase_hash: 'sha256:ee15' }, timestamp: iso(108_000) },
  {
    event_type: 'phase_end',
    phase_id: 15,
    duration_ms: 20_000,
    success: false,
    metadata: { attempt: 1, status: 'partial', quality: 0.5, ...ctx, phase_hash: 'sha256:ee15', reason: 'quality 0.5 below 0.8' },
    timestamp: iso(128_000),
  },
  {
    event_type: 'run_end',
    phase_id: null,
    duration_ms: 128_000,
    success: false,
    metadata: {
      ...ctx,
      outcome: 'failed',
      counts: { pending: 0, queued: 0, running: 0, validating: 0, success: 1, partial: 1, failed: 1, skipped: 1, cancelled: 0 },
    },
    timestamp: iso(128_000),
  },
];

function recorded(events: readonly HypervisorEvent[], options: Parameters<typeof createHypervisorBridge>[0] = { phases }) {
  const bridge = createHypervisorBridge(options);
  for (const event of events) bridge.record(event);
  return bridge;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createHypervisorBridge', () => {
  it('records a run with failures, retries, a rate limit, a skip and a partial phase as the expected learning events', () => {
    expect(recorded(mixedRun).history()).toEqual(mixedRunEvents);
  });

  it('counts every outcome of the recorded run', () => {
    expect(recorded(mixedRun).stats()).toEqual({
      events: 17,
      compacted: 0,
      // 11; 12 twice; 13 three times (the rate-limited attempt ran again); 15
      started: 7,
      succeeded: 2,
      partial: 1,
      failed: 1,
      retried: 3,
      rateLimited: 1,
      skipped: 1,
      resumed: 0,
      cancelled: 0,
      // phase_end 60 000, 90 000, 20 000 and phase_failed 47 000
      durationMs: { mean: 54_250, median: 53_500, p95: 90_000 },
      totalCostUsd: 0.63,
      byModel: {},
    });
  });

  it("records turns, cost, model and session of every attempt, a retried one included, and counts every attempt's cost", () => {
    const agent = (turns: number, costUsd: number, sessionId: string) => ({ turns, costUsd, sessionId, model: 'claude-opus-5' });
    const run = recordedRun('r-9', [
      { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11], mode: 'sequential', maxWorkers: 1 },
      { type: 'phase:started', timestamp: T0 + 1_000, phaseId: 11, attempt: 1 },
      { type: 'phase:retrying', timestamp: T0 + 5_000, phaseId: 11, attempt: 1, delayMs: 1_000, reason: 'validation failed', rateLimited: false, ...agent(8, 0.3, 's-1') },
      { type: 'phase:started', timestamp: T0 + 6_000, phaseId: 11, attempt: 2, resumesSession: 's-1' },
      { type: 'phase:finished', timestamp: T0 + 9_000, phaseId: 11, status: 'success', attempts: 2, durationMs: 8_000, exitCode: 0, ...agent(3, 0.1, 's-1') },
    ]);
    const bridge = recorded(run);
    const metadataOf = (type: string) => bridge.history().find((event) => event.event_type === type)?.metadata;
    expect(metadataOf('phase_retry')).toMatchObject({ turns: 8, cost_usd: 0.3, session_id: 's-1', model: 'claude-opus-5' });
    expect(metadataOf('phase_end')).toMatchObject({ turns: 3, cost_usd: 0.1, session_id: 's-1', model: 'claude-opus-5' });
    expect(bridge.stats().totalCostUsd).toBeCloseTo(0.4);
  });

  it('records a cancelled run: the running phase and the one never started become phase_skipped with status cancelled', () => {
    const bridge = recorded(cancelledRun);
    expect(bridge.history().map((event) => [event.event_type, event.phase_id, event.metadata.status ?? null, event.success])).toEqual([
      ['run_start', null, null, null],
      ['phase_start', 11, 'running', null],
      ['phase_skipped', 11, 'cancelled', false],
      ['phase_skipped', 12, 'cancelled', false],
      ['run_end', null, null, false],
    ]);
    expect(bridge.eventsFor(11)[1]).toEqual({
      event_type: 'phase_skipped',
      phase_id: 11,
      duration_ms: 8_000,
      success: false,
      metadata: { attempt: 1, status: 'cancelled', agent: 'codex', run_id: 'r-2', plan_name: 'plans-v2', phase_hash: 'sha256:aa11', reason: 'the run was cancelled' },
      timestamp: iso(9_000),
    });
    expect(bridge.history().at(-1)?.metadata['outcome']).toBe('cancelled');
    expect(bridge.stats()).toMatchObject({ started: 1, succeeded: 0, failed: 0, skipped: 0, cancelled: 2, durationMs: { mean: null, median: null, p95: null } });
  });

  it('puts events delivered out of order back in their run\'s order', () => {
    const bridge = recorded([...mixedRun].reverse());
    expect(bridge.history().map((event) => [event.event_type, event.phase_id])).toEqual(mixedRunEvents.map((event) => [event.event_type, event.phase_id]));
  });

  it('keeps two runs apart', () => {
    const bridge = recorded([...mixedRun, ...cancelledRun]);
    expect(bridge.history()).toHaveLength(17 + 5);
    expect(bridge.history().map((event) => event.metadata.run_id)).toEqual([...Array<string>(17).fill('r-1'), ...Array<string>(5).fill('r-2')]);
  });

  it('still knows a finished run for its late events, and forgets the oldest of more than 32 runs', () => {
    const bridge = recorded(mixedRun);
    const late: HypervisorEvent = { type: 'phase:started', runId: 'r-1', seq: 99, timestamp: T0, phaseId: 11, attempt: 1 };
    bridge.record(late);
    expect(bridge.history().at(-1)?.metadata.plan_name).toBe('plans-v2');
    for (let run = 0; run < 32; run += 1) bridge.record({ ...(mixedRun[0] as HypervisorEvent), runId: `other-${run}` });
    bridge.record(late);
    expect(bridge.history().at(-1)?.metadata).toEqual({ attempt: 1, status: 'running', run_id: 'r-1', phase_hash: 'sha256:aa11' });
  });

  it('records events of a run it joined late, without a plan name, and without phase hashes when it has no phases', () => {
    const bridge = recorded(mixedRun.slice(2, 4), {});
    expect(bridge.history().map((event) => event.metadata)).toEqual([
      { attempt: 1, status: 'running', agent: 'claude', run_id: 'r-1' },
      { attempt: 1, status: 'running', run_id: 'r-1' },
    ]);
  });

  it('marks the events of a dry run', () => {
    const bridge = recorded(dryRun);
    expect(bridge.history().every((event) => event.metadata['dry_run'] === true)).toBe(true);
    expect(bridge.history()[0]?.metadata['mode']).toBe('dry_run');
  });

  it('leaves out the plan name of a run whose plan has no name', () => {
    const bridge = recorded([{ ...(mixedRun[0] as HypervisorEvent & { type: 'run:started' }), plan: '' }]);
    expect(bridge.history()[0]?.metadata['plan_name']).toBeUndefined();
  });

  it('hands out frozen copies of its history', () => {
    const bridge = recorded(mixedRun);
    const history = bridge.history();
    expect(Object.isFrozen(history)).toBe(true);
    expect(Object.isFrozen(history[0]?.metadata)).toBe(true);
    bridge.clear();
    expect(history).toHaveLength(17);
    expect(bridge.history()).toEqual([]);
  });

  it('lists the events of one phase, in order', () => {
    expect(recorded(mixedRun).eventsFor(13).map((event) => event.event_type)).toEqual([
      'phase_start',
      'phase_retry',
      'phase_start',
      'phase_retry',
      'phase_start',
      'phase_failed',
    ]);
    expect(recorded(mixedRun).eventsFor(99)).toEqual([]);
  });

  it('forgets recorded events on clear() but still knows the plan of the run in progress', () => {
    const bridge = recorded(mixedRun.slice(0, 3));
    bridge.clear();
    expect(bridge.stats().events).toBe(0);
    bridge.record(mixedRun[3] as HypervisorEvent);
    expect(bridge.history()[0]?.metadata.plan_name).toBe('plans-v2');
  });
});

describe('HypervisorBridge.attach', () => {
  it('records every event of a stream', () => {
    const bridge = createHypervisorBridge({ phases });
    const subscription = bridge.attach(from(mixedRun));
    expect(subscription.closed).toBe(true);
    expect(bridge.history()).toEqual(mixedRunEvents);
  });

  it('stops recording when unsubscribed', () => {
    const bridge = createHypervisorBridge();
    const events = new Subject<HypervisorEvent>();
    const subscription = bridge.attach(events);
    events.next(mixedRun[0] as HypervisorEvent);
    subscription.unsubscribe();
    events.next(mixedRun[2] as HypervisorEvent);
    expect(bridge.history().map((event) => event.event_type)).toEqual(['run_start']);
  });

  it('keeps what it recorded and does not throw when the stream fails', () => {
    const bridge = createHypervisorBridge();
    const subscription = bridge.attach(new Observable<HypervisorEvent>((subscriber) => {
      subscriber.next(mixedRun[0] as HypervisorEvent);
      subscriber.error(new Error('scheduler bug'));
    }));
    expect(subscription.closed).toBe(true);
    expect(bridge.history()).toHaveLength(1);
    expect(() => bridge.attach(throwError(() => new Error('x')))).not.toThrow();
  });
});

describe('HypervisorBridge.attachMesh', () => {
  it('records every event published to an event mesh', async () => {
    const mesh = createEventMesh();
    const bridge = createHypervisorBridge({ phases });
    const subscription = bridge.attachMesh(mesh);
    for (const event of mixedRun) mesh.publish(event);
    await mesh.close();
    expect(subscription.closed).toBe(true);
    // Published in one go, the events reach the bridge most urgent first (run:finished second); the history is
    // still in the run's order, with every event's context intact.
    expect(bridge.history()).toEqual(mixedRunEvents);
  });

  it('stops recording when unsubscribed', async () => {
    const mesh = createEventMesh();
    const bridge = createHypervisorBridge();
    bridge.attachMesh(mesh).unsubscribe();
    mesh.publish(mixedRun[0] as HypervisorEvent);
    await mesh.close();
    expect(bridge.history()).toEqual([]);
  });
});

describe('HypervisorBridge with enabled: false', () => {
  it('records nothing, subscribes to nothing and writes nothing', async () => {
    const bridge = createHypervisorBridge({ enabled: false, phases });
    expect(bridge.enabled).toBe(false);
    for (const event of mixedRun) bridge.record(event);
    let subscribed = false;
    const subscription = bridge.attach(new Observable<HypervisorEvent>(() => {
      subscribed = true;
    }));
    const mesh: EventMesh = createEventMesh();
    const original = mesh.subscribe.bind(mesh);
    let meshSubscriptions = 0;
    mesh.subscribe = (...args) => ((meshSubscriptions += 1), original(...args));
    const meshSubscription = bridge.attachMesh(mesh);
    await mesh.close();
    expect(subscribed).toBe(false);
    expect(subscription.closed).toBe(true);
    expect(meshSubscriptions).toBe(0);
    expect(meshSubscription.closed).toBe(true);
    meshSubscription.unsubscribe();
    expect(bridge.history()).toEqual([]);
    expect(bridge.stats().events).toBe(0);
    const jsonl = join(dir, 'disabled.jsonl');
    const toon = join(dir, 'disabled.toon');
    expect(await bridge.exportJsonl(jsonl)).toEqual({ path: jsonl, count: 0 });
    expect(await bridge.exportToon(toon)).toEqual({ path: toon, count: 0, bytes: 0 });
    await expect(stat(jsonl)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(toon)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('is enabled by default', () => {
    expect(createHypervisorBridge().enabled).toBe(true);
  });
});

describe('HypervisorBridge.exportJsonl', () => {
  it('writes every recorded event, one line each, readable back to equal events', async () => {
    const path = join(dir, 'export', 'learning.jsonl');
    const bridge = recorded(mixedRun);
    expect(await bridge.exportJsonl(path)).toEqual({ path, count: 17 });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(18);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line) as unknown)).toEqual(mixedRunEvents);
    expect(lines[0]).toBe(
      '{"event_type":"run_start","phase_id":null,"duration_ms":null,"success":null,' +
        '"metadata":{"run_id":"r-1","plan_name":"plans-v2","mode":"parallel","max_workers":2,"phase_ids":[11,12,13,14,15]},' +
        '"timestamp":"2026-03-01T03:30:00.000Z"}',
    );
    expect(await readLearningEvents(path)).toEqual(bridge.history());
  });

  it('replaces the file without append, and grows it with append', async () => {
    const path = join(dir, 'grow.jsonl');
    await recorded(cancelledRun).exportJsonl(path);
    await recorded(mixedRun).exportJsonl(path);
    expect(await readLearningEvents(path)).toHaveLength(17);
    await recorded(cancelledRun).exportJsonl(path, { append: true });
    expect(await readLearningEvents(path)).toEqual([...mixedRunEvents, ...recorded(cancelledRun).history()]);
  });

  it('appends whole lines after a torn last line, which reading then reports by its number', async () => {
    const path = join(dir, 'torn.jsonl');
    await recorded(cancelledRun).exportJsonl(path);
    await appendFile(path, '{"event_type":"phase_e');
    await recorded(cancelledRun).exportJsonl(path, { append: true });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(5 + 1 + 5 + 1);
    expect(lines[5]).toBe('{"event_type":"phase_e');
    const error = await readLearningEvents(path).catch((failure: unknown) => failure);
    expect(isBridgeError(error) && [error.code, error.context.line]).toEqual(['invalid_json_line', 6]);
  });
});

describe('HypervisorBridge.exportToon', () => {
  it('writes the recorded events as one TOON table and returns the count', async () => {
    const path = join(dir, 'learning.toon');
    const written = await recorded(mixedRun).exportToon(path);
    const text = await readFile(path, 'utf8');
    expect(written).toEqual({ path, count: 17, bytes: Buffer.byteLength(text) });
    expect(text.split('\n')[0]).toBe(
      'events[17]{event_type,phase_id,duration_ms,success,timestamp,attempt,status,exit_code,agent,turns,cost_usd,quality,run_id,plan_name,phase_hash,extra}:',
    );
    expect(text.split('\n')).toHaveLength(17 + 2);
    expect(decodeCheckpoint(await readFile(path)).value).toEqual({ events: toLearningEventRows(mixedRunEvents) });
  });
});

describe('HypervisorBridge.flush', () => {
  it('resolves at once when no RLM records are produced', async () => {
    await expect(recorded(mixedRun).flush()).resolves.toBeUndefined();
  });
});
