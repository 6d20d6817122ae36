import { describe, expect, it } from '@jest/globals';
import { backoffDelayMs } from './backoff.js';

const backoff = { initialMs: 1_000, factor: 2, maxMs: 60_000, jitter: 0.2 };

describe('backoffDelayMs', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [30, 60_000],
  ])('waits initial × factor^(attempt − 1), capped at maxMs, after failed attempt %p (%p ms)', (attempt, delayMs) => {
    expect(backoffDelayMs(attempt, backoff, 0.5)).toBe(delayMs);
  });

  it('spreads the delay over ± jitter: the lowest at random 0, nearly the highest at random → 1', () => {
    expect(backoffDelayMs(2, backoff, 0)).toBe(1_600);
    expect(backoffDelayMs(2, backoff, 0.999_999)).toBe(2_400);
    for (let random = 0; random < 1; random += 0.05) {
      const delay = backoffDelayMs(2, backoff, random);
      expect(delay).toBeGreaterThanOrEqual(1_600);
      expect(delay).toBeLessThanOrEqual(2_400);
    }
  });

  it('applies the jitter after the cap, and never waits less than 0', () => {
    expect(backoffDelayMs(10, backoff, 0)).toBe(48_000);
    expect(backoffDelayMs(1, { ...backoff, jitter: 1 }, 0)).toBe(0);
    expect(backoffDelayMs(1, { ...backoff, initialMs: 0 }, 0.9)).toBe(0);
  });

  it('rounds to whole milliseconds', () => {
    expect(backoffDelayMs(1, { initialMs: 3, factor: 1.5, maxMs: 100, jitter: 0 }, 0.5)).toBe(3);
    expect(backoffDelayMs(2, { initialMs: 3, factor: 1.5, maxMs: 100, jitter: 0 }, 0.5)).toBe(5);
  });
});
