import { describe, expect, it } from '@jest/globals';
import { EVENT_PRIORITIES, priorityOf } from './priority.js';

const base = { runId: 'r', seq: 1, timestamp: 0 };

describe('priorityOf', () => {
  it('puts run boundaries and an open breaker first and output last', () => {
    expect(priorityOf({ ...base, type: 'run:started', plan: 'p', phaseIds: [], mode: 'sequential', maxWorkers: 1 })).toBe(1);
    expect(priorityOf({ ...base, type: 'breaker:opened', consecutiveFailures: 5, cooldownMs: 60_000 })).toBe(1);
    expect(priorityOf({ ...base, type: 'breaker:restored', state: 'open', fromRunId: 'r0', openedAt: 0, remainingMs: 1_000 })).toBe(1);
    expect(priorityOf({ ...base, type: 'phase:output', phaseId: 1, attempt: 1, stream: 'stderr', text: '' })).toBe(9);
  });

  it('raises a failed phase above a successful one', () => {
    const finished = { ...base, type: 'phase:finished' as const, phaseId: 1, attempts: 1, durationMs: 1 };
    expect(priorityOf({ ...finished, status: 'failed' })).toBe(2);
    expect(priorityOf({ ...finished, status: 'success' })).toBe(4);
  });

  it('gives every event type a level between 1 and 10', () => {
    for (const level of Object.values(EVENT_PRIORITIES)) expect(level >= 1 && level <= 10).toBe(true);
    expect(Object.isFrozen(EVENT_PRIORITIES)).toBe(true);
  });
});
