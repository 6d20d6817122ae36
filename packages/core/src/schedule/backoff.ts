import type { HypervisorConfig } from './config.js';

/**
 * The wait before attempt `failedAttempt + 1`: initial × factor^(failedAttempt − 1), capped at `maxMs`, then
 * spread by ± `jitter` so that phases failing together do not retry in lockstep.
 * @param random a number in [0, 1)
 */
export function backoffDelayMs(failedAttempt: number, backoff: HypervisorConfig['backoff'], random: number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (failedAttempt - 1));
  return Math.max(0, Math.round(base * (1 + backoff.jitter * (2 * random - 1))));
}
