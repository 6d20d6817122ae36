import { describe, expect, it } from '@jest/globals';
import { T0, phases, recordedRun } from '../__fixtures__/hypervisor-events.js';
import type { UnsequencedEvent } from '../__fixtures__/hypervisor-events.js';
import { createDurationHistory } from '../history/duration-history.js';
import { createHypervisorBridge } from './hypervisor-bridge.js';

const counts = { pending: 0, queued: 0, running: 0, validating: 0, success: 1, partial: 0, failed: 0, skipped: 4, cancelled: 0 };
const resumed = (phaseId: number): UnsequencedEvent => ({ type: 'phase:finished', timestamp: T0, phaseId, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' });

/**
 * A resume (`r-3`) of plan `plans-v2`: 11 and 12 are already complete, 13 runs and succeeds, 14 is skipped by the
 * breaker and 15 by the user.
 */
const resumedRun = recordedRun('r-3', [
  { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11, 12, 13, 14, 15], mode: 'sequential', maxWorkers: 1 },
  resumed(11),
  resumed(12),
  { type: 'phase:started', timestamp: T0 + 1_000, phaseId: 13, attempt: 1 },
  { type: 'phase:finished', timestamp: T0 + 4_000, phaseId: 13, status: 'success', attempts: 1, durationMs: 3_000 },
  { type: 'phase:finished', timestamp: T0 + 4_000, phaseId: 14, status: 'skipped', attempts: 0, durationMs: 0, reason: 'circuit-open' },
  { type: 'phase:finished', timestamp: T0 + 4_000, phaseId: 15, status: 'skipped', attempts: 0, durationMs: 0, reason: 'skipped by the user' },
  {
    type: 'run:finished',
    timestamp: T0 + 4_000,
    summary: {
      outcome: 'succeeded',
      durationMs: 4_000,
      countsByStatus: counts,
      phases: [
        { phaseId: 11, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' },
        { phaseId: 12, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' },
        { phaseId: 13, status: 'success', attempts: 1, durationMs: 3_000 },
        { phaseId: 14, status: 'skipped', attempts: 0, durationMs: 0, reason: 'circuit-open' },
        { phaseId: 15, status: 'skipped', attempts: 0, durationMs: 0, reason: 'skipped by the user' },
      ],
    },
  },
]);

function recorded(events: readonly ReturnType<typeof recordedRun>[number][]) {
  const bridge = createHypervisorBridge({ phases });
  for (const event of events) bridge.record(event);
  return bridge;
}

describe('HypervisorBridge, resumed phases', () => {
  it('records no event for a phase resume found complete, and still records the other skips', () => {
    const history = recorded(resumedRun).history();
    expect(history.map((event) => [event.event_type, event.phase_id, event.metadata['reason']])).toEqual([
      ['run_start', null, undefined],
      ['phase_start', 13, undefined],
      ['phase_end', 13, undefined],
      ['phase_skipped', 14, 'circuit-open'],
      ['phase_skipped', 15, 'skipped by the user'],
      ['run_end', null, undefined],
    ]);
  });

  it('counts the resumed phases once, on the run_end, and apart from the skipped ones in the stats', () => {
    const bridge = recorded(resumedRun);
    expect(bridge.history().at(-1)?.metadata).toMatchObject({ run_id: 'r-3', outcome: 'succeeded', counts, resumed: 2 });
    expect(bridge.stats()).toMatchObject({ events: 6, started: 1, succeeded: 1, skipped: 2, resumed: 2, cancelled: 0 });
  });

  it('leaves resumed out of a run_end when no phase was resumed', () => {
    const noResume = resumedRun.filter((event) => event.type !== 'phase:finished' || event.reason !== 'already complete');
    const finished = noResume.at(-1);
    if (finished?.type !== 'run:finished') throw new Error('the fixture ends with run:finished');
    const summary = { ...finished.summary, phases: finished.summary.phases.filter((phase) => phase.reason !== 'already complete') };
    const runEnd = recorded([...noResume.slice(0, -1), { ...finished, summary }]).history().at(-1);
    expect(runEnd?.metadata).not.toHaveProperty('resumed');
  });

  it('records a phase skipped after attempts, or for another reason, as a skip', () => {
    const ran = recordedRun('r-4', [
      { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11], mode: 'sequential', maxWorkers: 1 },
      { type: 'phase:finished', timestamp: T0, phaseId: 11, status: 'skipped', attempts: 1, durationMs: 0, reason: 'already complete' },
      { type: 'phase:finished', timestamp: T0, phaseId: 12, status: 'cancelled', attempts: 0, durationMs: 0, reason: 'already complete' },
    ]);
    expect(recorded(ran).history().map((event) => [event.event_type, event.phase_id])).toEqual([
      ['run_start', null],
      ['phase_skipped', 11],
      ['phase_skipped', 12],
    ]);
  });

  it('leaves the duration history of a resume to the phases that ran', () => {
    const history = createDurationHistory(recorded(resumedRun).history(), { plan: 'plans-v2', fallback: { estimate: () => ({ durationMs: 1, source: 'hint' }) } });
    expect(history.samples(11)).toEqual([]);
    expect(history.samples(13).map((sample) => sample.durationMs)).toEqual([3_000]);
  });
});
