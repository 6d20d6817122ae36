import { BridgeError } from '../errors.js';

/** How much each component counts in a reward. Each is a finite number ≥ 0; 0 leaves the component out. */
export interface RewardWeights {
  /**
   * Weight of the outcome: +1 for a success, 0 for a partial success, −1 for a failure.
   * @default 1
   */
  readonly success: number;
  /**
   * Weight of the speed against the estimate: `(estimate − duration) / estimate`, clamped to [−1, 1], so
   * finishing faster than estimated is good and slower is bad; 0 without an estimate.
   * @default 0.5
   */
  readonly duration: number;
  /**
   * Weight of the retries spent before this attempt: −1 per retry.
   * @default 0.25
   */
  readonly retries: number;
  /**
   * Weight of the cost: −1 per US dollar.
   * @default 0.5
   */
  readonly cost: number;
}

/** What an attempt did, as the reward sees it. */
export interface RewardInput {
  readonly outcome: 'success' | 'partial' | 'failed';
  /** How long the attempt took, in milliseconds; without it the duration component is 0. */
  readonly durationMs?: number;
  /** How long the phase was expected to take, in milliseconds; without it (or when 0) the duration component is 0. */
  readonly estimateMs?: number;
  /** Retries spent before this attempt (attempt number − 1). */
  readonly retries: number;
  /** What the attempt cost, in US dollars; without it the cost component is 0. */
  readonly costUsd?: number;
}

/** Each component of a reward before weighting. */
export interface RewardComponents {
  readonly success: number;
  readonly duration: number;
  readonly retries: number;
  readonly cost: number;
}

/** A reward and how it was made up. */
export interface Reward {
  /** The weighted sum of the components; always finite. */
  readonly value: number;
  readonly components: RewardComponents;
}

/** Rewards phase attempts; see {@link createRewardCalculator}. */
export interface RewardCalculator {
  /** The weights in use, defaults filled in. */
  readonly weights: Readonly<RewardWeights>;
  /**
   * Rewards one attempt.
   * @throws BridgeError `invalid_reward` when an input is negative or not finite, or the reward is not finite.
   */
  calculate(input: RewardInput): Reward;
}

/** Options of {@link createRewardCalculator}. */
export interface RewardCalculatorOptions {
  /** Overrides some or all of the default weights. */
  readonly weights?: Partial<RewardWeights>;
}

/** The weights used when none are given. */
export const DEFAULT_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({ success: 1, duration: 0.5, retries: 0.25, cost: 0.5 });

const OUTCOME_VALUE = { success: 1, partial: 0, failed: -1 } as const;

function invalidReward(field: string, message: string): BridgeError {
  return new BridgeError('invalid_reward', `invalid reward input: ${field} ${message}`, { field });
}

function checkInput(input: RewardInput): void {
  const numbers: [string, number | undefined][] = [
    ['durationMs', input.durationMs],
    ['estimateMs', input.estimateMs],
    ['retries', input.retries],
    ['costUsd', input.costUsd],
  ];
  for (const [field, value] of numbers) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidReward(field, `must be a finite number, got ${String(value)}`);
    if (value < 0) throw invalidReward(field, `must be ≥ 0, got ${value}`);
  }
  if (!(input.outcome in OUTCOME_VALUE)) throw invalidReward('outcome', `must be success, partial or failed, got ${String(input.outcome)}`);
}

function componentsOf(input: RewardInput): RewardComponents {
  const { durationMs, estimateMs } = input;
  const speed = durationMs === undefined || estimateMs === undefined || estimateMs === 0 ? 0 : (estimateMs - durationMs) / estimateMs;
  return {
    success: OUTCOME_VALUE[input.outcome],
    duration: Math.min(1, Math.max(-1, speed)),
    // `0 -` rather than unary minus, so that nothing spent gives 0, not −0.
    retries: 0 - input.retries,
    cost: 0 - (input.costUsd ?? 0),
  };
}

/**
 * Creates the reward calculator of the RLM records: a weighted sum of an attempt's outcome, its speed against
 * the estimate, the retries spent and its cost (see {@link RewardWeights}).
 * @throws BridgeError `invalid_options` naming the weight that is negative or not finite.
 * @example
 * const rewards = createRewardCalculator({ weights: { cost: 2 } });
 * rewards.calculate({ outcome: 'success', durationMs: 50_000, estimateMs: 60_000, retries: 0, costUsd: 0.43 }).value;
 * // 1·1 + 0.5·(1/6) + 0.25·0 + 2·(−0.43) ≈ 0.223
 */
export function createRewardCalculator(options: RewardCalculatorOptions = {}): RewardCalculator {
  const weights: RewardWeights = Object.freeze({ ...DEFAULT_REWARD_WEIGHTS, ...options.weights });
  for (const [name, value] of Object.entries(weights)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new BridgeError('invalid_options', `weights.${name} must be a finite number ≥ 0, got ${String(value)}`, { field: `weights.${name}` });
    }
  }
  return Object.freeze({
    weights,
    calculate(input: RewardInput): Reward {
      checkInput(input);
      const components = componentsOf(input);
      const value =
        weights.success * components.success + weights.duration * components.duration + weights.retries * components.retries + weights.cost * components.cost;
      if (!Number.isFinite(value)) {
        throw new BridgeError('invalid_reward', `the weighted reward is not finite (${value}); lower the weights`, { field: 'reward' });
      }
      // `+ 0` turns a −0 (a negative component times a zero weight) into 0.
      return Object.freeze({ value: value + 0, components: Object.freeze(components) });
    },
  });
}
