import { phaseStatusSchema } from '@kazuba/hypervisor-v2';
import { z } from 'zod';
import { jsonValueSchema } from './json-value.js';

/**
 * What a learning event records: a phase starting, ending (successfully), failing, being retried or skipped,
 * and a run starting or ending. The first three are the original's; the rest are new in this port.
 */
export const LEARNING_EVENT_TYPES = [
  'phase_start',
  'phase_end',
  'phase_failed',
  'phase_retry',
  'phase_skipped',
  'run_start',
  'run_end',
] as const;

/** Validates a learning event type. */
export const learningEventTypeSchema = z.enum(LEARNING_EVENT_TYPES);

/** One of {@link LEARNING_EVENT_TYPES}. */
export type LearningEventType = z.infer<typeof learningEventTypeSchema>;

const RUN_EVENT_TYPES: ReadonlySet<LearningEventType> = new Set(['run_start', 'run_end']);

/**
 * The context of a learning event. The keys listed here are checked; any other key is kept as long as its
 * value is JSON (the original's metadata was an open dictionary, and learning systems add their own
 * features), so every event survives a JSONL round trip unchanged.
 */
export const learningEventMetadataSchema = z
  .object({
    /** Which attempt of the phase this was, 1 for the first. */
    attempt: z.int().positive().optional(),
    /** The phase's status when the event was recorded. */
    status: phaseStatusSchema.optional(),
    /** Exit code of the agent's process. */
    exit_code: z.int().optional(),
    /** The agent profile that ran the phase, e.g. `claude`. */
    agent: z.string().min(1).optional(),
    /** Turns the agent reported. */
    turns: z.int().nonnegative().optional(),
    /** Cost the agent reported, in US dollars. */
    cost_usd: z.number().nonnegative().optional(),
    /** The model the attempt asked for. */
    model: z.string().min(1).optional(),
    /** The agent's session of the attempt. */
    session_id: z.string().min(1).optional(),
    /** A quality score given by validation or a reviewer; its scale is the scorer's. */
    quality: z.number().optional(),
    /** Identifies the run the event belongs to. */
    run_id: z.string().min(1).optional(),
    /** Name of the plan being run. */
    plan_name: z.string().min(1).optional(),
    /** Hash of the phase file the event concerns. */
    phase_hash: z.string().min(1).optional(),
    /**
     * Marks a `phase_end` that compaction kept from an older run for the duration history: the run's other events
     * are gone, so the event is left out of the counts of `summarizeLearningEvents`.
     */
    compacted: z.literal(true).optional(),
    /**
     * On a `run_end`: how many phases resume skipped as already complete. They did no work, so they have no
     * `phase_skipped` event of their own.
     */
    resumed: z.int().nonnegative().optional(),
  })
  .catchall(jsonValueSchema);

/** The validated context of a learning event. */
export type LearningEventMetadata = z.infer<typeof learningEventMetadataSchema>;

/**
 * One learning event, with the snake_case field names of the original's JSONL files, in the same order.
 * Unknown top-level keys are rejected. Run events (`run_start`, `run_end`) carry `phase_id: null`; phase
 * events carry the phase's id.
 */
export const learningEventSchema = z
  .strictObject({
    /** What happened. */
    event_type: learningEventTypeSchema,
    /** The phase it happened to, `null` for a run event. */
    phase_id: z.int().nullable(),
    /** How long the phase or run took, in milliseconds, `null` where it has no duration (a start). */
    duration_ms: z.number().nonnegative().nullable(),
    /** Whether the phase or run succeeded, `null` where that is not decided yet. */
    success: z.boolean().nullable(),
    /** Everything else known about the event. */
    metadata: learningEventMetadataSchema,
    /** When it happened: ISO 8601 in UTC, ending in `Z`. */
    timestamp: z.iso.datetime(),
  })
  .superRefine((event, context) => {
    const isRunEvent = RUN_EVENT_TYPES.has(event.event_type);
    if (isRunEvent && event.phase_id !== null) {
      context.addIssue({ code: 'custom', path: ['phase_id'], message: `must be null for a ${event.event_type} event` });
    } else if (!isRunEvent && event.phase_id === null) {
      context.addIssue({ code: 'custom', path: ['phase_id'], message: `must be a phase id for a ${event.event_type} event` });
    }
  });

/** A validated learning event. */
export type LearningEvent = z.infer<typeof learningEventSchema>;
