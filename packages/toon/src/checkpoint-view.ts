import { PHASE_CHECKPOINT_KIND, invalidCheckpoint, parsePhaseCheckpoint } from './phase-checkpoint.js';
import type { CheckpointStatus } from './phase-checkpoint.js';

/** Who wrote a checkpoint: this hypervisor, or the original Python tooling. */
export type CheckpointOrigin = 'hypervisor' | 'kazuba';

/** The facts every consumer of a phase checkpoint needs, whoever wrote it. */
export interface CheckpointView {
  readonly origin: CheckpointOrigin;
  /** The phase id; the original also used names such as `pln2_generation`. */
  readonly phaseId: number | string;
  readonly status: CheckpointStatus;
  readonly title?: string;
  readonly attempts?: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  readonly phaseHash?: string;
}

// The original's validation scripts wrote `results.overall`; its checkpoint.py wrote a top-level `overall`.
const ORIGINAL_OUTCOMES: Readonly<Record<string, CheckpointStatus>> = {
  PASS: 'success',
  PARTIAL: 'partial',
  FAIL: 'failed',
  SKIP: 'skipped',
  SKIPPED: 'skipped',
};

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function viewOriginal(fields: Fields, source: string | undefined): CheckpointView {
  const results = isFields(fields['results']) ? fields['results'] : {};
  const outcome = results['overall'] ?? fields['overall'];
  const phaseId = fields['phase_id'] ?? fields['phase'];
  if (typeof outcome !== 'string' || !(outcome.toUpperCase() in ORIGINAL_OUTCOMES)) {
    throw invalidCheckpoint(`not a phase checkpoint: overall is ${JSON.stringify(outcome) ?? 'missing'}, expected PASS or FAIL`, source);
  }
  if (typeof phaseId !== 'string' && !Number.isInteger(phaseId)) {
    throw invalidCheckpoint('not a phase checkpoint: phase_id (or phase) is missing or not an id', source);
  }
  const title = fields['phase_title'] ?? fields['title'];
  const finishedAt = fields['iso_time'];
  return {
    origin: 'kazuba',
    phaseId: phaseId as number | string,
    status: ORIGINAL_OUTCOMES[outcome.toUpperCase()] as CheckpointStatus,
    ...(typeof title === 'string' ? { title } : {}),
    ...(typeof finishedAt === 'string' ? { finishedAt } : {}),
  };
}

/**
 * Reads a decoded checkpoint, the hypervisor's own (validated strictly) or one the original Python tooling
 * wrote (`results.overall` or `overall`: PASS, PARTIAL, FAIL, SKIP), into one normalised view.
 *
 * @param source the file it came from, named in the error message
 * @throws ToonError `invalid_checkpoint` when the value is not a phase checkpoint of either kind.
 * @example
 * const { value } = await readCheckpoint('checkpoints/phase_11.toon');
 * normalizeCheckpoint(value); // { origin: 'kazuba', phaseId: 11, status: 'success', ... }
 */
export function normalizeCheckpoint(value: unknown, source?: string): CheckpointView {
  if (!isFields(value)) throw invalidCheckpoint('not a phase checkpoint: expected an object', source);
  if (value['kind'] !== PHASE_CHECKPOINT_KIND) return Object.freeze(viewOriginal(value, source));
  const record = parsePhaseCheckpoint(value, source);
  return Object.freeze({
    origin: 'hypervisor',
    phaseId: record.phase_id,
    status: record.status,
    title: record.phase_title,
    attempts: record.attempts,
    startedAt: record.started_at,
    phaseHash: record.phase_hash,
    ...(record.finished_at === undefined ? {} : { finishedAt: record.finished_at }),
    ...(record.duration_ms === undefined ? {} : { durationMs: record.duration_ms }),
  });
}
