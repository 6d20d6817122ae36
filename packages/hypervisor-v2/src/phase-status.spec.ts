import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from './errors.js';
import { PHASE_STATUSES, isTerminalStatus, phaseStatusSchema, summarizeStatuses } from './phase-status.js';
import type { PhaseStatus } from './phase-status.js';

describe('phaseStatusSchema', () => {
  it.each(PHASE_STATUSES)('accepts %s', (status) => {
    expect(phaseStatusSchema.parse(status)).toBe(status);
  });

  it.each<unknown>(['done', 'PASS', 'Success', '', 0])('rejects %p', (value) => {
    expect(phaseStatusSchema.safeParse(value).success).toBe(false);
  });
});

describe('isTerminalStatus', () => {
  it.each<[PhaseStatus, boolean]>([
    ['pending', false],
    ['queued', false],
    ['running', false],
    ['validating', false],
    ['success', true],
    ['partial', true],
    ['failed', true],
    ['skipped', true],
    ['cancelled', true],
  ])('says %s is terminal: %s', (status, terminal) => {
    expect(isTerminalStatus(status)).toBe(terminal);
  });
});

describe('summarizeStatuses', () => {
  it('counts each status and reports zero for the ones nobody has', () => {
    const counts = summarizeStatuses(['success', 'running', 'success', 'failed', 'pending', 'success']);
    expect(counts).toEqual({
      pending: 1,
      queued: 0,
      running: 1,
      validating: 0,
      success: 3,
      partial: 0,
      failed: 1,
      skipped: 0,
      cancelled: 0,
    });
  });

  it('gives every status a zero count for no phases', () => {
    const counts = summarizeStatuses([]);
    expect(Object.keys(counts)).toEqual([...PHASE_STATUSES]);
    expect(Object.values(counts).every((count) => count === 0)).toBe(true);
  });

  it('reads any iterable once, such as a generator', () => {
    function* statuses(): Generator<PhaseStatus> {
      yield 'skipped';
      yield 'skipped';
      yield 'cancelled';
    }
    const counts = summarizeStatuses(statuses());
    expect([counts.skipped, counts.cancelled]).toEqual([2, 1]);
  });

  it('returns a frozen record', () => {
    expect(Object.isFrozen(summarizeStatuses(['queued']))).toBe(true);
  });

  it.each<[string, unknown[], string]>([
    ['an unknown name', ['success', 'done'], 'unknown phase status "done" at position 1'],
    ['a value that is not a string', [7], 'unknown phase status of type number at position 0'],
  ])('rejects %s with invalid_state and its position', (_name, statuses, message) => {
    let caught: unknown;
    try {
      summarizeStatuses(statuses as PhaseStatus[]);
    } catch (error) {
      caught = error;
    }
    expect(isHypervisorV2Error(caught) && caught.code).toBe('invalid_state');
    expect((caught as Error).message).toBe(message);
  });
});
