import { describe, expect, it } from '@jest/globals';
import { phaseStart, runEvents } from '../__fixtures__/events.js';
import type { LearningEvent } from '../learning-event.js';
import { summarizeLearningEvents } from './summarize-learning-events.js';

const ended = (duration_ms: number | null, success = true): LearningEvent => ({ ...phaseStart, event_type: 'phase_end', duration_ms, success });

describe('summarizeLearningEvents', () => {
  it('counts every kind of event of a run', () => {
    expect(summarizeLearningEvents(runEvents)).toEqual({
      events: 8,
      compacted: 0,
      started: 1,
      succeeded: 2,
      partial: 0,
      failed: 1,
      retried: 1,
      rateLimited: 0,
      skipped: 1,
      resumed: 0,
      cancelled: 0,
      // phase_end 61 250 and 45 000, phase_failed 3 000.5
      durationMs: { mean: (61_250 + 45_000 + 3_000.5) / 3, median: 45_000, p95: 61_250 },
      totalCostUsd: 0.4312,
      byModel: {},
    });
  });

  it('gives null durations and zero counts for no events', () => {
    expect(summarizeLearningEvents([])).toEqual({
      events: 0,
      compacted: 0,
      started: 0,
      succeeded: 0,
      partial: 0,
      failed: 0,
      retried: 0,
      rateLimited: 0,
      skipped: 0,
      resumed: 0,
      cancelled: 0,
      durationMs: { mean: null, median: null, p95: null },
      totalCostUsd: 0,
      byModel: {},
    });
  });

  it('counts per model the attempts that ended on it, their turns and cost, leaving out rate-limit waits', () => {
    const on = (event_type: 'phase_retry' | 'phase_end' | 'phase_failed', model: string, turns: number, cost_usd: number, more = {}) =>
      ({ event_type, phase_id: 1, duration_ms: 10, success: event_type === 'phase_end', metadata: { model, turns, cost_usd, ...more }, timestamp: '2026-12-03T10:00:00.000Z' }) as const;
    const stats = summarizeLearningEvents([
      on('phase_retry', 'opus', 9, 1.5),
      on('phase_retry', 'opus', 0, 0, { rate_limited: true }),
      on('phase_end', 'opus', 4, 0.5),
      on('phase_failed', 'sonnet', 2, 0.25),
    ]);
    expect(stats.byModel).toEqual({ opus: { attempts: 2, turns: 13, costUsd: 2 }, sonnet: { attempts: 1, turns: 2, costUsd: 0.25 } });
  });

  it('takes the median of an even count as the mean of the middle two, and p95 by nearest rank', () => {
    const durations = Array.from({ length: 20 }, (_, index) => ended((index + 1) * 100));
    expect(summarizeLearningEvents(durations).durationMs).toEqual({ mean: 1_050, median: 1_050, p95: 1_900 });
    expect(summarizeLearningEvents([ended(7)]).durationMs).toEqual({ mean: 7, median: 7, p95: 7 });
  });

  it('counts a partial phase_end apart, and leaves out durations that are null and phases that did not run', () => {
    const events: LearningEvent[] = [
      ended(100, false),
      ended(null),
      { ...phaseStart, event_type: 'phase_skipped', duration_ms: 5_000, success: false, metadata: { status: 'cancelled' } },
      { ...phaseStart, event_type: 'phase_skipped', duration_ms: 0, success: false, metadata: {} },
      { ...phaseStart, event_type: 'phase_retry', metadata: { rate_limited: true } },
    ];
    expect(summarizeLearningEvents(events)).toMatchObject({
      succeeded: 1,
      partial: 1,
      skipped: 1,
      cancelled: 1,
      retried: 1,
      rateLimited: 1,
      durationMs: { mean: 100, median: 100, p95: 100 },
    });
  });

  it('counts the phases resume found complete apart from the skipped ones: from run_end, and as older versions recorded them', () => {
    const runEnd = (resumed?: number): LearningEvent => ({
      event_type: 'run_end',
      phase_id: null,
      duration_ms: 400,
      success: true,
      metadata: { run_id: 'r-43', ...(resumed === undefined ? {} : { resumed }) },
      timestamp: '2026-03-01T04:00:00.000Z',
    });
    const legacy: LearningEvent = { ...phaseStart, event_type: 'phase_skipped', duration_ms: 0, success: false, metadata: { status: 'skipped', reason: 'already complete' } };
    const afterFailure: LearningEvent = { ...legacy, metadata: { status: 'skipped', reason: 'dependency 3 failed' } };
    const stats = summarizeLearningEvents([runEnd(10_000), runEnd(), legacy, legacy, afterFailure]);
    expect(stats).toMatchObject({ events: 5, resumed: 10_002, skipped: 1, cancelled: 0 });
  });

  it('counts the events compaction kept from older runs apart, leaving them out of the other figures', () => {
    const compacted: LearningEvent = { ...ended(90_000), metadata: { cost_usd: 1, model: 'opus', compacted: true } };
    const stats = summarizeLearningEvents([...runEvents, compacted, compacted]);
    expect(stats).toEqual({ ...summarizeLearningEvents(runEvents), events: 10, compacted: 2 });
  });

  it('returns frozen stats', () => {
    const stats = summarizeLearningEvents(runEvents);
    expect(Object.isFrozen(stats)).toBe(true);
    expect(Object.isFrozen(stats.durationMs)).toBe(true);
  });
});
