import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, jsonValueSchema } from './json-value.js';

function problemsOf(value: unknown): string[] {
  const result = jsonValueSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('/')}: ${issue.message}`);
}

class Point {
  constructor(readonly x: number) {}
}

describe('jsonValueSchema', () => {
  it.each<[string, unknown]>([
    ['a string', 'text'],
    ['a negative fraction', -1.25],
    ['false', false],
    ['null', null],
    ['nested arrays and objects', { a: [1, { b: [null, 'x'] }], c: {} }],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { a: 1 })],
    ['the same object twice, side by side', (() => { const shared = { a: 1 }; return [shared, shared]; })()],
  ])('accepts %s and passes it through uncopied', (_name, value) => {
    const result = jsonValueSchema.safeParse(value);
    expect(result.success).toBe(true);
    expect(result.data).toBe(value);
  });

  it.each<[string, unknown, string[]]>([
    ['undefined', undefined, [': undefined is not a JSON value']],
    ['a function', () => 1, [': a function is not a JSON value']],
    ['a bigint', 1n, [': a bigint is not a JSON value']],
    ['a symbol', Symbol('s'), [': a symbol is not a JSON value']],
    ['NaN', Number.NaN, [': NaN is not a JSON number']],
    ['-Infinity', Number.NEGATIVE_INFINITY, [': -Infinity is not a JSON number']],
    ['a Date', new Date(0), [': a Date is not a plain JSON object']],
    ['a Map', new Map(), [': a Map is not a plain JSON object']],
    ['a class instance', new Point(1), [': a Point is not a plain JSON object']],
    ['an object whose prototype has no constructor', Object.create(Object.create(null) as object), [': an object with a custom prototype is not plain JSON']],
    ['bad values deep inside, each at its path', { list: [1, undefined, { at: new Date(0) }], ok: 'x', n: Number.NaN }, [
      'list/1: undefined is not a JSON value',
      'list/2/at: a Date is not a plain JSON object',
      'n: NaN is not a JSON number',
    ]],
  ])('rejects %s', (_name, value, expected) => {
    expect(problemsOf(value)).toEqual(expected);
  });

  it('rejects a circular reference instead of recursing forever', () => {
    const node: Record<string, unknown> = { name: 'loop' };
    node['self'] = { back: node };
    expect(problemsOf(node)).toEqual(['self/back: a circular reference is not JSON']);
  });

  it('accepts nesting down to the depth limit and rejects one level more at its path', () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : [nest(levels - 1)]);
    expect(problemsOf(nest(MAX_JSON_DEPTH))).toEqual([]);
    expect(problemsOf(nest(MAX_JSON_DEPTH + 1))).toEqual([
      `${Array.from({ length: MAX_JSON_DEPTH }, () => '0').join('/')}: nests deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
  });
});
