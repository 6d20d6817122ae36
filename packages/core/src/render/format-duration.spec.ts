import { describe, expect, it } from '@jest/globals';
import { formatDuration } from './format-duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [850, '850ms'],
    [999.4, '999ms'],
    [999.6, '1s'],
    [1000, '1s'],
    [2500, '2.5s'],
    [13_250, '13.3s'],
    [12_000, '12s'],
    [59_940, '59.9s'],
    [59_960, '1m 00s'],
    [91_000, '1m 31s'],
    [3_599_400, '59m 59s'],
    [3_599_600, '1h 00m'],
    [7_469_000, '2h 04m'],
    [7_470_000, '2h 05m'],
    [7_500_000, '2h 05m'],
    [360_000_000, '100h 00m'],
  ])('shows %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects %p with a RangeError', (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });
});
