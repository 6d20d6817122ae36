import { describe, expect, it } from '@jest/globals';
import { PHASE_STATUSES } from '@kazuba/hypervisor-v2';
import { phaseStart, runEvents } from './__fixtures__/events.js';
import { LEARNING_EVENT_TYPES, learningEventMetadataSchema, learningEventSchema } from './learning-event.js';

function issuesOf(value: unknown): string[] {
  const result = learningEventSchema.safeParse(value);
  if (result.success) throw new Error('expected the event to be rejected');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('learningEventSchema', () => {
  it.each(runEvents.map((event) => [event.event_type, event] as const))('accepts a %s event', (_type, event) => {
    expect(learningEventSchema.parse(event)).toEqual(event);
  });

  it('covers every event type in the fixture run', () => {
    expect(new Set(runEvents.map((event) => event.event_type))).toEqual(new Set(LEARNING_EVENT_TYPES));
  });

  it('accepts a line as the original wrote it, when its timestamp ends in Z', () => {
    const original = { event_type: 'phase_start', phase_id: 11, duration_ms: 0, success: false, metadata: {}, timestamp: '2026-03-01T03:34:48.123456Z' };
    expect(learningEventSchema.parse(original)).toEqual(original);
  });

  it.each(PHASE_STATUSES)('accepts the phase status %s from @kazuba/hypervisor-v2 in metadata', (status) => {
    expect(learningEventSchema.parse({ ...phaseStart, metadata: { status } }).metadata.status).toBe(status);
  });

  it('keeps metadata keys it does not know when their values are JSON', () => {
    const metadata = { retry_reason: 'rate limit', tokens: { input: 1200, output: 300 }, tags: ['a', null, true] };
    expect(learningEventSchema.parse({ ...phaseStart, metadata }).metadata).toEqual(metadata);
  });

  it('drops a __proto__ metadata key rather than letting it change the prototype', () => {
    const parsed = learningEventSchema.parse({ ...phaseStart, metadata: JSON.parse('{"__proto__": {"polluted": true}, "agent": "claude"}') });
    expect(Object.getPrototypeOf(parsed.metadata)).toBe(Object.prototype);
    expect(parsed.metadata).toEqual({ agent: 'claude' });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown event type', { event_type: 'phase_paused' }, 'event_type: Invalid option'],
    ['a fractional phase id', { phase_id: 1.5 }, 'phase_id: Invalid input: expected int'],
    ['a phase event without a phase id', { phase_id: null }, 'phase_id: must be a phase id for a phase_start event'],
    ['a run event with a phase id', { event_type: 'run_end', phase_id: 3 }, 'phase_id: must be null for a run_end event'],
    ['a negative duration', { duration_ms: -1 }, 'duration_ms: Too small'],
    ['an infinite duration', { duration_ms: Number.POSITIVE_INFINITY }, 'duration_ms: Invalid input'],
    ['a success flag that is a string', { success: 'true' }, 'success: Invalid input'],
    ['a timestamp with the +00:00 offset of Python isoformat()', { timestamp: '2026-03-01T03:34:48.123456+00:00' }, 'timestamp: Invalid ISO datetime'],
    ['a timestamp without a time zone', { timestamp: '2026-03-01T03:34:48' }, 'timestamp: Invalid ISO datetime'],
    ['a date that does not exist', { timestamp: '2026-02-30T00:00:00Z' }, 'timestamp: Invalid ISO datetime'],
    ['an unknown top-level key', { session_id: 'abc' }, ': Unrecognized key: "session_id"'],
    ['a missing metadata object', { metadata: undefined }, 'metadata: Invalid input: expected object'],
  ])('rejects %s', (_name, change, expected) => {
    expect(issuesOf({ ...phaseStart, ...change })).toContainEqual(expect.stringContaining(expected));
  });

  it('rejects an event with a required field missing', () => {
    const { timestamp: _timestamp, ...withoutTimestamp } = phaseStart;
    expect(issuesOf(withoutTimestamp)).toEqual(['timestamp: Invalid input: expected string, received undefined']);
  });
});

describe('learningEventMetadataSchema', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['attempt 0', { attempt: 0 }, 'attempt'],
    ['an unknown status', { status: 'done' }, 'status'],
    ['a fractional exit code', { exit_code: 0.5 }, 'exit_code'],
    ['an empty agent name', { agent: '' }, 'agent'],
    ['negative turns', { turns: -1 }, 'turns'],
    ['a negative cost', { cost_usd: -0.01 }, 'cost_usd'],
    ['a quality that is not a number', { quality: 'high' }, 'quality'],
    ['an empty run id', { run_id: '' }, 'run_id'],
    ['an empty plan name', { plan_name: '' }, 'plan_name'],
    ['an empty phase hash', { phase_hash: '' }, 'phase_hash'],
    ['an extra key whose value is not JSON', { started: new Date(0) }, 'started'],
    ['an extra key holding undefined', { note: undefined }, 'note'],
  ])('rejects %s and names the key', (_name, metadata, key) => {
    const result = learningEventMetadataSchema.safeParse(metadata);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([key]);
  });

  it('accepts a negative quality, whose scale is the scorer\'s', () => {
    expect(learningEventMetadataSchema.parse({ quality: -3 })).toEqual({ quality: -3 });
  });
});
