import { detectFormat } from './detect.js';
import type { CheckpointFormat } from './detect.js';
import { ToonError } from './errors.js';
import type { ToonErrorCode } from './errors.js';
import { assertJsonValue } from './json-value.js';
import type { JsonValue, JsonValueRules } from './json-value.js';
import { resolveLimits } from './limits.js';
import type { CheckpointLimits } from './limits.js';
import { decodeJsonText, encodeJsonText } from './formats/json-text.js';
import { decodeKazuba, decodeMsgpack, encodeKazuba, encodeMsgpack } from './formats/msgpack.js';
import { decodeToonText, encodeToonText } from './formats/toon-text.js';
import type { ToonDecodeOptions, ToonEncodeOptions } from './formats/toon-text.js';
import { decodeUtf8 } from './utf8.js';

/** Options of {@link decodeCheckpoint}. */
export interface DecodeCheckpointOptions extends ToonDecodeOptions {
  /** Bounds on size, depth and collection sizes; see {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<CheckpointLimits>;
}

/** What {@link decodeCheckpoint} found: the encoding and the value. */
export interface DecodedCheckpoint {
  readonly format: CheckpointFormat;
  readonly value: JsonValue;
}

/** Options of {@link encodeCheckpoint}. */
export interface EncodeCheckpointOptions extends ToonEncodeOptions {
  /**
   * The encoding to write.
   * @default 'toon'
   */
  readonly format?: CheckpointFormat;
  /** Bounds the value must respect so that it can be read back; see {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<CheckpointLimits>;
}

const textEncoder = new TextEncoder();

// Decoded values cannot be circular; MessagePack may carry NaN, and its decoder already refuses `__proto__`.
const DECODED_VALUE_RULES: JsonValueRules = { finiteNumbers: false, wellFormedText: false, noProtoKey: false, acyclic: false };

const UNEXPECTED_FAILURE_CODE = {
  kazuba: 'invalid_msgpack',
  msgpack: 'invalid_msgpack',
  json: 'invalid_json',
  toon: 'invalid_toon',
} as const satisfies Record<CheckpointFormat, ToonErrorCode>;

function decodeByFormat(format: CheckpointFormat, bytes: Uint8Array, options: DecodeCheckpointOptions, limits: CheckpointLimits): unknown {
  switch (format) {
    case 'kazuba':
      return decodeKazuba(bytes, limits);
    case 'msgpack':
      return decodeMsgpack(bytes, limits);
    case 'json':
      return decodeJsonText(decodeUtf8(bytes));
    case 'toon':
      return decodeToonText(decodeUtf8(bytes), options, limits);
  }
}

/**
 * Decodes checkpoint bytes in any of the four formats, detected from the bytes, within the given limits.
 * Objects in the result are plain; a `__proto__` key in TOON or JSON text is an ordinary own key (as the TOON
 * specification requires) and never reaches a prototype.
 *
 * @throws ToonError `input_too_large`, `truncated`, `unsupported_version`, `invalid_utf8`, `invalid_toon`,
 *   `invalid_json`, `invalid_msgpack`, `depth_limit`, `collection_limit`, `forbidden_key`,
 *   `unsupported_value` or `invalid_options`; never any other error.
 * @example
 * const { format, value } = decodeCheckpoint(await readFile('checkpoints/phase_11.toon'));
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): DecodedCheckpoint {
  const limits = resolveLimits(options.limits);
  if (bytes.length > limits.maxBytes) {
    throw new ToonError('input_too_large', `input is ${bytes.length} bytes, over the limit of ${limits.maxBytes}`);
  }
  const format = detectFormat(bytes);
  try {
    const value = decodeByFormat(format, bytes, options, limits);
    assertJsonValue(value, limits, DECODED_VALUE_RULES);
    return { format, value };
  } catch (error) {
    if (error instanceof ToonError) throw error;
    throw new ToonError(UNEXPECTED_FAILURE_CODE[format], `${format} decoder failed unexpectedly`, {}, { cause: error });
  }
}

function encodeByFormat(value: JsonValue, format: CheckpointFormat, options: EncodeCheckpointOptions): Uint8Array {
  switch (format) {
    case 'kazuba':
      return encodeKazuba(value);
    case 'msgpack':
      // A bare MessagePack checkpoint is recognised by its map header, so only an object can be one.
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ToonError('unsupported_value', 'a bare MessagePack checkpoint must be an object at $ (use kazuba for other values)', { at: '$' });
      }
      return encodeMsgpack(value);
    case 'json':
      return textEncoder.encode(encodeJsonText(value, options.indentSize ?? 2));
    case 'toon':
      return textEncoder.encode(encodeToonText(value, options));
    default:
      throw new ToonError('invalid_options', `unknown checkpoint format ${JSON.stringify(format)}`);
  }
}

/**
 * Encodes a JSON value as checkpoint bytes; TOON text unless another `format` is asked for. Text formats end
 * with a newline. `decodeCheckpoint` of the result gives back an equal value (`-0` is written as `0`).
 *
 * @throws ToonError `unsupported_value` (undefined, a non-finite number, a lone surrogate, a class
 *   instance, a cycle),
 *   `forbidden_key` (a `__proto__` key in MessagePack formats), `depth_limit`, `collection_limit`, `input_too_large` or `invalid_options`.
 * @example
 * const bytes = encodeCheckpoint({ phase_id: 11, status: 'success' }); // "phase_id: 11\nstatus: success\n"
 */
export function encodeCheckpoint(value: unknown, options: EncodeCheckpointOptions = {}): Uint8Array {
  const limits = resolveLimits(options.limits);
  const format = options.format ?? 'toon';
  const binary = format === 'kazuba' || format === 'msgpack';
  assertJsonValue(value, limits, { finiteNumbers: true, wellFormedText: true, noProtoKey: binary, acyclic: true });
  const bytes = encodeByFormat(value, format, options);
  if (bytes.length > limits.maxBytes) {
    throw new ToonError('input_too_large', `encoded checkpoint is ${bytes.length} bytes, over the limit of ${limits.maxBytes}`);
  }
  return bytes;
}
