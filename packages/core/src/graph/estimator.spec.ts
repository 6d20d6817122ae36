import { describe, expect, it } from '@jest/globals';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import type { Phase } from '../plan/plan.js';
import { DEFAULT_EFFORT_MS, createHintEstimator } from './estimator.js';
import type { HintEstimatorOptions } from './estimator.js';

const MINUTE = 60_000;

function phaseWith(estimates: PhaseDefinition['estimates']): Phase {
  return definePlan([{ id: 1, estimates }]).phases[0] as Phase;
}

const everyHint = phaseWith({ durationMs: 7 * MINUTE, estimatedTokens: 12_000, effort: 'L' });
const tokensAndEffort = phaseWith({ estimatedTokens: 12_000, effort: 'L' });
const effortOnly = phaseWith({ effort: 'L' });
const noHint = phaseWith({});

describe('createHintEstimator', () => {
  it('prefers an explicit duration over tokens, tokens over effort, effort over the default', () => {
    const estimator = createHintEstimator();
    expect(estimator.estimate(everyHint)).toEqual({ durationMs: 7 * MINUTE, source: 'explicit' });
    expect(estimator.estimate(tokensAndEffort)).toEqual({ durationMs: 12_000 * 40, source: 'tokens' });
    expect(estimator.estimate(effortOnly)).toEqual({ durationMs: 20 * MINUTE, source: 'effort' });
    expect(estimator.estimate(noHint)).toEqual({ durationMs: 10 * MINUTE, source: 'default' });
  });

  it('sizes efforts XS to XL at 2, 5, 10, 20 and 40 minutes by default', () => {
    expect(DEFAULT_EFFORT_MS).toEqual({ XS: 2 * MINUTE, S: 5 * MINUTE, M: 10 * MINUTE, L: 20 * MINUTE, XL: 40 * MINUTE });
    const estimator = createHintEstimator();
    for (const effort of ['XS', 'S', 'M', 'L', 'XL'] as const) expect(estimator.estimate(phaseWith({ effort })).durationMs).toBe(DEFAULT_EFFORT_MS[effort]);
  });

  it('counts msPerToken milliseconds per estimated token', () => {
    expect(createHintEstimator({ msPerToken: 1 }).estimate(tokensAndEffort)).toEqual({ durationMs: 12_000, source: 'tokens' });
    expect(createHintEstimator({ msPerToken: 2.5 }).estimate(tokensAndEffort).durationMs).toBe(30_000);
    expect(createHintEstimator({ msPerToken: 0 }).estimate(tokensAndEffort)).toEqual({ durationMs: 0, source: 'tokens' });
  });

  it('takes effort durations from effortMs, keeping the defaults of sizes it does not name', () => {
    const estimator = createHintEstimator({ effortMs: { L: 3 * MINUTE } });
    expect(estimator.estimate(effortOnly)).toEqual({ durationMs: 3 * MINUTE, source: 'effort' });
    expect(estimator.estimate(phaseWith({ effort: 'S' })).durationMs).toBe(5 * MINUTE);
  });

  it('uses defaultMs for a phase without hints', () => {
    expect(createHintEstimator({ defaultMs: 90_000 }).estimate(noHint)).toEqual({ durationMs: 90_000, source: 'default' });
  });

  it('falls back to the default for an effort size it has no duration for', () => {
    const unknownSize: Phase = { ...effortOnly, estimates: { effort: 'XXL' } };
    expect(createHintEstimator({ defaultMs: 1234 }).estimate(unknownSize)).toEqual({ durationMs: 1234, source: 'default' });
  });

  it('does not let options change the explicit duration', () => {
    expect(createHintEstimator({ msPerToken: 1, defaultMs: 1, effortMs: { L: 1 } }).estimate(everyHint).durationMs).toBe(7 * MINUTE);
  });

  const invalid: [string, HintEstimatorOptions, RegExp][] = [
    ['msPerToken', { msPerToken: -1 }, /msPerToken/],
    ['msPerToken', { msPerToken: Number.NaN }, /msPerToken/],
    ['defaultMs', { defaultMs: Number.POSITIVE_INFINITY }, /defaultMs/],
    ['defaultMs', { defaultMs: -5 }, /defaultMs/],
    ['effortMs', { effortMs: { L: -1 } }, /effortMs\.L/],
  ];
  it.each(invalid)('rejects a negative or non-finite %s with a RangeError naming it', (_name, options, message) => {
    expect(() => createHintEstimator(options)).toThrow(RangeError);
    expect(() => createHintEstimator(options)).toThrow(message);
  });
});
