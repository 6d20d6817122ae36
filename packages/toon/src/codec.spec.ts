import { describe, expect, it } from '@jest/globals';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { decodeCheckpoint, encodeCheckpoint } from './codec.js';
import type { DecodeCheckpointOptions } from './codec.js';
import { CHECKPOINT_FORMATS } from './detect.js';
import type { ToonErrorCode } from './errors.js';
import { isToonError } from './errors.js';
import { finishedRecord, originalGeneratorRecord, originalScriptRecord } from './__fixtures__/records.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const kazuba = (version: number, body: Uint8Array = encodeMsgpack({ a: 1 })): Uint8Array =>
  Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, version, ...body);
const bytesOf = (...values: (number | string)[]): Uint8Array =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'number' ? [v] : [...text(v)])));

function errorOf(run: () => unknown): { code: ToonErrorCode; message: string; context: object } {
  try {
    run();
  } catch (error) {
    if (isToonError(error)) return error;
    throw new Error(`expected a ToonError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ToonError, nothing was thrown');
}

describe('encodeCheckpoint and decodeCheckpoint', () => {
  const records = { finishedRecord, originalScriptRecord, originalGeneratorRecord };

  describe.each(CHECKPOINT_FORMATS)('in the %s format', (format) => {
    it.each(Object.entries(records))('round-trips %s to an equal value and reports the format', (_name, record) => {
      const bytes = encodeCheckpoint(record, { format });
      expect(decodeCheckpoint(bytes)).toEqual({ format, value: record });
    });

    it('round-trips an empty object, unicode keys and strings that look like numbers', () => {
      const value = { '': '', 'clé ünï': 'ünïcödé ✓', n: '42', t: 'true', nested: { empty: [], list: [1, 'a', null] } };
      expect(decodeCheckpoint(encodeCheckpoint(value, { format })).value).toEqual(value);
      expect(decodeCheckpoint(encodeCheckpoint({}, { format })).value).toEqual({});
    });
  });

  it('writes TOON text by default, tabular for uniform rows, ending with a newline', () => {
    const bytes = encodeCheckpoint({ phase: 11, checks: [{ name: 'lint', ok: true }, { name: 'tests', ok: false }] });
    expect(new TextDecoder().decode(bytes)).toBe('phase: 11\nchecks[2]{name,ok}:\n  lint,true\n  tests,false\n');
  });

  it('writes the kazuba container as magic, version 1, then MessagePack', () => {
    const bytes = encodeCheckpoint({ a: 1 }, { format: 'kazuba' });
    expect([...bytes]).toEqual([0x54, 0x4f, 0x4f, 0x4e, 1, ...encodeMsgpack({ a: 1 })]);
  });

  it('writes -0 as 0, as JSON does', () => {
    expect(decodeCheckpoint(encodeCheckpoint({ z: -0 })).value).toEqual({ z: 0 });
  });

  it('reads MessagePack timestamps as ISO 8601 strings', () => {
    const bytes = encodeMsgpack({ at: new Date('2026-03-01T03:29:06.500Z') });
    expect(decodeCheckpoint(bytes).value).toEqual({ at: '2026-03-01T03:29:06.500Z' });
  });

  it('keeps non-finite floats that MessagePack carries, but refuses to write them', () => {
    expect(decodeCheckpoint(encodeMsgpack({ x: Number.NaN })).value).toEqual({ x: Number.NaN });
    expect(errorOf(() => encodeCheckpoint({ x: Number.NaN })).code).toBe('unsupported_value');
  });

  it.each(['toon', 'json'] as const)('keeps a __proto__ key in %s text as an own key, never as a prototype', (format) => {
    const value: unknown = JSON.parse('{"__proto__": {"polluted": true}}');
    const decoded = decodeCheckpoint(encodeCheckpoint(value, { format })).value as Record<string, unknown>;
    expect(Object.keys(decoded)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded['polluted']).toBeUndefined();
  });

  it('keeps constructor and prototype as ordinary keys and never touches a prototype', () => {
    const { value } = decodeCheckpoint(text('constructor:\n  prototype: 1\ntoString: x'));
    expect(value).toEqual({ constructor: { prototype: 1 }, toString: 'x' });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['prototype']).toBeUndefined();
  });

  describe('options', () => {
    it('strict: false accepts TOON whose declared array length is wrong', () => {
      expect(errorOf(() => decodeCheckpoint(text('a[3]:\n  - 1\n  - 2'))).code).toBe('invalid_toon');
      expect(decodeCheckpoint(text('a[3]:\n  - 1\n  - 2'), { strict: false }).value).toEqual({ a: [1, 2] });
    });

    it('indentSize changes how TOON is written and read', () => {
      const bytes = encodeCheckpoint({ a: { b: 1 } }, { indentSize: 4 });
      expect(new TextDecoder().decode(bytes)).toBe('a:\n    b: 1\n');
      expect(decodeCheckpoint(bytes, { indentSize: 4 }).value).toEqual({ a: { b: 1 } });
      expect(errorOf(() => decodeCheckpoint(bytes)).code).toBe('invalid_toon');
      expect(new TextDecoder().decode(encodeCheckpoint({ a: 1 }, { format: 'json', indentSize: 4 }))).toBe('{\n    "a": 1\n}\n');
    });

    it('delimiter changes the separator of tabular rows', () => {
      const bytes = encodeCheckpoint({ rows: [{ a: 1, b: 2 }] }, { delimiter: '|' });
      expect(new TextDecoder().decode(bytes)).toBe('rows[1|]{a|b}:\n  1|2\n');
      expect(decodeCheckpoint(bytes).value).toEqual({ rows: [{ a: 1, b: 2 }] });
    });

    it.each<[string, () => unknown]>([
      ['a zero limit', () => decodeCheckpoint(text('a: 1'), { limits: { maxDepth: 0 } })],
      ['a fractional limit', () => encodeCheckpoint({}, { limits: { maxBytes: 1.5 } })],
      ['an indent size of 0', () => decodeCheckpoint(text('a: 1'), { indentSize: 0 })],
      ['an unknown delimiter', () => encodeCheckpoint({ a: [1] }, { delimiter: ';' as ',' })],
      ['an unknown format', () => encodeCheckpoint({}, { format: 'yaml' as 'json' })],
    ])('rejects %s with invalid_options', (_name, run) => {
      expect(errorOf(run).code).toBe('invalid_options');
    });
  });

  describe('limits', () => {
    const nestedJson = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    const nestedToon = (depth: number): string =>
      Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k:`).join('\n');

    it('accepts 64 levels of nesting by default and refuses 65', () => {
      expect(() => decodeCheckpoint(text(nestedJson(64)))).not.toThrow();
      expect(errorOf(() => decodeCheckpoint(text(nestedJson(65)))).code).toBe('depth_limit');
    });

    it.each<[string, Uint8Array, DecodeCheckpointOptions]>([
      ['deep JSON', text(nestedJson(100_000)), {}],
      ['deep MessagePack', Uint8Array.from([0x81, 0xa1, 0x61, ...new Array<number>(50_000).fill(0x91), 0xc0]), {}],
      ['deep TOON indentation', text(nestedToon(20_000)), { limits: { maxBytes: 1 << 30 } }],
      ['TOON nested below the indentation check', text(nestedToon(5)), { limits: { maxDepth: 4 } }],
    ])('refuses %s with depth_limit instead of overflowing the stack', (_name, bytes, options) => {
      expect(errorOf(() => decodeCheckpoint(bytes, options)).code).toBe('depth_limit');
    });

    it('names the line of over-deep TOON indentation', () => {
      expect(errorOf(() => decodeCheckpoint(text(nestedToon(10)), { limits: { maxDepth: 3 } }))).toMatchObject({
        code: 'depth_limit',
        context: { line: 4 },
      });
    });

    it.each<[string, Uint8Array]>([
      ['a JSON array', text(JSON.stringify({ list: Array.from({ length: 11 }, (_, i) => i) }))],
      ['a MessagePack array', encodeMsgpack({ list: Array.from({ length: 11 }, (_, i) => i) })],
      ['a TOON object', text(Array.from({ length: 11 }, (_, i) => `k${i}: ${i}`).join('\n'))],
    ])('refuses %s with more entries than maxEntries', (_name, bytes) => {
      expect(errorOf(() => decodeCheckpoint(bytes, { limits: { maxEntries: 10 } })).code).toBe('collection_limit');
      expect(() => decodeCheckpoint(bytes, { limits: { maxEntries: 11 } })).not.toThrow();
    });

    it('refuses input over maxBytes before decoding it', () => {
      expect(errorOf(() => decodeCheckpoint(text('a: 12345'), { limits: { maxBytes: 4 } })).code).toBe('input_too_large');
    });

    it('refuses to write what could not be read back with the same limits', () => {
      expect(errorOf(() => encodeCheckpoint({ a: 'x'.repeat(100) }, { limits: { maxBytes: 50 } })).code).toBe('input_too_large');
      expect(errorOf(() => encodeCheckpoint({ a: { b: { c: 1 } } }, { limits: { maxDepth: 2 } })).code).toBe('depth_limit');
      expect(errorOf(() => encodeCheckpoint({ a: [1, 2, 3] }, { limits: { maxEntries: 2 } })).code).toBe('collection_limit');
    });
  });

  describe('invalid input', () => {
    const forbidden = bytesOf(0x81, 0xa9, '__proto__', 0xc0);
    it.each<[string, Uint8Array, ToonErrorCode, Record<string, unknown>]>([
      ['an unknown kazuba version', kazuba(2), 'unsupported_version', { offset: 4 }],
      ['a kazuba header without content', kazuba(1, new Uint8Array()), 'truncated', { offset: 5 }],
      ['a truncated kazuba container', kazuba(1).subarray(0, 8), 'truncated', { offset: 8 }],
      ['a truncated MessagePack map', encodeMsgpack({ key: 'value' }).subarray(0, 6), 'truncated', { offset: 6 }],
      ['MessagePack with an unused type byte', bytesOf(0x81, 0xa1, 'a', 0xc1), 'invalid_msgpack', {}],
      ['MessagePack with trailing bytes', bytesOf(0x80, 0x00), 'invalid_msgpack', { offset: 1 }],
      ['kazuba with trailing bytes', kazuba(1, bytesOf(0x80, 0x00)), 'invalid_msgpack', { offset: 6 }],
      ['a MessagePack __proto__ key', forbidden, 'forbidden_key', {}],
      ['MessagePack binary data', bytesOf(0x81, 0xa1, 'b', 0xc4, 0x01, 0x00), 'unsupported_value', { at: '$.b' }],
      ['a MessagePack extension', bytesOf(0x81, 0xa1, 'e', 0xd4, 0x05, 0x00), 'unsupported_value', { at: '$.e' }],
      ['invalid UTF-8 in TOON text', bytesOf('a: b', 0xff, '\n'), 'invalid_utf8', { offset: 4 }],
      ['a UTF-16 surrogate in JSON text', bytesOf('{"a": "', 0xed, 0xa0, 0x80, '"}'), 'invalid_utf8', { offset: 7 }],
      ['a truncated UTF-8 sequence', bytesOf('x: ', 0xe2, 0x82), 'invalid_utf8', { offset: 3 }],
      ['TOON with a key missing its colon', text('a: 1\nb'), 'invalid_toon', { line: 2 }],
      ['TOON with a wrong inline array length', text('a: 1\nlist[2]: 1'), 'invalid_toon', { line: 2 }],
      ['TOON with a duplicate key', text('a: 1\na: 2'), 'invalid_toon', { line: 2 }],
      ['JSON cut short', text('{\n  "a": 1,\n  "b": '), 'invalid_json', {}],
      ['JSON with a stray token', text('{\n  "a": 1,\n  "b": }'), 'invalid_json', {}],
      ['JSON with a raw tab in a string', text('{\n  "a": "x\ty"}'), 'invalid_json', { line: 2 }],
    ])('rejects %s with its own code and place', (_name, bytes, code, context) => {
      const error = errorOf(() => decodeCheckpoint(bytes));
      expect(error.code).toBe(code);
      expect(error.context).toMatchObject(context);
      expect(error.message).not.toContain('\n');
    });
  });

  describe('values outside the JSON data model', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    it.each<[string, unknown, string]>([
      ['undefined', { a: undefined }, 'undefined at $.a'],
      ['NaN', { a: [1, Number.NaN] }, 'the number NaN at $.a[1]'],
      ['Infinity', { a: Number.POSITIVE_INFINITY }, 'the number Infinity at $.a'],
      ['a Date', { when: new Date(0) }, 'a Date object at $.when'],
      ['a Map', { m: new Map() }, 'a Map object at $.m'],
      ['a bigint', { n: 1n }, 'bigint at $.n'],
      ['a function', { f: () => 1 }, 'function at $.f'],
      ['a cycle', circular, 'a circular reference at $.self'],
      ['an odd key', { 'odd key': [undefined] }, 'undefined at $["odd key"][0]'],
      ['a lone surrogate', { s: 'a\uD800b' }, 'a string with a lone UTF-16 surrogate at $.s'],
      ['a lone surrogate in a key', { ['k\uDC00']: 1 }, 'a key with a lone UTF-16 surrogate at $["k\\udc00"]'],
    ])('refuses to encode %s and names where it is', (_name, value, where) => {
      const error = errorOf(() => encodeCheckpoint(value));
      expect(error.code).toBe('unsupported_value');
      expect(error.message).toContain(where);
    });

    it.each([[[1, 2]], ['text'], [null]])('refuses to write %j as bare MessagePack, which could not be recognised', (value) => {
      expect(errorOf(() => encodeCheckpoint(value, { format: 'msgpack' })).code).toBe('unsupported_value');
      expect(decodeCheckpoint(encodeCheckpoint(value, { format: 'kazuba' })).value).toEqual(value);
    });

    it('refuses to write an own __proto__ key in MessagePack formats, which could not read it back', () => {
      const value: unknown = JSON.parse('{"a": {"__proto__": 1}}');
      expect(errorOf(() => encodeCheckpoint(value, { format: 'msgpack' }))).toMatchObject({ code: 'forbidden_key', context: { at: '$.a.__proto__' } });
      expect(errorOf(() => encodeCheckpoint(value, { format: 'kazuba' })).code).toBe('forbidden_key');
    });

    it('accepts strings with surrogate pairs', () => {
      expect(decodeCheckpoint(encodeCheckpoint({ emoji: '\u{1F600}' })).value).toEqual({ emoji: '\u{1F600}' });
    });

    it('accepts objects without a prototype', () => {
      const value = Object.assign(Object.create(null) as object, { a: 1 });
      expect(decodeCheckpoint(encodeCheckpoint(value)).value).toEqual({ a: 1 });
    });
  });
});
