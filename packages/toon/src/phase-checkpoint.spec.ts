import { describe, expect, it } from '@jest/globals';
import { decodeCheckpoint, encodeCheckpoint } from './codec.js';
import { isToonError } from './errors.js';
import { parsePhaseCheckpoint } from './phase-checkpoint.js';
import { finishedRecord } from './__fixtures__/records.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isToonError(error) && error.code === 'invalid_checkpoint') return error.message;
    throw error;
  }
  throw new Error('expected invalid_checkpoint');
}

describe('parsePhaseCheckpoint', () => {
  it('accepts a full record and one read back from every format', () => {
    expect(parsePhaseCheckpoint(finishedRecord)).toEqual(finishedRecord);
    for (const format of ['toon', 'kazuba', 'msgpack', 'json'] as const) {
      const { value } = decodeCheckpoint(encodeCheckpoint(finishedRecord, { format }));
      expect(parsePhaseCheckpoint(value)).toEqual(finishedRecord);
    }
  });

  it('accepts a minimal record of a running attempt', () => {
    const { agent: _a, validation: _v, quality: _q, script_checkpoint: _s, finished_at: _f, duration_ms: _d, ...minimal } = finishedRecord;
    expect(parsePhaseCheckpoint({ ...minimal, status: 'running' }).status).toBe('running');
  });

  it('reads a record written before qualities were recorded, without one', () => {
    const { quality: _q, ...older } = finishedRecord;
    expect(parsePhaseCheckpoint(older)).not.toHaveProperty('quality');
    expect(parsePhaseCheckpoint(finishedRecord).quality).toBe(0.92);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown status', { status: 'done' }, /status: Invalid option/],
    ['a negative attempt count', { attempts: -1 }, /attempts: /],
    ['a time that is not ISO 8601 UTC', { started_at: '01/03/2026' }, /started_at: Invalid ISO datetime/],
    ['a malformed phase hash', { phase_hash: 'md5:abc' }, /phase_hash: expected "sha256:"/],
    ['another schema version', { schema_version: 2 }, /schema_version: /],
    ['an unknown field', { colour: 'blue' }, /Unrecognized key: "colour"/],
    ['a quality on the 0-100 scale of the script rather than 0 to 1', { quality: 92 }, /quality: /],
    ['a quality that is not a number', { quality: 'high' }, /quality: /],
    ['an agent outcome with a fractional exit code', { agent: { profile: 'claude', exit_code: 0.5 } }, /agent\.exit_code: /],
  ])('rejects %s and names the field', (_name, change, pattern) => {
    expect(messageOf(() => parsePhaseCheckpoint({ ...finishedRecord, ...change }))).toMatch(pattern);
  });

  it('reports every problem of a record at once, after the source file', () => {
    const message = messageOf(() => parsePhaseCheckpoint({ ...finishedRecord, status: 'x', attempts: 'two' }, 'phase_15.toon'));
    expect(message).toMatch(/^phase_15\.toon: invalid phase checkpoint: /);
    expect(message).toMatch(/status: .*; attempts: /);
  });
});
