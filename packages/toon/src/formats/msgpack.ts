import { DecodeError, Decoder, Encoder, ExtensionCodec, decodeTimestampToTimeSpec } from '@msgpack/msgpack';
import { ToonError } from '../errors.js';
import { KAZUBA_HEADER_LENGTH, KAZUBA_MAGIC } from '../detect.js';
import type { CheckpointLimits } from '../limits.js';

/** The kazuba container version this package reads and writes. */
export const KAZUBA_VERSION = 1;

// MessagePack timestamps (what Python writes for a datetime) are read as ISO 8601 strings, so every decoded
// value stays inside the JSON data model.
const extensionCodec = new ExtensionCodec();
extensionCodec.register({
  type: -1,
  encode: () => null,
  decode: (data) => {
    const { sec, nsec } = decodeTimestampToTimeSpec(data);
    return new Date(sec * 1000 + nsec / 1e6).toISOString();
  },
});

const encoder = new Encoder({ extensionCodec });
const EXTRA_BYTES = /found at buffer\[(\d+)\]/;

function decoderFor(limits: CheckpointLimits): Decoder {
  return new Decoder({
    extensionCodec,
    maxStrLength: limits.maxBytes,
    maxBinLength: limits.maxBytes,
    maxExtLength: limits.maxBytes,
    maxArrayLength: limits.maxEntries,
    maxMapLength: limits.maxEntries,
  });
}

function translate(error: unknown, base: number, length: number): ToonError {
  const detail = error instanceof Error ? error.message : 'unknown failure';
  const extra = EXTRA_BYTES.exec(detail)?.[1];
  if (extra !== undefined) {
    const offset = base + Number(extra);
    return new ToonError('invalid_msgpack', `unexpected bytes after the MessagePack value at byte ${offset}`, { offset }, { cause: error });
  }
  // Every other RangeError of the decoder is a read past the end of the bytes.
  if (error instanceof RangeError) {
    const offset = base + length;
    return new ToonError('truncated', `MessagePack data ends too early, at byte ${offset}`, { offset }, { cause: error });
  }
  if (error instanceof DecodeError && detail.includes('__proto__')) {
    return new ToonError('forbidden_key', 'the key "__proto__" is not allowed', {}, { cause: error });
  }
  if (error instanceof DecodeError && detail.startsWith('Max length exceeded')) {
    return new ToonError('collection_limit', `MessagePack ${detail.replace('Max length exceeded: ', '')}`, {}, { cause: error });
  }
  return new ToonError('invalid_msgpack', `invalid MessagePack: ${detail}`, {}, { cause: error });
}

/**
 * Decodes one MessagePack value that fills `bytes`; `base` is where they start in the file (for offsets).
 * @throws ToonError `truncated`, `invalid_msgpack`, `forbidden_key` or `collection_limit`.
 */
export function decodeMsgpack(bytes: Uint8Array, limits: CheckpointLimits, base = 0): unknown {
  try {
    return decoderFor(limits).decode(bytes);
  } catch (error) {
    throw translate(error, base, bytes.length);
  }
}

/** Encodes a JSON value as MessagePack. */
export function encodeMsgpack(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/**
 * Decodes a kazuba container: the 4 bytes `TOON`, version byte 1, then MessagePack.
 * The caller has seen the magic and a version byte (see `detectFormat`).
 * @throws ToonError `unsupported_version`, `truncated`, or any error of {@link decodeMsgpack}.
 */
export function decodeKazuba(bytes: Uint8Array, limits: CheckpointLimits): unknown {
  const version = bytes[4];
  if (version !== KAZUBA_VERSION) {
    const message = `unsupported kazuba version ${version} at byte 4 (this reader knows version ${KAZUBA_VERSION})`;
    throw new ToonError('unsupported_version', message, { offset: 4 });
  }
  if (bytes.length === KAZUBA_HEADER_LENGTH) {
    throw new ToonError('truncated', 'kazuba container has a header but no content', { offset: KAZUBA_HEADER_LENGTH });
  }
  return decodeMsgpack(bytes.subarray(KAZUBA_HEADER_LENGTH), limits, KAZUBA_HEADER_LENGTH);
}

/** Encodes a JSON value as a version-1 kazuba container. */
export function encodeKazuba(value: unknown): Uint8Array {
  const body = encodeMsgpack(value);
  const bytes = new Uint8Array(KAZUBA_HEADER_LENGTH + body.length);
  bytes.set(KAZUBA_MAGIC, 0);
  bytes[4] = KAZUBA_VERSION;
  bytes.set(body, KAZUBA_HEADER_LENGTH);
  return bytes;
}
