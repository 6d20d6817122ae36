import type { BridgeError } from '../errors.js';
import { formatLearningEventsJsonl, parseLearningEventLine, stripByteOrderMark } from '../jsonl.js';
import type { LearningEvent } from '../learning-event.js';
import { appendLines, readTextLines, toFileError, writeTextAtomically } from './text-files.js';
import type { NumberedLine } from './text-files.js';

/** How errors name a learning-events file. */
export const LEARNING_EVENTS = 'learning events';

/** Options of {@link readLearningEvents}. */
export interface ReadLearningEventsOptions {
  /**
   * Receives each line that is not a valid learning event (an `invalid_json_line` or `invalid_event_line`
   * {@link BridgeError} naming the file and line); the line is then left out and reading goes on. Without it,
   * the first bad line fails the read. Either way no line is skipped silently.
   * @default undefined: a bad line throws
   */
  readonly onInvalidLine?: (error: BridgeError) => void;
}

/** Options of {@link writeLearningEventsJsonl}. */
export interface WriteLearningEventsOptions {
  /**
   * Add the events to the end of the file instead of replacing it: how a history grows across runs.
   * @default false
   */
  readonly append?: boolean;
}

/** What a learning-event export wrote. */
export interface ExportedEvents {
  /** The file written. */
  readonly path: string;
  /** How many events were written. */
  readonly count: number;
}

/** Options of {@link parseEventLines} and {@link streamLearningEvents}. */
export interface ParseEventLinesOptions extends ReadLearningEventsOptions {
  /**
   * Tells from a line's text whether the reader may need it; the lines it refuses are left out unparsed, so
   * unreported even when they are not learning events.
   * @default every line is parsed
   */
  readonly select?: (text: string) => boolean;
}

/** A learning event and the text of its line. */
export interface EventLine {
  readonly event: LearningEvent;
  /** The line as written, without its line end (and without a byte order mark on the first line). */
  readonly text: string;
}

/**
 * Parses lines of a JSONL file into learning events, handing bad lines to `onInvalidLine` (or throwing).
 * @throws BridgeError as {@link readLearningEvents}.
 */
export async function* parseEventLines(lines: AsyncIterable<NumberedLine>, path: string, options: ParseEventLinesOptions): AsyncGenerator<EventLine> {
  for await (const { text: raw, line } of lines) {
    const text = line === 1 ? stripByteOrderMark(raw) : raw;
    if (options.select?.(text) === false) continue;
    let event: LearningEvent | undefined;
    try {
      event = parseLearningEventLine(text, line, path);
    } catch (error) {
      if (options.onInvalidLine === undefined) throw error;
      // parseLearningEventLine throws only invalid_json_line and invalid_event_line errors.
      options.onInvalidLine(error as BridgeError);
    }
    if (event !== undefined) yield { event, text };
  }
}

/**
 * Yields the learning events of a JSONL file one at a time, so a long history is never held in memory whole.
 * @throws BridgeError as {@link readLearningEvents}.
 */
export async function* streamLearningEvents(path: string, options: ParseEventLinesOptions = {}): AsyncGenerator<LearningEvent> {
  for await (const { event } of parseEventLines(readTextLines(path, LEARNING_EVENTS), path, options)) yield event;
}

/**
 * Reads a JSONL file of learning events: one event per line, blank lines skipped, CRLF and a byte order mark
 * accepted, every event validated and frozen.
 * @throws BridgeError `not_found` when the file does not exist, `io_error` when it cannot be read,
 * `invalid_json_line` or `invalid_event_line` naming the file and the 1-based line of the first bad line.
 * @example
 * const events = await readLearningEvents('.hypervisor/learning.jsonl');
 * console.log(summarizeLearningEvents(events).failed);
 */
export async function readLearningEvents(path: string, options: ReadLearningEventsOptions = {}): Promise<LearningEvent[]> {
  const events: LearningEvent[] = [];
  for await (const event of streamLearningEvents(path, options)) events.push(event);
  return events;
}

/**
 * Writes learning events to a JSONL file. Replacing writes atomically (temporary file, then rename); appending
 * adds whole lines in one call, after a line feed when the file ends inside a line, so no line is ever torn.
 * Every event is validated before anything is written; appending no events leaves the file untouched.
 * @throws BridgeError `invalid_event` naming the first invalid event, `io_error` naming the file.
 * @example
 * await writeLearningEventsJsonl('.hypervisor/learning.jsonl', events, { append: true });
 */
export async function writeLearningEventsJsonl(
  path: string,
  events: Iterable<LearningEvent>,
  options: WriteLearningEventsOptions = {},
): Promise<ExportedEvents> {
  const list = [...events];
  const text = formatLearningEventsJsonl(list);
  const append = options.append ?? false;
  try {
    if (!append) await writeTextAtomically(path, text);
    else if (text !== '') await appendLines(path, text);
  } catch (error) {
    throw toFileError(error, path, append ? 'append to' : 'write', LEARNING_EVENTS);
  }
  return { path, count: list.length };
}
