import { describe, expect, it } from '@jest/globals';
import { ToonError, isToonError } from './errors.js';

describe('ToonError and isToonError', () => {
  it('recognises a ToonError and a copy branded by another instance of this package', () => {
    expect(isToonError(new ToonError('truncated', 'short'))).toBe(true);
    const foreign = Object.assign(new Error('short'), { code: 'truncated', [Symbol.for('kazuba.toon.error')]: true });
    expect(isToonError(foreign)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('x')],
    ['an Error with an unknown code', Object.assign(new Error('x'), { code: 'nope', [Symbol.for('kazuba.toon.error')]: true })],
    ['a look-alike without the brand', { name: 'ToonError', code: 'truncated', message: 'x' }],
    ['a string', 'ToonError'],
    ['null', null],
  ])('rejects %s', (_name, value) => {
    expect(isToonError(value)).toBe(false);
  });

  it('adds the file path to the message and context once', () => {
    const error = new ToonError('invalid_toon', 'line 2: missing colon', { line: 2 }).withPath('a.toon');
    expect(error.message).toBe('a.toon: line 2: missing colon');
    expect(error.context).toEqual({ line: 2, path: 'a.toon' });
    expect(error.withPath('b.toon')).toBe(error);
  });

  it('keeps its cause and a frozen context', () => {
    const cause = new Error('root');
    const error = new ToonError('io_error', 'failed', { path: 'x' }, { cause });
    expect(error.cause).toBe(cause);
    expect(Object.isFrozen(error.context)).toBe(true);
    expect(error.name).toBe('ToonError');
  });
});
