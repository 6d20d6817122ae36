/** Every way reading or writing a checkpoint can fail; the `code` of a {@link ToonError}. */
export const TOON_ERROR_CODES = [
  'not_found',
  'io_error',
  'input_too_large',
  'depth_limit',
  'collection_limit',
  'truncated',
  'unsupported_version',
  'invalid_utf8',
  'invalid_toon',
  'invalid_json',
  'invalid_msgpack',
  'forbidden_key',
  'unsupported_value',
  'invalid_checkpoint',
  'invalid_options',
] as const;

/** The closed set of {@link ToonError} codes. */
export type ToonErrorCode = (typeof TOON_ERROR_CODES)[number];

/** Where in the input a problem was found, when the decoder knows. */
export interface ToonErrorContext {
  /** File the bytes came from. */
  readonly path?: string;
  /** Byte offset into the input (binary formats and UTF-8 errors). */
  readonly offset?: number;
  /** 1-based line number (text formats). */
  readonly line?: number;
  /** JSON-path-like location inside the value, e.g. `$.results.checks`. */
  readonly at?: string;
}

const BRAND = Symbol.for('kazuba.toon.error');
const CODES: ReadonlySet<string> = new Set(TOON_ERROR_CODES);

/**
 * The one error type of `@kazuba/toon`: a typed `code`, where it happened, and the underlying `cause`.
 *
 * The message is one line and names the problem and its place (file, line or byte offset).
 */
export class ToonError extends Error {
  override readonly name = 'ToonError';
  readonly code: ToonErrorCode;
  readonly context: ToonErrorContext;
  readonly [BRAND] = true;

  constructor(code: ToonErrorCode, message: string, context: ToonErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = Object.freeze({ ...context });
  }

  /** A copy of this error that also names the file it came from. */
  withPath(path: string): ToonError {
    if (this.context.path !== undefined) return this;
    return new ToonError(this.code, `${path}: ${this.message}`, { ...this.context, path }, { cause: this.cause });
  }
}

/**
 * Tells whether `value` is a {@link ToonError}, also across copies of this package (it checks a
 * registered brand and the code, not `instanceof` alone).
 */
export function isToonError(value: unknown): value is ToonError {
  if (value instanceof ToonError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
