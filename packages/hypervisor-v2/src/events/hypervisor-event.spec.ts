import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import { parseHypervisorEvent, toEventError } from './hypervisor-event.js';
import type { HypervisorEvent } from './hypervisor-event.js';

const base = { runId: 'run-1', seq: 0, timestamp: 1_772_335_746_896 };
const zeroCounts = { pending: 0, queued: 0, running: 0, validating: 0, success: 2, partial: 0, failed: 0, skipped: 0, cancelled: 0 };

/** One valid event of every type, as a run would emit them. */
const everyEvent: HypervisorEvent[] = [
  { ...base, type: 'run:started', plan: 'plans-v2', phaseIds: [11, 12], mode: 'parallel', maxWorkers: 4 },
  { ...base, type: 'phase:queued', phaseId: 11 },
  { ...base, type: 'phase:started', phaseId: 11, attempt: 1, agent: 'claude' },
  { ...base, type: 'phase:output', phaseId: 11, attempt: 1, stream: 'stdout', text: 'building\n' },
  { ...base, type: 'phase:agent', phaseId: 11, attempt: 2, turns: 4, tool: 'Edit src/app.ts', costUsd: 0.12, model: 'claude-sonnet-5', sessionId: 's-1' },
  { ...base, type: 'phase:started', phaseId: 11, attempt: 2, resumesSession: 's-1' },
  { ...base, type: 'budget:reached', spentUsd: 5.2, budgetUsd: 5 },
  { ...base, type: 'phase:retrying', phaseId: 11, attempt: 1, delayMs: 2000, reason: 'validation failed', rateLimited: false },
  { ...base, type: 'phase:finished', phaseId: 11, status: 'success', attempts: 2, durationMs: 5000, exitCode: 0, turns: 12, costUsd: 0.4, quality: 0.85 },
  { ...base, type: 'phase:finished', phaseId: 12, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 11 failed' },
  { ...base, type: 'breaker:opened', consecutiveFailures: 5, cooldownMs: 60_000 },
  { ...base, type: 'breaker:half-opened' },
  { ...base, type: 'breaker:closed' },
  { ...base, type: 'breaker:restored', state: 'open', fromRunId: 'run-20260101T120000Z-1a2b3c', openedAt: 1_767_268_800_000, remainingMs: 42_000 },
  { ...base, type: 'breaker:restored', state: 'half-open', fromRunId: 'run-20260101T120000Z-1a2b3c', openedAt: 1_767_268_800_000, remainingMs: 0 },
  { ...base, type: 'mode:fell-back', from: 'parallel', to: 'sequential', reason: 'no progress for 600 s' },
  {
    ...base,
    type: 'run:finished',
    summary: { outcome: 'succeeded', durationMs: 9000, countsByStatus: zeroCounts, phases: [{ phaseId: 11, status: 'success', attempts: 2, durationMs: 5000 }] },
  },
  {
    ...base,
    type: 'run:finished',
    summary: {
      outcome: 'failed',
      durationMs: 9000,
      countsByStatus: zeroCounts,
      phases: [{ phaseId: 11, status: 'failed', attempts: 1, durationMs: 5000 }],
      costUsd: 5.2,
      budgetUsd: 5,
      fatal: { phaseId: 11, error: { name: 'AgentError', code: 'not_logged_in', message: 'log in' } },
    },
  },
  { ...base, type: 'handler:failed', topic: 'phase:started', subscriber: 'audit', error: { name: 'TypeError', message: 'x is undefined' } },
  { ...base, type: 'checkpoint:failed', phaseId: 11, error: { name: 'ToonError', code: 'io_error', message: 'disk full' } },
  { ...base, type: 'plugin:failed', plugin: 'notify', hook: 'pre_phase', timedOut: true, error: { name: 'TimeoutError', message: 'no answer in 5000 ms' } },
];

function issueMessage(input: unknown): string {
  try {
    parseHypervisorEvent(input, 'events.jsonl:3');
  } catch (error) {
    if (isHypervisorV2Error(error) && error.code === 'invalid_event') return error.message;
    throw error;
  }
  throw new Error('expected invalid_event');
}

describe('parseHypervisorEvent', () => {
  it.each(everyEvent.map((event) => [event.type, event] as const))('accepts a %s event and freezes it', (_type, event) => {
    const parsed = parseHypervisorEvent(JSON.parse(JSON.stringify(event)));
    expect(parsed).toEqual(event);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it.each<[string, unknown, RegExp]>([
    ['an unknown type', { ...base, type: 'phase:exploded', phaseId: 1 }, /type: /],
    ['a missing run id', { seq: 0, timestamp: 0, type: 'breaker:closed' }, /runId: /],
    ['a negative sequence number', { ...base, seq: -1, type: 'breaker:closed' }, /seq: /],
    ['a fractional phase id', { ...base, type: 'phase:queued', phaseId: 1.5 }, /phaseId: /],
    ['attempt 0', { ...base, type: 'phase:started', phaseId: 1, attempt: 0 }, /attempt: /],
    ['a finished status that is not final', { ...base, type: 'phase:finished', phaseId: 1, status: 'running', attempts: 1, durationMs: 1 }, /status: /],
    ['a quality above 1', { ...base, type: 'phase:finished', phaseId: 1, status: 'success', attempts: 1, durationMs: 1, quality: 85 }, /quality: /],
    ['an unknown field', { ...base, type: 'breaker:closed', colour: 'red' }, /Unrecognized key: "colour"/],
    ['an unknown stream', { ...base, type: 'phase:output', phaseId: 1, attempt: 1, stream: 'stdin', text: '' }, /stream: /],
    ['a breaker restored closed', { ...base, type: 'breaker:restored', state: 'closed', fromRunId: 'r', openedAt: 0, remainingMs: 0 }, /state: /],
  ])('rejects %s, naming the source and the field', (_name, input, pattern) => {
    const message = issueMessage(input);
    expect(message).toMatch(/^events\.jsonl:3: invalid hypervisor event: /);
    expect(message).toMatch(pattern);
  });

  it('names no source when none is given', () => {
    expect(() => parseHypervisorEvent({})).toThrow(/^invalid hypervisor event: /);
  });
});

describe('toEventError', () => {
  it('keeps the name, code and message of an Error', () => {
    const error = Object.assign(new RangeError('too far'), { code: 'out_of_range' });
    expect(toEventError(error)).toEqual({ name: 'RangeError', code: 'out_of_range', message: 'too far' });
    expect(toEventError(new Error('plain'))).toEqual({ name: 'Error', message: 'plain' });
  });

  it('describes thrown values that are not errors', () => {
    expect(toEventError('boom')).toEqual({ name: 'NonError', message: 'boom' });
    expect(toEventError({ reason: 42 })).toEqual({ name: 'NonError', message: '{"reason":42}' });
    expect(toEventError(undefined)).toEqual({ name: 'NonError', message: 'undefined' });
  });
});
