const SECOND = 1000;
const MINUTE = 60 * SECOND;

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration as people read it in a report: `0s`, `850ms`, `2.5s`, `1m 31s`, `2h 05m`. Each form rounds to
 * its last unit, carrying over (59.96 s is `1m 00s`).
 * @throws RangeError when `ms` is negative or not finite.
 * @example
 * formatDuration(7_500_000); // '2h 05m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a duration must be a finite number ≥ 0, got ${ms}`);
  if (ms === 0) return '0s';
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / SECOND);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  const minutes = Math.round(ms / MINUTE);
  return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}
