/** Every way reading or writing learning events can fail; the `code` of a {@link BridgeError}. */
export const BRIDGE_ERROR_CODES = ['invalid_json_line', 'invalid_event_line', 'invalid_event'] as const;

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
