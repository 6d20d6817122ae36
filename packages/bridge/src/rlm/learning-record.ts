import { phaseStatusSchema } from '@kazuba/hypervisor-v2';
import { z } from 'zod';
import { learningEventMetadataSchema } from '../learning-event.js';

/**
 * What the hypervisor did with a phase: `run` its first attempt, or `retry` it after a failed one. (Waits for a
 * rate limit, skips and cancellations are not actions on the phase's work and produce no record.)
 */
export const RLM_ACTIONS = ['run', 'retry'] as const;

/** Validates an RLM action. */
export const rlmActionSchema = z.enum(RLM_ACTIONS);

/** One of {@link RLM_ACTIONS}. */
export type RlmAction = z.infer<typeof rlmActionSchema>;

/** A phase's situation before or after an attempt: the `state` and `next_state` of a {@link LearningRecord}. */
export const rlmStateSchema = z.strictObject({
  /** The phase. */
  phase_id: z.int().nonnegative(),
  /** The attempt about to run (in `state`), or the one that ran or runs next (in `next_state`), 1 for the first. */
  attempt: z.int().positive(),
  /** The phase's failed attempts in a row, 0 after a success. */
  consecutive_failures: z.int().nonnegative(),
  /** `queued` before an attempt and after one that will be retried; the terminal status after the last. */
  status: phaseStatusSchema,
});

/** A phase's situation before or after an attempt. */
export type RlmState = z.infer<typeof rlmStateSchema>;

/**
 * One `(state, action, reward, next_state)` transition for a reinforcement-learning memory, as the original's
 * RLM module (`modules/rlm`) records it, with its field names. Where the original describes states as opaque
 * strings, these are small objects ({@link rlmStateSchema}), and the timestamp is ISO 8601 UTC like a
 * learning event's. `metadata` takes the learning-event metadata keys (run id, plan name, phase hash, cost …)
 * plus any JSON.
 */
export const learningRecordSchema = z.strictObject({
  state: rlmStateSchema,
  action: rlmActionSchema,
  /** The weighted reward of the attempt; always finite. */
  reward: z.number(),
  next_state: rlmStateSchema,
  /** When the attempt ended: ISO 8601 in UTC, ending in `Z`. */
  timestamp: z.iso.datetime(),
  metadata: learningEventMetadataSchema,
});

/** One `(state, action, reward, next_state)` transition; see {@link learningRecordSchema}. */
export type LearningRecord = z.infer<typeof learningRecordSchema>;
