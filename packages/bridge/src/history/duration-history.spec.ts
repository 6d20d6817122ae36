import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { successfulRun } from '../__fixtures__/hypervisor-events.js';
import { createHypervisorBridge } from '../bridge/hypervisor-bridge.js';
import { isBridgeError } from '../errors.js';
import type { BridgeError } from '../errors.js';
import { formatLearningEventsJsonl } from '../jsonl.js';
import type { JsonValue } from '../json-value.js';
import type { LearningEvent } from '../learning-event.js';
import { createDurationHistory, loadDurationHistory } from './duration-history.js';
import type { EstimablePhase, PhaseEstimator } from './phase-estimator.js';

/** A phase as core's plan gives it, with the hints its estimator reads. */
interface HintedPhase extends EstimablePhase {
  readonly effort: 'S' | 'M' | 'L';
}

/** Stands in for core's `createHintEstimator()`: effort sizes of 5, 10 and 20 minutes. */
const hints: PhaseEstimator<HintedPhase, 'effort'> = {
  estimate: (phase) => ({ durationMs: { S: 300_000, M: 600_000, L: 1_200_000 }[phase.effort], source: 'effort' }),
};

const phase11: HintedPhase = { id: 11, hash: 'sha256:new', effort: 'M' };
let clock = Date.UTC(2026, 2, 1);

function ended(durationMs: number, hash: string | null = 'sha256:new', change: Partial<LearningEvent> = {}, metadata: Readonly<Record<string, JsonValue>> = {}): LearningEvent {
  clock += 1_000;
  return {
    event_type: 'phase_end',
    phase_id: 11,
    duration_ms: durationMs,
    success: true,
    metadata: { attempt: 1, status: 'success', run_id: `r-${clock}`, plan_name: 'plans-v2', ...(hash === null ? {} : { phase_hash: hash }), ...metadata },
    timestamp: new Date(clock).toISOString(),
    ...change,
  };
}

const options = { plan: 'plans-v2', fallback: hints } as const;

