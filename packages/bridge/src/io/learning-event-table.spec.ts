import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeCheckpoint } from '@kazuba/toon';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phaseStart, runEvents } from '../__fixtures__/events.js';
import { isBridgeError } from '../errors.js';
import type { LearningEvent } from '../learning-event.js';
import { LEARNING_EVENT_METADATA_COLUMNS, toLearningEventRows, writeLearningEventsToon } from './learning-event-table.js';
import { rejectionOf } from '../__fixtures__/rejection.js';

const HEADER =
  'event_type,phase_id,duration_ms,success,timestamp,attempt,status,exit_code,agent,turns,cost_usd,quality,run_id,plan_name,phase_hash,extra';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-table-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('toLearningEventRows', () => {
  it('gives every row every column, null where the event has no value', () => {
    const rows = toLearningEventRows(runEvents);
    expect(rows).toHaveLength(runEvents.length);
    for (const row of rows) expect(Object.keys(row).join(',')).toBe(HEADER);
    expect(rows[0]).toEqual({
      event_type: 'run_start',
      phase_id: null,
      duration_ms: null,
      success: null,
      timestamp: '2026-03-01T03:30:00.000Z',
      attempt: null,
      status: null,
      exit_code: null,
      agent: null,
      turns: null,
      cost_usd: null,
      quality: null,
      run_id: 'r-42',
      plan_name: 'plans-v2',
      phase_hash: null,
      extra: null,
    });
  });

  it('puts each listed metadata key in its column and the other keys, as JSON text, in extra', () => {
    const [, , end, failed] = toLearningEventRows(runEvents);
    expect(end).toMatchObject({ attempt: 1, status: 'success', exit_code: 0, agent: 'claude', turns: 14, cost_usd: 0.4312, quality: 0.92, phase_hash: 'sha256:9f2c', extra: null });
    expect(failed?.extra).toBe('{"validation_tail":["FAIL test_x","exit 1"]}');
    expect(LEARNING_EVENT_METADATA_COLUMNS.every((column) => column in (end ?? {}))).toBe(true);
  });

  it('rejects an invalid event, naming its position', () => {
    try {
      toLearningEventRows([phaseStart, { ...phaseStart, event_type: 'run_end' } as LearningEvent]);
      throw new Error('expected a BridgeError');
    } catch (error) {
      expect(isBridgeError(error) && [error.code, error.context.index]).toEqual(['invalid_event', 1]);
    }
  });
});

describe('writeLearningEventsToon', () => {
  it('writes one TOON table that decodes back to the rows', async () => {
    const path = join(dir, 'out', 'learning.toon');
    const written = await writeLearningEventsToon(path, runEvents);
    const bytes = await readFile(path);
    expect(written).toEqual({ path, count: runEvents.length, bytes: bytes.length });
    const lines = bytes.toString('utf8').split('\n');
    expect(lines[0]).toBe(`events[${runEvents.length}]{${HEADER}}:`);
    expect(lines[1]).toBe('  run_start,null,null,null,"2026-03-01T03:30:00.000Z",null,null,null,null,null,null,null,r-42,plans-v2,null,null');
    expect(lines).toHaveLength(runEvents.length + 2);
    expect(decodeCheckpoint(bytes)).toEqual({ format: 'toon', value: { events: toLearningEventRows(runEvents) } });
  });

  it('writes an empty table for no events', async () => {
    const path = join(dir, 'empty.toon');
    expect(await writeLearningEventsToon(path, [])).toMatchObject({ path, count: 0 });
    expect(decodeCheckpoint(await readFile(path)).value).toEqual({ events: [] });
  });

  it('reports io_error naming the file, with the ToonError as cause', async () => {
    const parent = join(dir, 'a-file');
    await writeFile(parent, 'x');
    const path = join(parent, 'learning.toon');
    const error = await rejectionOf(writeLearningEventsToon(path, runEvents));
    expect(error.code).toBe('io_error');
    expect(error.context.path).toBe(path);
    expect(error.message.startsWith(`${path}: cannot write the learning events table (`)).toBe(true);
    expect(error.cause).toMatchObject({ name: 'ToonError', code: 'io_error' });
  });
});
