import { ToonError } from './errors.js';

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** The [lowest, highest] allowed second byte and the count of continuation bytes, by lead byte. */
function sequenceOf(lead: number): readonly [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [0x80, 0xbf, 1];
  if (lead === 0xe0) return [0xa0, 0xbf, 2];
  if (lead === 0xed) return [0x80, 0x9f, 2]; // no UTF-16 surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [0x80, 0xbf, 2];
  if (lead === 0xf0) return [0x90, 0xbf, 3];
  if (lead >= 0xf1 && lead <= 0xf3) return [0x80, 0xbf, 3];
  if (lead === 0xf4) return [0x80, 0x8f, 3];
  return undefined;
}

/** Byte offset of the first sequence that is not well-formed UTF-8, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const sequence = sequenceOf(lead);
    if (sequence === undefined) return i;
    const [low, high, continuations] = sequence;
    const second = bytes[i + 1];
    if (second === undefined || second < low || second > high) return i;
    for (let k = 2; k <= continuations; k += 1) {
      const next = bytes[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += continuations + 1;
  }
  return -1;
}

/**
 * Decodes UTF-8 text, dropping a leading byte order mark.
 * @throws ToonError `invalid_utf8` with the byte offset of the first bad sequence.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    const offset = findInvalidUtf8(bytes);
    throw new ToonError('invalid_utf8', `invalid UTF-8 at byte ${offset}`, { offset }, { cause: error });
  }
}
