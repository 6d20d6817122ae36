import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from './errors.js';
import type { HypervisorV2Error } from './errors.js';
import { parseHypervisorState } from './hypervisor-state.js';
import type { HypervisorState } from './hypervisor-state.js';
import { summarizeStatuses } from './phase-status.js';

const running: HypervisorState = {
  currentPhase: 15,
  mode: 'parallel',
  activeWorkers: 2,
  memoryInUseMb: 312.5,
  countsByStatus: summarizeStatuses(['success', 'success', 'running', 'running', 'pending']),
};

function rejectionOf(input: unknown, source?: string): HypervisorV2Error {
  try {
    parseHypervisorState(input, source);
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected parseHypervisorState to throw');
}

describe('parseHypervisorState', () => {
  it('accepts a snapshot built from summarizeStatuses', () => {
    expect(parseHypervisorState(running)).toEqual(running);
  });

  it('accepts a snapshot of the run as a whole, with no current phase', () => {
    const idle = { ...running, currentPhase: null, activeWorkers: 0, memoryInUseMb: 0 };
    expect(parseHypervisorState(idle).currentPhase).toBeNull();
  });

  it('freezes the snapshot and its counts', () => {
    const state = parseHypervisorState({ ...running, countsByStatus: { ...running.countsByStatus } });
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.countsByStatus)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a fractional phase id', { currentPhase: 1.5 }, 'currentPhase: Invalid input: expected int'],
    ['an unknown mode', { mode: 'turbo' }, 'mode: Invalid option'],
    ['negative workers', { activeWorkers: -1 }, 'activeWorkers: Too small'],
    ['fractional workers', { activeWorkers: 1.5 }, 'activeWorkers: Invalid input: expected int'],
    ['negative memory', { memoryInUseMb: -0.1 }, 'memoryInUseMb: Too small'],
    ['infinite memory', { memoryInUseMb: Number.POSITIVE_INFINITY }, 'memoryInUseMb: '],
    ['an unknown key', { phase_id: 15 }, 'Unrecognized key: "phase_id"'],
  ])('rejects %s with invalid_state naming the field', (_name, change, expected) => {
    const error = rejectionOf({ ...running, ...change }, 'state.json');
    expect(error.code).toBe('invalid_state');
    expect(error.message.startsWith('state.json: invalid hypervisor state: ')).toBe(true);
    expect(error.message).toContain(expected);
    expect(error.context.source).toBe('state.json');
  });

  it.each<[string, Record<string, number>, string]>([
    ['a missing status', { pending: 1, queued: 0, running: 0, validating: 0, success: 0, partial: 0, failed: 0, skipped: 0 }, 'countsByStatus.cancelled: '],
    ['an unknown status', { ...running.countsByStatus, done: 1 }, 'countsByStatus: Unrecognized key: "done"'],
    ['a negative count', { ...running.countsByStatus, failed: -1 }, 'countsByStatus.failed: Too small'],
  ])('rejects counts with %s', (_name, countsByStatus, expected) => {
    const error = rejectionOf({ ...running, countsByStatus });
    expect(error.code).toBe('invalid_state');
    expect(error.message.startsWith('invalid hypervisor state: ')).toBe(true);
    expect(error.message).toContain(expected);
  });
});
