import { describe, expect, it } from '@jest/globals';
import { BRIDGE_ERROR_CODES, BridgeError, isBridgeError } from './errors.js';

const BRAND = Symbol.for('kazuba.bridge.error');

describe('BridgeError', () => {
  it('carries its code, a frozen copy of its context and its cause', () => {
    const cause = new SyntaxError('Unexpected end of JSON input');
    const context = { source: 'events.jsonl', line: 3 };
    const error = new BridgeError('invalid_json_line', 'events.jsonl:3: invalid JSON', context, { cause });
    expect(error.code).toBe('invalid_json_line');
    expect(error.context).toEqual(context);
    expect(error.context).not.toBe(context);
    expect(Object.isFrozen(error.context)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('BridgeError');
  });

  it('defaults to an empty context', () => {
    expect(new BridgeError('invalid_event', 'bad').context).toEqual({});
  });
});

describe('isBridgeError', () => {
  it.each(BRIDGE_ERROR_CODES)('recognises an error with code %s', (code) => {
    expect(isBridgeError(new BridgeError(code, 'x'))).toBe(true);
  });

  it('recognises an error branded by another copy of this package', () => {
    expect(isBridgeError(Object.assign(new Error('x'), { code: 'invalid_event', [BRAND]: true }))).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('x')],
    ['a branded error with a code outside the union', Object.assign(new Error('x'), { code: 'no_such_code', [BRAND]: true })],
    ['an error with the brand of another package', Object.assign(new Error('x'), { code: 'invalid_event', [Symbol.for('kazuba.toon.error')]: true })],
    ['a look-alike without the brand', { name: 'BridgeError', code: 'invalid_event', message: 'x' }],
    ['a number', 42],
    ['null', null],
  ])('rejects %s', (_name, value) => {
    expect(isBridgeError(value)).toBe(false);
  });
});