async function rejectionOf(run: () => unknown): Promise<BridgeError> {
  try {
    await run();
  } catch (error) {
    if (isBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-history-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createDurationHistory', () => {
  it('estimates a phase as the median of its successful durations, with source history', () => {
    const history = createDurationHistory([ended(60_000), ended(90_000), ended(30_000)], options);
    expect(history.estimate(phase11)).toEqual({ durationMs: 60_000, source: 'history' });
    expect(createDurationHistory([ended(60_000), ended(90_000)], options).estimate(phase11)).toEqual({ durationMs: 75_000, source: 'history' });
    expect(history.plan).toBe('plans-v2');
  });

  it('resists an outlier, as a mean would not', () => {
    const history = createDurationHistory([ended(60_000), ended(61_000), ended(3_600_000), ended(59_000), ended(62_000)], options);
    expect(history.estimate(phase11).durationMs).toBe(61_000);
  });

  it('falls back to the fallback estimator for a phase without history', () => {
    const history = createDurationHistory([ended(60_000)], options);
    expect(history.estimate({ id: 12, hash: 'sha256:x', effort: 'L' })).toEqual({ durationMs: 1_200_000, source: 'effort' });
    expect(createDurationHistory([], options).estimate(phase11)).toEqual({ durationMs: 600_000, source: 'effort' });
  });

  it('keeps only the last 10 durations per phase by default, oldest first', () => {
    const events = Array.from({ length: 15 }, (_, index) => ended((index + 1) * 1_000));
    const history = createDurationHistory(events, options);
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((s) => s * 1_000));
    expect(history.estimate(phase11).durationMs).toBe(10_500);
    expect(history.samples(12)).toEqual([]);
  });

  it('keeps the last keepLast durations when asked', () => {
    const events = Array.from({ length: 15 }, (_, index) => ended((index + 1) * 1_000));
    const history = createDurationHistory(events, { ...options, keepLast: 3 });
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([13_000, 14_000, 15_000]);
    expect(history.estimate(phase11).durationMs).toBe(14_000);
  });

  it('describes each sample it keeps', () => {
    const event = ended(42_000);
    expect(createDurationHistory([event], options).samples(11)).toEqual([
      { durationMs: 42_000, phaseHash: 'sha256:new', runId: event.metadata.run_id, timestamp: event.timestamp },
    ]);
  });

  it('prefers the durations of the phase\'s current hash', () => {
    const events = [ended(600_000, 'sha256:old'), ended(610_000, 'sha256:old'), ended(620_000, 'sha256:old'), ended(30_000, 'sha256:new')];
    expect(createDurationHistory(events, options).estimate(phase11)).toEqual({ durationMs: 30_000, source: 'history' });
  });

  it('uses the durations of other versions of the phase when none matches its hash (hashMatch prefer)', () => {
    const events = [ended(600_000, 'sha256:old'), ended(620_000, null)];
    expect(createDurationHistory(events, options).estimate(phase11)).toEqual({ durationMs: 610_000, source: 'history' });
  });

  it('falls back instead with hashMatch require', () => {
    const events = [ended(600_000, 'sha256:old'), ended(620_000, null)];
    const history = createDurationHistory(events, { ...options, hashMatch: 'require' });
    expect(history.estimate(phase11)).toEqual({ durationMs: 600_000, source: 'effort' });
    expect(history.estimate({ ...phase11, hash: 'sha256:old' })).toEqual({ durationMs: 600_000, source: 'history' });
  });

  it.each<[string, LearningEvent]>([
    ['another plan', ended(1, 'sha256:new', {}, { plan_name: 'other' })],
    ['no plan name', { ...ended(1), metadata: { attempt: 1 } }],
    ['a dry run', ended(1, 'sha256:new', {}, { dry_run: true })],
    ['a partial phase', ended(1, 'sha256:new', { success: false })],
    ['a failed phase', ended(1, 'sha256:new', { event_type: 'phase_failed', success: false })],
    ['a phase_end without a duration', ended(1, 'sha256:new', { duration_ms: null })],
    ['a phase start', ended(1, 'sha256:new', { event_type: 'phase_start', duration_ms: null, success: null })],
  ])('ignores the duration of %s', (_name, event) => {
    expect(createDurationHistory([ended(60_000), event], options).samples(11)).toHaveLength(1);
  });

  it.each<[string, object, string]>([
    ['keepLast 0', { keepLast: 0 }, 'keepLast'],
    ['a fractional keepLast', { keepLast: 1.5 }, 'keepLast'],
    ['an empty plan name', { plan: '' }, 'plan'],
  ])('rejects %s with invalid_options', async (_name, change, field) => {
    const error = await rejectionOf(() => createDurationHistory([], { ...options, ...change }));
    expect(error.code).toBe('invalid_options');
    expect(error.context.field).toBe(field);
  });
});

