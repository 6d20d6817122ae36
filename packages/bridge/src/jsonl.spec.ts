import { describe, expect, it } from '@jest/globals';
import { PHASE_STATUSES } from '@kazuba/hypervisor-v2';
import fc from 'fast-check';
import { phaseStart, runEvents } from './__fixtures__/events.js';
import { isBridgeError } from './errors.js';
import type { BridgeError } from './errors.js';
import { formatLearningEventsJsonl, parseLearningEventsJsonl } from './jsonl.js';
import { LEARNING_EVENT_TYPES } from './learning-event.js';
import type { LearningEvent } from './learning-event.js';

function rejectionOf(run: () => unknown): BridgeError {
  try {
    run();
  } catch (error) {
    if (isBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

const line = (event: unknown): string => JSON.stringify(event);
const good = line(phaseStart);

describe('parseLearningEventsJsonl', () => {
  it('reads one event per line, in order', () => {
    const text = runEvents.map(line).join('\n');
    expect(parseLearningEventsJsonl(text)).toEqual(runEvents);
  });

  it.each<[string, string, number]>([
    ['an empty text', '', 0],
    ['a trailing newline', `${good}\n`, 1],
    ['blank and whitespace-only lines', `\n${good}\n   \n\t\n${good}\n\n`, 2],
    ['CRLF line ends', `${good}\r\n${good}\r\n`, 2],
    ['a leading byte order mark', `\uFEFF${good}\n`, 1],
    ['spaces around the object', `  ${good}  \n`, 1],
    [
      'a line written by the original, with the separators of Python json.dumps',
      '{"event_type": "phase_start", "phase_id": 11, "duration_ms": 0, "success": false, "metadata": {}, "timestamp": "2026-03-01T03:34:48.123456Z"}\n',
      1,
    ],
  ])('accepts %s', (_name, text, count) => {
    expect(parseLearningEventsJsonl(text)).toHaveLength(count);
  });

  it('returns frozen events, metadata included', () => {
    const [event] = parseLearningEventsJsonl(line(runEvents[3]));
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event?.metadata)).toBe(true);
    expect(Object.isFrozen(event?.metadata['validation_tail'])).toBe(true);
  });

  it.each<[string, string, string, string]>([
    ['a truncated object', `${good}\n${good.slice(0, 20)}`, 'invalid_json_line', 'events.jsonl:2: invalid JSON: '],
    ['text that is not JSON', `${good}\n\nnot json\n`, 'invalid_json_line', 'events.jsonl:3: invalid JSON: '],
    ['two objects on one line', `${good}${good}`, 'invalid_json_line', 'events.jsonl:1: invalid JSON: '],
    ['a JSON array', `[${good}]`, 'invalid_event_line', 'events.jsonl:1: invalid learning event: Invalid input: expected object, received array'],
    [
      'an unknown event type after a blank line',
      `${good}\n\n${line({ ...phaseStart, event_type: 'phase_paused' })}`,
      'invalid_event_line',
      'events.jsonl:3: invalid learning event: event_type: Invalid option',
    ],
    [
      'a bad metadata value',
      `${good}\r\n${line({ ...phaseStart, metadata: { attempt: 0 } })}\r\n`,
      'invalid_event_line',
      'events.jsonl:2: invalid learning event: metadata.attempt: Too small',
    ],
    [
      'a timestamp in Python isoformat()',
      line({ ...phaseStart, timestamp: '2026-03-01T03:34:48.123456+00:00' }),
      'invalid_event_line',
      'events.jsonl:1: invalid learning event: timestamp: Invalid ISO datetime',
    ],
  ])('rejects %s, naming the file and line', (_name, text, code, messageStart) => {
    const error = rejectionOf(() => parseLearningEventsJsonl(text, 'events.jsonl'));
    expect(error.code).toBe(code);
    expect(error.message.startsWith(messageStart)).toBe(true);
    expect(error.message).not.toContain('\n');
    expect(error.context.source).toBe('events.jsonl');
  });

  it('keeps the line number, every issue and the cause in the error', () => {
    const text = `${good}\n${line({ ...phaseStart, duration_ms: -5, metadata: { turns: -1 } })}\n`;
    const error = rejectionOf(() => parseLearningEventsJsonl(text, 'events.jsonl'));
    expect(error.context.line).toBe(2);
    expect(error.context.issues?.map((issue) => issue.path)).toEqual(['duration_ms', 'metadata.turns']);
    expect(error.message).toMatch(/^events\.jsonl:2: invalid learning event: duration_ms: .+; metadata\.turns: .+$/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('rejects metadata nested 100 000 levels deep as an invalid line instead of overflowing the stack', () => {
    const deep = `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const text = `${good}\n${good.replace('"metadata":{}', `"metadata":${deep}`)}\n`;
    const error = rejectionOf(() => parseLearningEventsJsonl(text, 'events.jsonl'));
    expect(error.code).toBe('invalid_event_line');
    expect(error.message).toMatch(/^events\.jsonl:2: invalid learning event: metadata\.x(\[0\])+: nests deeper than 64 levels$/);
  });

  it('keeps the SyntaxError as the cause of an invalid_json_line', () => {
    const error = rejectionOf(() => parseLearningEventsJsonl('{'));
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('names the line without a source when none is given', () => {
    const error = rejectionOf(() => parseLearningEventsJsonl(`${good}\n{"event_type":`));
    expect(error.message.startsWith('line 2: invalid JSON: ')).toBe(true);
    expect(error.context).toEqual({ line: 2 });
  });
});

describe('formatLearningEventsJsonl', () => {
  it('writes one JSON object per line, each line ending in a newline', () => {
    const text = formatLearningEventsJsonl(runEvents);
    const lines = text.split('\n');
    expect(lines).toHaveLength(runEvents.length + 1);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((text) => JSON.parse(text) as unknown)).toEqual(runEvents);
  });

  it('writes nothing for no events', () => {
    expect(formatLearningEventsJsonl([])).toBe('');
  });

  it('writes the keys in the order of the original, listed metadata keys first', () => {
    const shuffled = {
      timestamp: phaseStart.timestamp,
      metadata: { backoff_ms: 10, run_id: 'r-1', attempt: 2 },
      success: null,
      duration_ms: null,
      phase_id: 15,
      event_type: 'phase_retry',
    } as const;
    expect(formatLearningEventsJsonl([shuffled])).toBe(
      '{"event_type":"phase_retry","phase_id":15,"duration_ms":null,"success":null,' +
        '"metadata":{"attempt":2,"run_id":"r-1","backoff_ms":10},"timestamp":"2026-03-01T03:34:48.123Z"}\n',
    );
  });

  it('reads back what it wrote, for the fixture run', () => {
    expect(parseLearningEventsJsonl(formatLearningEventsJsonl(runEvents))).toEqual(runEvents);
  });

  it('accepts any iterable of events, such as a generator', () => {
    function* events(): Generator<LearningEvent> {
      yield phaseStart;
      yield { ...phaseStart, event_type: 'phase_end', duration_ms: 10, success: true };
    }
    expect(formatLearningEventsJsonl(events()).split('\n')).toHaveLength(3);
  });

  it.each<[string, unknown, string]>([
    ['a run event with a phase id', { ...phaseStart, event_type: 'run_start' }, 'event 1: invalid learning event: phase_id: must be null for a run_start event'],
    ['a timestamp that is not UTC', { ...phaseStart, timestamp: '2026-03-01T04:34:48+01:00' }, 'event 1: invalid learning event: timestamp: Invalid ISO datetime'],
    ['a NaN duration', { ...phaseStart, duration_ms: Number.NaN }, 'event 1: invalid learning event: duration_ms: Invalid input: expected number, received NaN'],
    ['an undefined extra metadata value', { ...phaseStart, metadata: { note: undefined } }, 'event 1: invalid learning event: metadata.note: undefined is not a JSON value'],
    ['a function inside a metadata list', { ...phaseStart, metadata: { tags: ['a', () => 1] } }, 'event 1: invalid learning event: metadata.tags[1]: a function is not a JSON value'],
    ['a metadata key that is not an identifier', { ...phaseStart, metadata: { 'exit code': 1n } }, 'event 1: invalid learning event: metadata["exit code"]: a bigint is not a JSON value'],
  ])('rejects %s with invalid_event naming its position and field', (_name, bad, messageStart) => {
    const error = rejectionOf(() => formatLearningEventsJsonl([phaseStart, bad as LearningEvent, phaseStart]));
    expect(error.code).toBe('invalid_event');
    expect(error.message.startsWith(messageStart)).toBe(true);
    expect(error.context.index).toBe(1);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

const timestampArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());
const nonNegativeArb = fc.double({ min: 0, max: 1e12, noNaN: true }).map((value) => (value === 0 ? 0 : value));
const listedMetadataArb = fc.record(
  {
    attempt: fc.integer({ min: 1, max: 50 }),
    status: fc.constantFrom(...PHASE_STATUSES),
    exit_code: fc.integer({ min: -255, max: 255 }),
    agent: fc.string({ minLength: 1 }),
    turns: fc.nat(),
    cost_usd: nonNegativeArb,
    quality: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value)),
    run_id: fc.string({ minLength: 1 }),
    plan_name: fc.string({ minLength: 1 }),
    phase_hash: fc.string({ minLength: 1 }),
  },
  { requiredKeys: [] },
);
const LISTED_KEYS = new Set(['attempt', 'status', 'exit_code', 'agent', 'turns', 'cost_usd', 'quality', 'run_id', 'plan_name', 'phase_hash']);
// Extra keys hold any JSON; `__proto__` is left out because the schema drops it (tested above), and the value
// goes through JSON once so that -0 becomes 0 as it would in any JSON file.
const extraMetadataArb = fc
  .dictionary(
    fc.string().filter((key) => !LISTED_KEYS.has(key) && key !== '__proto__'),
    fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown),
    { maxKeys: 4 },
  );
const eventArb: fc.Arbitrary<LearningEvent> = fc
  .record({
    event_type: fc.constantFrom(...LEARNING_EVENT_TYPES),
    phase_id: fc.integer({ min: 0, max: 10_000 }),
    duration_ms: fc.option(nonNegativeArb, { nil: null }),
    success: fc.option(fc.boolean(), { nil: null }),
    listed: listedMetadataArb,
    extra: extraMetadataArb,
    timestamp: timestampArb,
  })
  .map(({ listed, extra, event_type, phase_id, ...rest }) => ({
    event_type,
    phase_id: event_type === 'run_start' || event_type === 'run_end' ? null : phase_id,
    ...rest,
    metadata: { ...extra, ...listed } as LearningEvent['metadata'],
  }));

describe('JSONL round trip', () => {
  it('reads back every valid list of events unchanged', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 8 }), (events) => {
        expect(parseLearningEventsJsonl(formatLearningEventsJsonl(events), 'generated.jsonl')).toEqual(events);
      }),
    );
  });

  it('writes exactly one line per event whatever the strings contain', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 8 }), (events) => {
        const text = formatLearningEventsJsonl(events);
        expect(text.split('\n')).toHaveLength(events.length + 1);
      }),
    );
  });
});
