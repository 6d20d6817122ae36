import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isBridgeError } from '../errors.js';
import type { BridgeError } from '../errors.js';
import { DEFAULT_REWARD_WEIGHTS, createRewardCalculator } from './reward-calculator.js';
import type { RewardInput, RewardWeights } from './reward-calculator.js';

function rejectionOf(run: () => unknown): BridgeError {
  try {
    run();
  } catch (error) {
    if (isBridgeError(error)) return error;
    throw error;
  }
  throw new Error('expected a BridgeError');
}

/** An attempt in which every component is non-zero. */
const attempt: RewardInput = { outcome: 'success', durationMs: 45_000, estimateMs: 60_000, retries: 2, costUsd: 0.4 };

describe('createRewardCalculator', () => {
  it('weights the components with the defaults', () => {
    const rewards = createRewardCalculator();
    expect(rewards.weights).toEqual(DEFAULT_REWARD_WEIGHTS);
    const { value, components } = rewards.calculate(attempt);
    expect(components).toEqual({ success: 1, duration: 0.25, retries: -2, cost: -0.4 });
    expect(value).toBeCloseTo(1 + 0.5 * 0.25 - 0.25 * 2 - 0.5 * 0.4, 12);
  });

  it.each<[keyof RewardWeights, number]>([
    ['success', 1],
    ['duration', 0.25],
    ['retries', -2],
    ['cost', -0.4],
  ])('changes the reward by the %s component when its weight changes', (weight, component) => {
    const base = createRewardCalculator().calculate(attempt).value;
    const raised = createRewardCalculator({ weights: { [weight]: DEFAULT_REWARD_WEIGHTS[weight] + 1 } }).calculate(attempt).value;
    expect(raised - base).toBeCloseTo(component, 12);
  });

  it('leaves a component out with a weight of 0', () => {
    const rewards = createRewardCalculator({ weights: { success: 0, duration: 0, retries: 0, cost: 1 } });
    expect(rewards.calculate(attempt).value).toBeCloseTo(-0.4, 12);
    expect(Object.is(createRewardCalculator({ weights: { success: 0, duration: 0, retries: 0, cost: 0 } }).calculate(attempt).value, 0)).toBe(true);
  });

  it.each<[RewardInput['outcome'], number]>([
    ['success', 1],
    ['partial', 0],
    ['failed', -1],
  ])('scores the outcome %s as %d', (outcome, score) => {
    expect(createRewardCalculator().calculate({ outcome, retries: 0 }).components.success).toBe(score);
  });

  it.each<[string, Partial<RewardInput>, number]>([
    ['twice as fast as estimated', { durationMs: 30_000, estimateMs: 60_000 }, 0.5],
    ['exactly as estimated', { durationMs: 60_000, estimateMs: 60_000 }, 0],
    ['half again as long', { durationMs: 90_000, estimateMs: 60_000 }, -0.5],
    ['three times as long, clamped', { durationMs: 180_000, estimateMs: 60_000 }, -1],
    ['instantly', { durationMs: 0, estimateMs: 60_000 }, 1],
    ['without an estimate', { durationMs: 30_000 }, 0],
    ['without a duration', { estimateMs: 60_000 }, 0],
    ['against an estimate of 0', { durationMs: 10, estimateMs: 0 }, 0],
  ])('scores the speed of an attempt %s', (_name, input, score) => {
    expect(createRewardCalculator().calculate({ outcome: 'success', retries: 0, ...input }).components.duration).toBe(score);
  });

  it('gives 0, not −0, for no retries and no cost', () => {
    const { components } = createRewardCalculator().calculate({ outcome: 'success', retries: 0 });
    expect(Object.is(components.retries, 0) && Object.is(components.cost, 0)).toBe(true);
  });

  it.each<[string, Partial<RewardInput>, string]>([
    ['a NaN duration', { durationMs: Number.NaN }, 'durationMs'],
    ['an infinite estimate', { estimateMs: Number.POSITIVE_INFINITY }, 'estimateMs'],
    ['infinite retries', { retries: Number.POSITIVE_INFINITY }, 'retries'],
    ['a NaN cost', { costUsd: Number.NaN }, 'costUsd'],
    ['a negative duration', { durationMs: -1 }, 'durationMs'],
    ['a negative cost', { costUsd: -0.1 }, 'costUsd'],
    ['a cost that is not a number', { costUsd: '0.1' as unknown as number }, 'costUsd'],
    ['an unknown outcome', { outcome: 'skipped' as RewardInput['outcome'] }, 'outcome'],
  ])('rejects %s with invalid_reward naming the input', (_name, change, field) => {
    const error = rejectionOf(() => createRewardCalculator().calculate({ ...attempt, ...change }));
    expect(error.code).toBe('invalid_reward');
    expect(error.context.field).toBe(field);
    expect(error.message.startsWith(`invalid reward input: ${field} `)).toBe(true);
  });

  it('rejects a weighted reward that overflows to infinity', () => {
    const rewards = createRewardCalculator({ weights: { success: Number.MAX_VALUE, duration: Number.MAX_VALUE } });
    const error = rejectionOf(() => rewards.calculate({ outcome: 'success', durationMs: 0, estimateMs: 1, retries: 0 }));
    expect(error.code).toBe('invalid_reward');
    expect(error.message).toBe('the weighted reward is not finite (Infinity); lower the weights');
  });

  it.each<[string, number]>([
    ['negative', -1],
    ['NaN', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('rejects a %s weight with invalid_options naming it', (_name, value) => {
    const error = rejectionOf(() => createRewardCalculator({ weights: { retries: value } }));
    expect(error.code).toBe('invalid_options');
    expect(error.context.field).toBe('weights.retries');
  });

  it('gives a finite reward within the weighted bounds for every valid input', () => {
    const rewards = createRewardCalculator();
    const input = fc.record({
      outcome: fc.constantFrom('success' as const, 'partial' as const, 'failed' as const),
      durationMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
      estimateMs: fc.double({ min: 0, max: 1e9, noNaN: true }),
      retries: fc.nat(20),
      costUsd: fc.double({ min: 0, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(input, (value) => {
        const reward = rewards.calculate(value).value;
        expect(Number.isFinite(reward)).toBe(true);
        expect(reward).toBeLessThanOrEqual(1.5);
        expect(reward).toBeGreaterThanOrEqual(-1.5 - 0.25 * value.retries - 0.5 * value.costUsd);
      }),
    );
  });
});
