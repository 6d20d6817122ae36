import { describe, expect, it } from '@jest/globals';
import { appendTail, splitText } from './text-chunks.js';

describe('splitText', () => {
  it.each([
    ['', 3, []],
    ['abcdefg', 3, ['abc', 'def', 'g']],
    ['abc', 10, ['abc']],
    ['ab😀cd', 3, ['ab', '😀c', 'd']],
    ['😀😀', 3, ['😀', '😀']],
    ['a😀', 1, ['a', '😀']],
    ['é€', 1, ['é', '€']],
  ])('cuts %j into pieces of at most %i units without splitting a pair', (text, max, pieces) => {
    expect(splitText(text, max)).toEqual(pieces);
  });
});

describe('appendTail', () => {
  it.each([
    ['', 'abc', 5, 'abc'],
    ['abc', 'def', 4, 'cdef'],
    ['ab', '😀cd', 3, 'cd'],
    ['x', '😀', 2, '😀'],
    ['abc', 'def', 0, ''],
  ])('keeps the end of %j + %j within %i units, never half a pair', (tail, text, max, expected) => {
    expect(appendTail(tail, text, max)).toBe(expected);
  });
});
