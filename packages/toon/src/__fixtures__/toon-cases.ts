/**
 * A conformance-style case, in the shape of the TOON specification's fixture files: `encode` cases map a
 * value to TOON text, `decode` cases map TOON text to a value or to an error.
 */
export interface ToonCase {
  readonly name: string;
  readonly input: unknown;
  readonly expected?: unknown;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly shouldError?: boolean;
}

/** Our own cases, written for this suite, so that it means something where the shared fixtures are absent. */
export const ownEncodeCases: readonly ToonCase[] = [
  { name: 'primitives as key-value lines', input: { id: 7, ok: true, none: null, name: 'Ada' }, expected: 'id: 7\nok: true\nnone: null\nname: Ada' },
  { name: 'quotes strings that look like other types', input: { a: 'true', b: '12', c: '' }, expected: 'a: "true"\nb: "12"\nc: ""' },
  { name: 'quotes strings with structural characters', input: { s: 'a: b', t: 'x,y' }, expected: 's: "a: b"\nt: "x,y"' },
  { name: 'inline primitive arrays', input: { tags: ['a', 'b', 'c'] }, expected: 'tags[3]: a,b,c' },
  { name: 'empty arrays and objects', input: { list: [], obj: {} }, expected: 'list: []\nobj:' },
  { name: 'tabular arrays of uniform objects', input: { rows: [{ x: 1, y: 'p' }, { x: 2, y: 'q' }] }, expected: 'rows[2]{x,y}:\n  1,p\n  2,q' },
  { name: 'list arrays of mixed items', input: { items: [1, { a: 1 }] }, expected: 'items[2]:\n  - 1\n  - a: 1' },
  { name: 'tab delimiter', input: { t: ['a', 'b'] }, options: { delimiter: '\t' }, expected: 't[2\t]: a\tb' },
  { name: 'pipe delimiter in tables', input: { r: [{ a: 1, b: 2 }] }, options: { delimiter: '|' }, expected: 'r[1|]{a|b}:\n  1|2' },
  { name: 'four-space indentation', input: { a: { b: 1 } }, options: { indentSize: 4 }, expected: 'a:\n    b: 1' },
  { name: 'root primitive array', input: [1, 2], expected: '[2]: 1,2' },
  { name: 'escapes in strings', input: { s: 'line\n"q"\\' }, expected: 's: "line\\n\\"q\\"\\\\"' },
];

/** Our own decode cases. */
export const ownDecodeCases: readonly ToonCase[] = [
  { name: 'nested objects', input: 'a:\n  b:\n    c: 1', expected: { a: { b: { c: 1 } } } },
  { name: 'numbers in several forms', input: 'a: 1.5\nb: -2\nc: 1e3\nd: 05', expected: { a: 1.5, b: -2, c: 1000, d: '05' } },
  { name: 'tabular rows', input: 'rows[2]{x,y}:\n  1,p\n  2,q', expected: { rows: [{ x: 1, y: 'p' }, { x: 2, y: 'q' }] } },
  { name: 'root array header', input: '[3]: a,b,c', expected: ['a', 'b', 'c'] },
  { name: 'root primitive', input: 'hello', expected: 'hello' },
  { name: 'blank trailing lines', input: 'a: 1\n\n', expected: { a: 1 } },
  { name: 'non-strict row count', input: 'a[3]: 1,2', options: { strict: false }, expected: { a: [1, 2] } },
  { name: 'strict row count', input: 'rows[2]{x}:\n  1', options: { strict: true }, shouldError: true },
  { name: 'tabs in indentation', input: 'a:\n\tb: 1', options: { strict: true }, shouldError: true },
  { name: 'unterminated string', input: 'a: "open', shouldError: true },
  { name: 'four-space indentation', input: 'a:\n    b: 1', options: { indentSize: 4 }, expected: { a: { b: 1 } } },
];
