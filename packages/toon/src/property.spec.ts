import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decodeCheckpoint, encodeCheckpoint } from './codec.js';
import { CHECKPOINT_FORMATS } from './detect.js';
import { isToonError } from './errors.js';

// What a JSON round trip makes of a value: -0 becomes 0, and nothing else changes.
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const hasProtoKey = (value: unknown): boolean => JSON.stringify(value).includes('"__proto__":');

const jsonValues = fc.jsonValue({ maxDepth: 6 });
const texts = fc.string({ unit: 'grapheme', maxLength: 12 });
const checkpoints = fc.dictionary(texts, fc.oneof(jsonValues, fc.dictionary(texts, jsonValues, { maxKeys: 4 })), { maxKeys: 8 });

function decodesOrThrowsToonError(bytes: Uint8Array): void {
  try {
    decodeCheckpoint(bytes);
  } catch (error) {
    if (!isToonError(error)) throw error;
  }
}

describe('encodeCheckpoint and decodeCheckpoint, by property', () => {
  it.each(CHECKPOINT_FORMATS)('give back every JSON value written in %s', (format) => {
    fc.assert(
      fc.property(fc.oneof(jsonValues, checkpoints), (value) => {
        if ((format === 'msgpack' || format === 'kazuba') && hasProtoKey(value)) return;
        if (format === 'msgpack' && (typeof value !== 'object' || value === null || Array.isArray(value))) return;
        const decoded = decodeCheckpoint(encodeCheckpoint(value, { format }));
        expect(decoded.value).toEqual(asJson(value));
      }),
      { numRuns: 300 },
    );
  });

  it('decode random bytes to a value or a ToonError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodesOrThrowsToonError), { numRuns: 2000 });
  });

  it('decode random bytes behind each format header to a value or a ToonError', () => {
    const headers = [[0x54, 0x4f, 0x4f, 0x4e, 1], [0x85], [0xde, 0x00, 0x10], [0x7b], [0x5b, 0x33, 0x5d, 0x3a]];
    fc.assert(
      fc.property(fc.constantFrom(...headers), fc.uint8Array({ maxLength: 120 }), (header, tail) =>
        decodesOrThrowsToonError(Uint8Array.from([...header, ...tail])),
      ),
      { numRuns: 2000 },
    );
  });

  it('decode mutated checkpoints (bit flips, cuts, insertions) to a value or a ToonError', () => {
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'cut', 'insert'),
      bit: fc.integer({ min: 0, max: 7 }),
      byte: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(checkpoints, fc.constantFrom(...CHECKPOINT_FORMATS), fc.array(mutation, { minLength: 1, maxLength: 4 }), (value, format, mutations) => {
        if (hasProtoKey(value) && (format === 'msgpack' || format === 'kazuba')) return;
        const bytes = [...encodeCheckpoint(value, { format })];
        for (const { at, kind, bit, byte } of mutations) {
          const index = bytes.length === 0 ? 0 : at % bytes.length;
          if (kind === 'flip' && bytes.length > 0) bytes[index] = (bytes[index] as number) ^ (1 << bit);
          if (kind === 'cut') bytes.length = index;
          if (kind === 'insert') bytes.splice(index, 0, byte);
        }
        decodesOrThrowsToonError(Uint8Array.from(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
