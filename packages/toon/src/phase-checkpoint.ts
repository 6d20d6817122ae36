import { z } from 'zod';
import { ToonError } from './errors.js';

/** The states a phase checkpoint can record: `running` while an attempt is under way (or was, when the
 * hypervisor crashed), then the phase's final status. */
export const CHECKPOINT_STATUSES = ['running', 'success', 'partial', 'failed', 'skipped', 'cancelled'] as const;

/** A status recorded in a checkpoint. */
export type CheckpointStatus = (typeof CHECKPOINT_STATUSES)[number];

/** The `kind` that marks a record written by the hypervisor. */
export const PHASE_CHECKPOINT_KIND = 'kazuba.hypervisor.phase';

const isoTime = z.iso.datetime();
const count = z.int().nonnegative();

/** What the agent reported for the last attempt, where it reports it. */
const agentOutcomeSchema = z.strictObject({
  profile: z.string().min(1),
  exit_code: z.int().nullable(),
  is_error: z.boolean().optional(),
  subtype: z.string().optional(),
  turns: count.optional(),
  cost_usd: z.number().nonnegative().optional(),
  session_id: z.string().optional(),
  /** The model the attempt asked for. */
  model: z.string().optional(),
  /** The tools the agent was refused. */
  permission_denials: z.array(z.string()).optional(),
  /** The session the last attempt resumed; absent when it started a fresh one. */
  resumed_session: z.string().optional(),
});

/** The outcome of the phase's validation script. */
const validationOutcomeSchema = z.strictObject({
  script: z.string().min(1),
  passed: z.boolean(),
  exit_code: z.int().nullable(),
  output_tail: z.string(),
});

/**
 * The hypervisor's own phase checkpoint (DESIGN.md section 5), with snake_case keys like the original's
 * files. Unknown keys are rejected; `schema_version` changes when a field changes meaning.
 */
export const phaseCheckpointSchema = z.strictObject({
  kind: z.literal(PHASE_CHECKPOINT_KIND),
  schema_version: z.literal(1),
  phase_id: count,
  phase_title: z.string(),
  status: z.enum(CHECKPOINT_STATUSES),
  attempts: count,
  started_at: isoTime,
  finished_at: isoTime.optional(),
  duration_ms: z.number().nonnegative().optional(),
  phase_hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected "sha256:" and 64 lowercase hex digits'),
  hypervisor_version: z.string().min(1),
  run_id: z.string().min(1),
  agent: agentOutcomeSchema.optional(),
  validation: validationOutcomeSchema.optional(),
  /**
   * The score, from 0 to 1, the validation script gave the last attempt (its `{"quality": <0-100>}` line); absent
   * when it printed none, and in checkpoints written before it was recorded.
   */
  quality: z.number().min(0).max(1).optional(),
  error: z.strictObject({ code: z.string().min(1), message: z.string() }).optional(),
  /** Under worktree isolation: the phase's branch, its commit and the integration branch's tip after the merge. */
  isolation: z.strictObject({ branch: z.string().min(1), commit: z.string().optional(), merge_commit: z.string().optional() }).optional(),
  /** What the validation script itself wrote at the checkpoint path during the run, kept whole. */
  script_checkpoint: z.json().optional(),
});

/** A phase checkpoint record as the hypervisor writes it. */
export type PhaseCheckpoint = z.infer<typeof phaseCheckpointSchema>;

/** An `invalid_checkpoint` error, its message and context naming `source` when there is one. */
export function invalidCheckpoint(problem: string, source?: string, cause?: unknown): ToonError {
  const error = new ToonError('invalid_checkpoint', problem, {}, cause === undefined ? undefined : { cause });
  return source === undefined ? error : error.withPath(source);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`))
    .join('; ');
}

/**
 * Validates a decoded value as the hypervisor's phase checkpoint.
 * @param source the file it came from, named in the error message
 * @throws ToonError `invalid_checkpoint` naming every field that is missing or wrong.
 * @example
 * const record = parsePhaseCheckpoint((await readCheckpoint(path)).value, path);
 */
export function parsePhaseCheckpoint(value: unknown, source?: string): PhaseCheckpoint {
  const result = phaseCheckpointSchema.safeParse(value);
  if (result.success) return result.data;
  throw invalidCheckpoint(`invalid phase checkpoint: ${describeIssues(result.error)}`, source, result.error);
}
