import type { LearningEvent } from '../learning-event.js';

/** A short run as the bridge would record it: phase 11 passes, 12 fails once and passes on retry, 13 is skipped. */
export const runEvents: readonly LearningEvent[] = [
  {
    event_type: 'run_start',
    phase_id: null,
    duration_ms: null,
    success: null,
    metadata: { run_id: 'r-42', plan_name: 'plans-v2' },
    timestamp: '2026-03-01T03:30:00.000Z',
  },
  {
    event_type: 'phase_start',
    phase_id: 11,
    duration_ms: null,
    success: null,
    metadata: { attempt: 1, status: 'running', agent: 'claude', run_id: 'r-42' },
    timestamp: '2026-03-01T03:30:01.000Z',
  },
  {
    event_type: 'phase_end',
    phase_id: 11,
    duration_ms: 61250,
    success: true,
    metadata: {
      attempt: 1,
      status: 'success',
      exit_code: 0,
      agent: 'claude',
      turns: 14,
      cost_usd: 0.4312,
      quality: 0.92,
      run_id: 'r-42',
      plan_name: 'plans-v2',
      phase_hash: 'sha256:9f2c',
    },
    timestamp: '2026-03-01T03:31:02.250Z',
  },
  {
    event_type: 'phase_failed',
    phase_id: 12,
    duration_ms: 3000.5,
    success: false,
    metadata: { attempt: 1, status: 'failed', exit_code: 1, run_id: 'r-42', validation_tail: ['FAIL test_x', 'exit 1'] },
    timestamp: '2026-03-01T03:31:05.750Z',
  },
  {
    event_type: 'phase_retry',
    phase_id: 12,
    duration_ms: null,
    success: null,
    metadata: { attempt: 2, status: 'queued', run_id: 'r-42', backoff_ms: 2000 },
    timestamp: '2026-03-01T03:31:07.750Z',
  },
  {
    event_type: 'phase_end',
    phase_id: 12,
    duration_ms: 45000,
    success: true,
    metadata: { attempt: 2, status: 'success', run_id: 'r-42' },
    timestamp: '2026-03-01T03:31:52.750Z',
  },
  {
    event_type: 'phase_skipped',
    phase_id: 13,
    duration_ms: 0,
    success: false,
    metadata: { status: 'skipped', run_id: 'r-42', reason: 'circuit-open' },
    timestamp: '2026-03-01T03:31:53Z',
  },
  {
    event_type: 'run_end',
    phase_id: null,
    duration_ms: 113000,
    success: false,
    metadata: { run_id: 'r-42' },
    timestamp: '2026-03-01T03:31:53.000Z',
  },
];

/** The smallest valid phase event, for tests that change one field. */
export const phaseStart: LearningEvent = {
  event_type: 'phase_start',
  phase_id: 15,
  duration_ms: null,
  success: null,
  metadata: {},
  timestamp: '2026-03-01T03:34:48.123Z',
};
