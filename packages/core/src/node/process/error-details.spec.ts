import { describe, expect, it } from '@jest/globals';
import { errnoOf, messageOf } from './error-details.js';

describe('error details', () => {
  it.each([
    [Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' }), 'ENOENT', 'spawn x ENOENT'],
    [new Error('first line\nsecond line'), undefined, 'first line'],
    [{ message: 42 }, undefined, 'unknown error'],
    ['a string', undefined, 'unknown error'],
    [null, undefined, 'unknown error'],
  ])('reads the code and the first message line of %p', (error, code, message) => {
    expect(errnoOf(error)).toBe(code);
    expect(messageOf(error)).toBe(message);
  });
});
