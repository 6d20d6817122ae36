import { describe, expect, it } from '@jest/globals';
import { generateHistory, historyPhases, historyPlans } from '../__fixtures__/history.js';
import { isBridgeError } from '../errors.js';
import { createDurationHistory } from '../history/duration-history.js';
import type { HashMatch } from '../history/duration-history.js';
import type { EstimablePhase, PhaseEstimator } from '../history/phase-estimator.js';
import type { LearningEvent } from '../learning-event.js';
import { compactLearningEvents } from './compact-learning-events.js';

const hints: PhaseEstimator<EstimablePhase, 'hint'> = { estimate: () => ({ durationMs: 600_000, source: 'hint' }) };

/** Every estimate and every kept sample of every phase version of the generated plans, as a duration history gives them. */
function estimatesOf(events: readonly LearningEvent[], keepLast: number, hashMatch: HashMatch): unknown[][] {
  return Object.keys(historyPlans).flatMap((plan) => {
    const history = createDurationHistory(events, { plan, fallback: hints, keepLast, hashMatch });
    return historyPhases.filter((phase) => phase.plan === plan).map((phase) => [plan, phase.id, phase.hash, history.estimate(phase), history.samples(phase.id)]);
  });
}

const runIds = (events: readonly LearningEvent[]): string[] => [...new Set(events.map((event) => event.metadata.run_id ?? '-'))];
const isWhole = (events: readonly LearningEvent[], runId: string): boolean => events.some((event) => event.metadata.run_id === runId && event.event_type === 'run_start');

describe('compactLearningEvents', () => {
  const history = generateHistory(120);

  it('keeps the latest keepRuns runs whole and only the successful phase ends of older runs, marked compacted', () => {
    const compacted = compactLearningEvents(history, { keepRuns: 50 });
    const whole = runIds(compacted).filter((runId) => isWhole(compacted, runId));
    expect(whole).toEqual(Array.from({ length: 50 }, (_, index) => `r-${70 + index}`));
    expect(compacted.filter((event) => event.metadata.run_id === 'r-119')).toEqual(history.filter((event) => event.metadata.run_id === 'r-119'));
    const older = compacted.filter((event) => event.metadata.compacted === true);
    expect(older.length).toBeGreaterThan(0);
    for (const event of older) {
      expect([event.event_type, event.success, Number(event.metadata.run_id?.slice(2)) < 70, event.metadata['dry_run']]).toEqual(['phase_end', true, true, undefined]);
      expect(history).toContainEqual({ ...event, metadata: { ...event.metadata, compacted: undefined } } as unknown as LearningEvent);
    }
    expect(compacted.length).toBeLessThan(history.length);
  });

  it.each<[number, HashMatch]>([
    [10, 'prefer'],
    [10, 'require'],
    [3, 'prefer'],
    [1, 'require'],
  ])('gives a duration history the same estimates and samples as before (keepLast %d, hashMatch %s)', (keepLast, hashMatch) => {
    const before = estimatesOf(history, keepLast, hashMatch);
    expect(before.filter(([, , , estimate]) => (estimate as { source: string }).source === 'history').length).toBeGreaterThan(historyPhases.length / 2);
    for (const keepRuns of [1, 5, 50, 119]) {
      expect(estimatesOf(compactLearningEvents(history, { keepRuns }), keepLast, hashMatch)).toEqual(before);
    }
  });

  it('keeps keepDurations facts per phase, so a history of that many keeps its estimates', () => {
    const compacted = compactLearningEvents(history, { keepRuns: 1, keepDurations: 20 });
    expect(estimatesOf(compacted, 20, 'prefer')).toEqual(estimatesOf(history, 20, 'prefer'));
    // The default keeps 10: a history asking for 20 then sees fewer samples.
    const byDefault = compactLearningEvents(history, { keepRuns: 1 });
    expect(estimatesOf(byDefault, 20, 'prefer')).not.toEqual(estimatesOf(history, 20, 'prefer'));
    expect(compacted.length).toBeGreaterThan(byDefault.length);
  });

  it('keeps the last 50 runs whole by default', () => {
    const compacted = compactLearningEvents(history);
    expect(runIds(compacted).filter((runId) => isWhole(compacted, runId))).toHaveLength(50);
    expect(compactLearningEvents(generateHistory(50))).toEqual(generateHistory(50));
  });

  it('changes nothing when compacting again', () => {
    const once = compactLearningEvents(history, { keepRuns: 20 });
    expect(compactLearningEvents(once, { keepRuns: 20 })).toEqual(once);
  });

  it('takes as the latest runs those whose last event comes last, and events without a run id as one run', () => {
    const event = (run_id: string | undefined, phase_id: number): LearningEvent => ({
      event_type: 'phase_start',
      phase_id,
      duration_ms: null,
      success: null,
      metadata: run_id === undefined ? {} : { run_id },
      timestamp: '2026-03-01T00:00:00.000Z',
    });
    const events = [event('a', 1), event(undefined, 2), event('b', 3), event('a', 4), event(undefined, 5), event('c', 6)];
    expect(compactLearningEvents(events, { keepRuns: 2 }).map((kept) => kept.phase_id)).toEqual([2, 5, 6]);
    expect(compactLearningEvents(events, { keepRuns: 3 }).map((kept) => kept.phase_id)).toEqual([1, 2, 4, 5, 6]);
  });

  it.each<[string, object, string]>([
    ['keepRuns 0', { keepRuns: 0 }, 'keepRuns'],
    ['a fractional keepRuns', { keepRuns: 2.5 }, 'keepRuns'],
    ['keepDurations 0', { keepDurations: 0 }, 'keepDurations'],
  ])('rejects %s with invalid_options', (_name, options, field) => {
    let caught: unknown;
    try {
      compactLearningEvents([], options);
    } catch (error) {
      caught = error;
    }
    expect(isBridgeError(caught) && [caught.code, caught.context.field]).toEqual(['invalid_options', field]);
  });
});
