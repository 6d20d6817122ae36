import type { PhaseCheckpoint } from '../phase-checkpoint.js';

/** A finished phase record as the hypervisor writes it. */
export const finishedRecord: PhaseCheckpoint = {
  kind: 'kazuba.hypervisor.phase',
  schema_version: 1,
  phase_id: 15,
  phase_title: 'Hypervisor Executable',
  status: 'success',
  attempts: 2,
  started_at: '2026-03-01T03:20:00.000Z',
  finished_at: '2026-03-01T03:29:19.500Z',
  duration_ms: 559500,
  phase_hash: `sha256:${'ab'.repeat(32)}`,
  hypervisor_version: '0.1.0',
  run_id: 'run-20260301-032000',
  agent: { profile: 'claude', exit_code: 0, is_error: false, subtype: 'success', turns: 41, cost_usd: 1.25, session_id: 's-1' },
  validation: { script: 'validation/phase_15.py', passed: true, exit_code: 0, output_tail: '38 passed\n' },
  quality: 0.92,
  script_checkpoint: { phase_id: 15, results: { overall: 'PASS', checks: { tests: { status: 'PASS' } } } },
};

/** The shape the original's validation scripts wrote (`results.overall`), made up for these tests. */
export const originalScriptRecord = {
  phase_id: 7,
  phase_title: 'Made-up phase',
  timestamp: 1772335746.896581,
  iso_time: '2026-03-01T03:29:06Z',
  results: { phase: 7, checks: { files: { status: 'PASS', total: 2, missing: 0, errors: [] } }, overall: 'PASS' },
  version: '3.0',
};

/** The shape the original's checkpoint.py wrote (top-level `overall`), made up for these tests. */
export const originalGeneratorRecord = {
  phase: 'plan_generation',
  title: 'Plan generation',
  timestamp: 1772317030.1383274,
  iso_time: '2026-02-28T22:17:10Z',
  results: { files_generated: 3, phase_range: [1, 3] },
  overall: 'FAIL',
  version: '3.0',
};
