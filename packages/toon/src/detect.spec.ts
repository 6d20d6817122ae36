import { describe, expect, it } from '@jest/globals';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { detectFormat } from './detect.js';
import type { CheckpointFormat } from './detect.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('detectFormat', () => {
  const bigMap = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]));
  it.each<[string, Uint8Array, CheckpointFormat]>([
    ['the kazuba container', Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 1, 0x80), 'kazuba'],
    ['a kazuba container of an unknown version', Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 0x02, 0x80), 'kazuba'],
    ['a kazuba header without content', Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 1), 'kazuba'],
    ['a bare MessagePack fixmap', encodeMsgpack({ phase_id: 11 }), 'msgpack'],
    ['a bare MessagePack map16', encodeMsgpack(bigMap), 'msgpack'],
    ['JSON object text', text('{\n  "phase_id": 11\n}'), 'json'],
    ['JSON after a byte order mark and blank lines', text('\uFEFF\n\n  {"a": 1}'), 'json'],
    ['a JSON array', text('[1, 2, 3]'), 'json'],
    ['TOON key-value text', text('phase_id: 11\nstatus: success'), 'toon'],
    ['a TOON root array header', text('[3]: a,b,c'), 'toon'],
    ['a TOON root table header', text('[2]{id,name}:\n  1,a\n  2,b'), 'toon'],
    ['a TOON root table with quoted and nested field names', text('[1]{"}",a{b}}:\n  1,2'), 'toon'],
    ['a JSON array of arrays', text('[[1], [2]]'), 'json'],
    ['TOON text that starts with the word TOON', text('TOON: yes'), 'toon'],
    ['the four letters TOON alone', text('TOON'), 'toon'],
    ['TOON text with a non-ASCII letter after TOON', text('TOONé: 1'), 'toon'],
    ['TOON text whose first character is a Thaana letter (a map16 lead byte)', text('\u0780: 1'), 'toon'],
    ['empty input, an empty TOON document', new Uint8Array(), 'toon'],
    ['bytes that are no format at all', Uint8Array.of(0xff, 0x00, 0x13), 'toon'],
  ])('recognises %s', (_name, bytes, format) => {
    expect(detectFormat(bytes)).toBe(format);
  });
});
