import { deepFreeze } from './deep-freeze.js';
import { BridgeError } from './errors.js';
import { describeIssues, toEventIssues } from './event-issues.js';
import { learningEventSchema } from './learning-event.js';
import type { LearningEvent } from './learning-event.js';

const BYTE_ORDER_MARK = '\uFEFF';

function parseJsonLine(text: string, where: string, context: { source?: string; line: number }): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse of a string only throws SyntaxError; anything else is a bug to surface, not a bad line.
    if (!(error instanceof SyntaxError)) throw error;
    throw new BridgeError('invalid_json_line', `${where}: invalid JSON: ${error.message}`, context, { cause: error });
  }
}

/**
 * Parses one line of JSONL text into a frozen, validated learning event; `undefined` for a blank line.
 * @param line 1-based line number, named in errors
 * @throws BridgeError `invalid_json_line` or `invalid_event_line`.
 */
export function parseLearningEventLine(lineText: string, line: number, source?: string): LearningEvent | undefined {
  if (lineText.trim() === '') return undefined;
  const where = source === undefined ? `line ${line}` : `${source}:${line}`;
  const context = source === undefined ? { line } : { source, line };
  const result = learningEventSchema.safeParse(parseJsonLine(lineText, where, context));
  if (!result.success) {
    const issues = toEventIssues(result.error);
    throw new BridgeError('invalid_event_line', `${where}: invalid learning event: ${describeIssues(issues)}`, { ...context, issues }, {
      cause: result.error,
    });
  }
  return deepFreeze(result.data);
}

/** Drops a leading byte order mark, which some editors write at the start of a UTF-8 file. */
export function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

/**
 * Reads learning events from JSONL text: one JSON object per line, as the original's `export_jsonl` wrote
 * them. Blank lines (such as the final newline) are skipped, CRLF line ends and a leading byte order mark
 * are accepted. Every event is validated and returned frozen.
 * @param text the whole JSONL text
 * @param source where the text came from, named in error messages (usually the file name)
 * @throws BridgeError `invalid_json_line` when a line is not JSON, `invalid_event_line` when it is JSON but
 * not a learning event; the one-line message names the source, the 1-based line number and the problem.
 * @example
 * const events = parseLearningEventsJsonl(await readFile('learning/events.jsonl', 'utf8'), 'learning/events.jsonl');
 * const failures = events.filter((event) => event.event_type === 'phase_failed');
 */
export function parseLearningEventsJsonl(text: string, source?: string): LearningEvent[] {
  const events: LearningEvent[] = [];
  stripByteOrderMark(text)
    .split(/\r?\n/)
    .forEach((lineText, position) => {
      const event = parseLearningEventLine(lineText, position + 1, source);
      if (event !== undefined) events.push(event);
    });
  return events;
}

/**
 * Validates one learning event about to be written, returning zod's output (listed metadata keys first).
 * @param index 0-based position of the event in what is being written, named in errors
 * @throws BridgeError `invalid_event`.
 */
export function validateLearningEvent(event: LearningEvent, index: number): LearningEvent {
  const result = learningEventSchema.safeParse(event);
  if (result.success) return result.data;
  const issues = toEventIssues(result.error);
  throw new BridgeError('invalid_event', `event ${index}: invalid learning event: ${describeIssues(issues)}`, { index, issues }, {
    cause: result.error,
  });
}

/**
 * Writes learning events as JSONL: one JSON object per line, each line ending in `\n`, keys in the order of
 * {@link learningEventSchema} (the original's order) with the listed metadata keys first. Every event is
 * validated first, so nothing is written that {@link parseLearningEventsJsonl} would reject; reading the
 * text back gives equal events. No events give the empty string.
 * @throws BridgeError `invalid_event` naming the 0-based position of the first invalid event and its fields.
 * @example
 * const text = formatLearningEventsJsonl([
 *   { event_type: 'phase_start', phase_id: 15, duration_ms: null, success: null,
 *     metadata: { attempt: 1, run_id: 'r-42' }, timestamp: '2026-03-01T03:34:48.000Z' },
 * ]);
 * await appendFile('learning/events.jsonl', text);
 */
export function formatLearningEventsJsonl(events: Iterable<LearningEvent>): string {
  let text = '';
  let index = 0;
  for (const event of events) {
    text += `${JSON.stringify(validateLearningEvent(event, index))}\n`;
    index += 1;
  }
  return text;
}
