import { ToonError } from './errors.js';

/** Bounds that keep decoding untrusted bytes cheap and safe. Encoding honours them too, so that
 * whatever we write can be read back with the same limits. */
export interface CheckpointLimits {
  /**
   * Largest input (or encoded output) in bytes.
   * @default 16777216 (16 MiB)
   */
  readonly maxBytes: number;
  /**
   * Deepest nesting of objects and arrays; the root object is depth 1.
   * @default 64
   */
  readonly maxDepth: number;
  /**
   * Most entries in one object or array.
   * @default 100000
   */
  readonly maxEntries: number;
}

/** The limits used when a caller gives none. */
export const DEFAULT_LIMITS: Readonly<CheckpointLimits> = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxEntries: 100_000,
});

/**
 * Fills in defaults and checks that every limit is a positive integer.
 * @throws ToonError `invalid_options` when a limit is not a positive integer.
 */
export function resolveLimits(limits: Partial<CheckpointLimits> = {}): CheckpointLimits {
  const resolved = { ...DEFAULT_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ToonError('invalid_options', `limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return resolved;
}