describe('loadDurationHistory', () => {
  async function historyFile(name: string, events: readonly LearningEvent[], tail = ''): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, formatLearningEventsJsonl(events) + tail);
    return path;
  }

  it('reads the files in the order given, the later durations counting as the latest', async () => {
    const older = await historyFile('older.jsonl', [ended(1_000), ended(2_000), ended(3_000)]);
    const newer = await historyFile('newer.jsonl', [ended(50_000), ended(60_000)]);
    const history = await loadDurationHistory([older, newer], { ...options, keepLast: 3 });
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([3_000, 50_000, 60_000]);
    expect(history.estimate(phase11)).toEqual({ durationMs: 50_000, source: 'history' });
  });

  it('keeps at most keepLast durations per phase however long the file is', async () => {
    const path = await historyFile('long.jsonl', Array.from({ length: 2_000 }, (_, index) => ended(index)));
    const history = await loadDurationHistory(path, { ...options, keepLast: 5 });
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([1_995, 1_996, 1_997, 1_998, 1_999]);
  });

  it('treats a missing file as no history, unless allowMissing is false', async () => {
    const missing = join(dir, 'never-written.jsonl');
    expect((await loadDurationHistory(missing, options)).estimate(phase11).source).toBe('effort');
    const error = await rejectionOf(() => loadDurationHistory(missing, { ...options, allowMissing: false }));
    expect(error.code).toBe('not_found');
  });

  it('fails on a bad line, naming the file and line, unless onInvalidLine takes it', async () => {
    const path = await historyFile('torn.jsonl', [ended(60_000)], '{"event_type":"phase_e');
    const error = await rejectionOf(() => loadDurationHistory(path, options));
    expect([error.code, error.context.source, error.context.line]).toEqual(['invalid_json_line', path, 2]);
    const bad: BridgeError[] = [];
    const history = await loadDurationHistory(path, { ...options, onInvalidLine: (invalid) => bad.push(invalid) });
    expect(history.estimate(phase11).durationMs).toBe(60_000);
    expect(bad).toHaveLength(1);
  });

  it('learns from the phase_end lines among many lines of other events, whatever their key order or spacing', async () => {
    const skipped = (phaseId: number): LearningEvent => ({ ...ended(0), event_type: 'phase_skipped', phase_id: phaseId, success: false, metadata: { status: 'skipped', run_id: 'r-9', plan_name: 'plans-v2', reason: 'dependency 3 failed' } });
    const noise = formatLearningEventsJsonl(Array.from({ length: 500 }, (_, index) => skipped(index + 1)));
    const { event_type, ...rest } = ended(70_000);
    const reordered = `  ${JSON.stringify({ ...rest, event_type }, null, 0).replace('"event_type":', '"event_type" : ')}  \r\n`;
    const escaped = JSON.stringify(ended(80_000)).replace('"phase_end"', '"phase\\u005fend"');
    const path = await historyFile('mixed.jsonl', [ended(60_000)], `${noise}${reordered}${noise}${escaped}\n${noise}`);
    const history = await loadDurationHistory(path, { ...options, onInvalidLine: () => { throw new Error('no line is invalid'); } });
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([60_000, 70_000, 80_000]);
  });

  it('reports the bad lines that could hold a duration: torn, not an object, not an event, or a phase_end that is no learning event', async () => {
    const notAnEvent = JSON.stringify({ ...ended(90_000), success: 'yes' });
    const path = await historyFile('bad.jsonl', [ended(60_000)], `not json\n[1, 2]\n${notAnEvent}\n{"event_type":"phase_end","phase_id":11\n{"also": "not an event"}\n`);
    const bad: BridgeError[] = [];
    const history = await loadDurationHistory(path, { ...options, onInvalidLine: (invalid) => bad.push(invalid) });
    expect(bad.map((error) => [error.code, error.context.line])).toEqual([
      ['invalid_json_line', 2],
      ['invalid_event_line', 3],
      ['invalid_event_line', 4],
      ['invalid_json_line', 5],
      ['invalid_event_line', 6],
    ]);
    expect(history.samples(11).map((sample) => sample.durationMs)).toEqual([60_000]);
  });

  it('fails on a file it cannot read even when missing files are allowed', async () => {
    const folder = join(dir, 'a-folder');
    await mkdir(folder);
    expect((await rejectionOf(() => loadDurationHistory(folder, options))).code).toBe('io_error');
  });

  it('rejects invalid options before reading', async () => {
    expect((await rejectionOf(() => loadDurationHistory(join(dir, 'none.jsonl'), { ...options, keepLast: -1 }))).code).toBe('invalid_options');
  });
});

describe('the history loop', () => {
  it('turns what runs recorded into the next run\'s estimates, in place of the effort hints', async () => {
    const path = join(dir, '.hypervisor', 'learning.jsonl');
    const runs = [successfulRun('r-1', 62_000), successfulRun('r-2', 58_000), successfulRun('r-3', 60_000)];
    for (const run of runs) {
      const bridge = createHypervisorBridge({ phases: [phase11] });
      for (const event of run) bridge.record(event);
      await bridge.exportJsonl(path, { append: true });
    }
    const before = hints.estimate(phase11);
    const history = await loadDurationHistory(path, { plan: 'plans-v2', fallback: hints });
    expect(before).toEqual({ durationMs: 600_000, source: 'effort' });
    expect(history.estimate(phase11)).toEqual({ durationMs: 60_000, source: 'history' });
    // An edited phase keeps using the measured durations until runs of the new version exist.
    expect(history.estimate({ ...phase11, hash: 'sha256:edited' })).toEqual({ durationMs: 60_000, source: 'history' });
  });
});
