/**
 * Every way the bridge can fail; the `code` of a {@link BridgeError}.
 *
 * - `invalid_json_line`: a JSONL line is not JSON.
 * - `invalid_event_line`: a JSONL line is JSON but not a learning event.
 * - `invalid_event`: a learning event given to a writer is invalid.
 * - `invalid_record`: an RLM learning record given to a sink is invalid.
 * - `invalid_reward`: a reward input is not a finite, non-negative number, or the weighted reward is not finite.
 * - `invalid_options`: an option is out of range (a weight, `keepLast`, `keepRuns`, `keepDurations`, an empty plan name).
 * - `not_found`: a file to read does not exist.
 * - `io_error`: a file cannot be read or written.
 * - `rlm_failed`: RLM records could not be produced or written; reported by `flush()`.
 */
export const BRIDGE_ERROR_CODES = [
  'invalid_json_line',
  'invalid_event_line',
  'invalid_event',
  'invalid_record',
  'invalid_reward',
  'invalid_options',
  'not_found',
  'io_error',
  'rlm_failed',
] as const;

/** The closed set of {@link BridgeError} codes. */
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

/** One problem zod found in an event, with the field it concerns. */
export interface EventIssue {
  /** Where in the event, e.g. `metadata.attempt` or `metadata.tags[2]`; empty for the event itself. */
  readonly path: string;
  /** What is wrong there, one line. */
  readonly message: string;
}

/** Where a {@link BridgeError} happened, as far as the failing function knows. */
export interface BridgeErrorContext {
  /** The file or stream the text came from, when the caller named one. */
  readonly source?: string;
  /** The file being read or written. */
  readonly path?: string;
  /** The option or reward input at fault, e.g. `weights.cost` or `durationMs`. */
  readonly field?: string;
  /** How many failures an aggregated error stands for. */
  readonly failures?: number;
  /** 1-based line number in JSONL text. */
  readonly line?: number;
  /** 0-based position of the event in the list being written. */
  readonly index?: number;
  /** Every problem found in the event. */
  readonly issues?: readonly EventIssue[];
}

const BRAND = Symbol.for('kazuba.bridge.error');
const CODES: ReadonlySet<string> = new Set(BRIDGE_ERROR_CODES);

/**
 * The one error type of `@kazuba/bridge`: a typed `code`, a frozen `context` and the underlying `cause`.
 *
 * The message is one line and names the source, the line or position, and the problem.
 */
export class BridgeError extends Error {
  override readonly name = 'BridgeError';
  readonly code: BridgeErrorCode;
  readonly context: BridgeErrorContext;
  readonly [BRAND] = true;

  constructor(code: BridgeErrorCode, message: string, context: BridgeErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}

/**
 * Tells whether `value` is a {@link BridgeError}, also one thrown by another copy of this package: it checks a
 * registered brand and that the code is one of {@link BRIDGE_ERROR_CODES}, not `instanceof`.
 * @example
 * try {
 *   parseLearningEventsJsonl(text, 'learning/events.jsonl');
 * } catch (error) {
 *   if (isBridgeError(error)) console.error(error.message); // names the file and line
 *   else throw error;
 * }
 */
export function isBridgeError(value: unknown): value is BridgeError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
