import type { Phase } from '../plan/plan.js';

/** Where an estimate came from, from most to least trusted. */
export type EstimateSource = 'history' | 'explicit' | 'tokens' | 'effort' | 'default';

/** An expected duration for one phase. */
export interface Estimate {
  readonly durationMs: number;
  readonly source: EstimateSource;
}

/**
 * Estimates how long a phase will take. The plan's own hints serve until a run history exists; the bridge's
 * duration history implements this too and replaces them.
 */
export interface Estimator {
  estimate(phase: Phase): Estimate;
}

/** Options of {@link createHintEstimator}. */
export interface HintEstimatorOptions {
  /**
   * Milliseconds of agent work per estimated token.
   * @default 40 (12,000 tokens ≈ 8 minutes)
   */
  readonly msPerToken?: number;
  /**
   * Duration of each `effort` size, in milliseconds.
   * @default XS 2 min, S 5 min, M 10 min, L 20 min, XL 40 min
   */
  readonly effortMs?: Readonly<Record<string, number>>;
  /**
   * Duration of a phase that gives no hint.
   * @default 600000 (10 minutes)
   */
  readonly defaultMs?: number;
}

const MINUTE = 60_000;

/** The effort sizes' default durations. */
export const DEFAULT_EFFORT_MS: Readonly<Record<string, number>> = Object.freeze({
  XS: 2 * MINUTE,
  S: 5 * MINUTE,
  M: 10 * MINUTE,
  L: 20 * MINUTE,
  XL: 40 * MINUTE,
});

/**
 * Estimates from the plan's hints: an explicit `estimated_minutes`, else `estimated_tokens` × `msPerToken`,
 * else the `effort` size, else `defaultMs`.
 * @throws RangeError naming the option (`msPerToken`, `defaultMs`, `effortMs.<size>`) that is negative or not finite.
 * @example
 * analyzePlan(plan, { workers: 4, estimator: createHintEstimator({ msPerToken: 1 }) }); // lengths in tokens
 */
export function createHintEstimator(options: HintEstimatorOptions = {}): Estimator {
  const msPerToken = options.msPerToken ?? 40;
  const effortMs = { ...DEFAULT_EFFORT_MS, ...options.effortMs };
  const defaultMs = options.defaultMs ?? 10 * MINUTE;
  const named: [string, number][] = [
    ['msPerToken', msPerToken],
    ['defaultMs', defaultMs],
    ...Object.entries(effortMs).map(([size, ms]): [string, number] => [`effortMs.${size}`, ms]),
  ];
  for (const [name, value] of named) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`estimator option ${name} must be a finite number ≥ 0, got ${value}`);
  }
  return {
    estimate(phase) {
      const { durationMs, estimatedTokens, effort } = phase.estimates;
      if (durationMs !== undefined) return { durationMs, source: 'explicit' };
      if (estimatedTokens !== undefined) return { durationMs: estimatedTokens * msPerToken, source: 'tokens' };
      const sized = effort === undefined ? undefined : effortMs[effort];
      if (sized !== undefined) return { durationMs: sized, source: 'effort' };
      return { durationMs: defaultMs, source: 'default' };
    },
  };
}
