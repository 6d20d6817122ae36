/** The four encodings found in `.toon` files. */
export const CHECKPOINT_FORMATS = ['toon', 'kazuba', 'msgpack', 'json'] as const;

/**
 * A checkpoint encoding: `toon` (TOON text, what we write by default), `kazuba` (the 4 bytes `TOON`,
 * a version byte, then MessagePack: the original's container), `msgpack` (a bare MessagePack map) or
 * `json` (JSON text, the original's fallback).
 */
export type CheckpointFormat = (typeof CHECKPOINT_FORMATS)[number];

/** The 4 bytes `TOON` that open a kazuba container. */
export const KAZUBA_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e);

/** Bytes of the kazuba header: magic plus one version byte. */
export const KAZUBA_HEADER_LENGTH = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hasKazubaMagic(bytes: Uint8Array): boolean {
  return KAZUBA_MAGIC.every((byte, index) => bytes[index] === byte);
}

// A TOON text document may itself begin with the word TOON, but the byte after it is then text: printable
// ASCII, a line break or tab, or a UTF-8 lead byte. Any other byte there is a kazuba version byte
// (1 today; others are reported as unsupported versions rather than misread as text).
function couldContinueText(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0xc2 && byte <= 0xf4);
}

function isKazuba(bytes: Uint8Array): boolean {
  const version = bytes[4];
  return hasKazubaMagic(bytes) && version !== undefined && !couldContinueText(version);
}

// fixmap (0x80-0x8f) can never start UTF-8 text; map16/map32 (0xde, 0xdf) are also UTF-8 lead bytes, so
// for them the input counts as MessagePack only when it is not valid UTF-8 text.
function isMsgpackMap(bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first === undefined) return false;
  if (first >= 0x80 && first <= 0x8f) return true;
  if (first !== 0xde && first !== 0xdf) return false;
  try {
    utf8.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

// TOON's root array header `[3]:` or `[2]{a,b}:` also starts with a bracket; in JSON a closing bracket is
// never followed by `:` or `{`.
const TOON_ROOT_ARRAY = /^\[\d+[^\]\n]*\][:{]/;

function firstTextIndex(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d) i += 1;
  return i;
}

function isJsonText(bytes: Uint8Array): boolean {
  const start = firstTextIndex(bytes);
  const first = bytes[start];
  if (first === 0x7b) return true; // `{`: TOON keys and root strings never start with an unquoted brace
  if (first !== 0x5b) return false;
  const head = new TextDecoder().decode(bytes.subarray(start, start + 256));
  return !TOON_ROOT_ARRAY.test(head);
}

/**
 * Tells which of the four checkpoint encodings `bytes` are in, from their first bytes. It never throws:
 * input that is neither binary format nor JSON text is TOON text, and decoding reports what is wrong.
 *
 * @example
 * detectFormat(await readFile('checkpoints/phase_11.toon')); // 'msgpack'
 */
export function detectFormat(bytes: Uint8Array): CheckpointFormat {
  if (isKazuba(bytes)) return 'kazuba';
  if (isMsgpackMap(bytes)) return 'msgpack';
  if (isJsonText(bytes)) return 'json';
  return 'toon';
}
