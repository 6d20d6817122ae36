import { describe, expect, it } from '@jest/globals';
import { normalizeCheckpoint } from './checkpoint-view.js';
import { isToonError } from './errors.js';
import { finishedRecord, originalGeneratorRecord, originalScriptRecord } from './__fixtures__/records.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (!isToonError(error)) throw error;
    return error.code;
  }
  return undefined;
}

describe('normalizeCheckpoint', () => {
  it("gives every field of the hypervisor's own record", () => {
    expect(normalizeCheckpoint(finishedRecord)).toEqual({
      origin: 'hypervisor',
      phaseId: 15,
      status: 'success',
      title: 'Hypervisor Executable',
      attempts: 2,
      startedAt: '2026-03-01T03:20:00.000Z',
      finishedAt: '2026-03-01T03:29:19.500Z',
      durationMs: 559500,
      phaseHash: finishedRecord.phase_hash,
    });
  });

  it('leaves out the end of a record still running', () => {
    const { finished_at: _f, duration_ms: _d, ...running } = { ...finishedRecord, status: 'running' as const };
    const view = normalizeCheckpoint(running);
    expect(view).toMatchObject({ status: 'running', attempts: 2 });
    expect(view).not.toHaveProperty('finishedAt');
    expect(view).not.toHaveProperty('durationMs');
  });

  it("reads the original's results.overall and its top-level overall", () => {
    expect(normalizeCheckpoint(originalScriptRecord)).toEqual({
      origin: 'kazuba',
      phaseId: 7,
      status: 'success',
      title: 'Made-up phase',
      finishedAt: '2026-03-01T03:29:06Z',
    });
    expect(normalizeCheckpoint(originalGeneratorRecord)).toMatchObject({ phaseId: 'plan_generation', status: 'failed' });
  });

  it.each([
    ['PASS', 'success'],
    ['pass', 'success'],
    ['PARTIAL', 'partial'],
    ['FAIL', 'failed'],
    ['SKIP', 'skipped'],
    ['SKIPPED', 'skipped'],
  ])('maps the original outcome %s to %s', (overall, status) => {
    expect(normalizeCheckpoint({ phase_id: 1, results: { overall } }).status).toBe(status);
  });

  it('keeps only the facts it can trust from an original record', () => {
    expect(normalizeCheckpoint({ phase_id: 3, phase_title: 4, iso_time: null, results: { overall: 'PASS' } })).toEqual({
      origin: 'kazuba',
      phaseId: 3,
      status: 'success',
    });
  });

  it.each<[string, unknown]>([
    ['a non-object', [1, 2]],
    ['null', null],
    ['a session snapshot without an outcome', { captured_at: '2026-03-01T03:34:48Z', session_data: {} }],
    ['an unknown outcome', { phase_id: 1, results: { overall: 'MAYBE' } }],
    ['a non-string outcome', { phase_id: 1, overall: 1 }],
    ['a missing phase id', { results: { overall: 'PASS' } }],
    ['a fractional phase id', { phase_id: 1.5, results: { overall: 'PASS' } }],
    ['our record with a wrong field', { ...finishedRecord, attempts: -1 }],
  ])('rejects %s with invalid_checkpoint', (_name, value) => {
    expect(codeOf(() => normalizeCheckpoint(value))).toBe('invalid_checkpoint');
  });

  it('names the source file in its error', () => {
    expect(() => normalizeCheckpoint({}, 'checkpoints/phase_01.toon')).toThrow(/^checkpoints\/phase_01\.toon: not a phase checkpoint/);
  });

  it('returns a frozen view', () => {
    expect(Object.isFrozen(normalizeCheckpoint(originalScriptRecord))).toBe(true);
  });
});
