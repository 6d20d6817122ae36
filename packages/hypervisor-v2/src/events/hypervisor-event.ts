import { z } from 'zod';
import { deepFreeze } from '../deep-freeze.js';
import { executionModeSchema } from '../execution-mode.js';
import { hookTypeSchema } from '../hook-type.js';
import { phaseStatusSchema } from '../phase-status.js';
import { parseOrThrow } from '../validation-issues.js';

const count = z.int().nonnegative();
const phaseId = z.int().nonnegative();
const attempt = z.int().positive();
const milliseconds = z.number().nonnegative();

/** The fields every event carries: which run, its place in the run's order, and when (epoch ms). */
const base = {
  /** Identifies the run; all events of one run share it. */
  runId: z.string().min(1),
  /** 0, 1, 2 … in the order the run emitted its events. */
  seq: count,
  /** When it happened, in milliseconds since the epoch, from the run's clock. */
  timestamp: milliseconds,
};

/** An error as it travels in an event: enough to show and to classify, no stack. */
export const eventErrorSchema = z.strictObject({ name: z.string(), code: z.string().optional(), message: z.string() });

/** An error as it travels in an event. */
export type EventError = z.infer<typeof eventErrorSchema>;

/** The statuses a phase can finish with. */
export const FINISHED_STATUSES = ['success', 'partial', 'failed', 'skipped', 'cancelled'] as const;

const finishedStatus = z.enum(FINISHED_STATUSES);

/**
 * The `reason` of a phase that resume settled as complete: `skipped` with no attempt, because its checkpoint says
 * it succeeded and its phase file is unchanged. It did no work in this run, which a report, a summary or a
 * learning system tells apart from a phase skipped for a failure.
 */
export const RESUMED_REASON = 'already complete';

/** How one phase ended, as the run summary lists it. */
export const phaseResultSchema = z.strictObject({
  phaseId,
  status: finishedStatus,
  attempts: count,
  durationMs: milliseconds,
  /** Why it was skipped or failed, in a few words (e.g. `dependency 12 failed`, `circuit-open`). */
  reason: z.string().optional(),
});

/** How one phase ended. */
export type PhaseResult = z.infer<typeof phaseResultSchema>;

/** What a run did, carried by `run:finished`. */
export const runSummarySchema = z.strictObject({
  /** `succeeded` when every phase succeeded or was already complete. */
  outcome: z.enum(['succeeded', 'failed', 'cancelled']),
  durationMs: milliseconds,
  countsByStatus: z.record(phaseStatusSchema, count),
  phases: z.array(phaseResultSchema),
  /** What the attempts of the run cost, in US dollars, as the agents reported it. */
  costUsd: z.number().nonnegative().optional(),
  /** The run's budget, when it had one; reaching it stopped new phases and retries. */
  budgetUsd: z.number().positive().optional(),
  /** The answer no retry could fix (not logged in, a missing agent CLI …) that stopped the run, and its phase. */
  fatal: z.strictObject({ phaseId, error: eventErrorSchema }).optional(),
});

/** What a run did. */
export type RunSummary = z.infer<typeof runSummarySchema>;

const agentReport = {
  /** The agent process's exit code; null when it was killed by a signal. */
  exitCode: z.int().nullable().optional(),
  turns: count.optional(),
  costUsd: z.number().nonnegative().optional(),
  sessionId: z.string().optional(),
  /** The model the attempt asked for. */
  model: z.string().optional(),
};

/**
 * The one discriminated union (on `type`) of lifecycle events for the whole system: core emits them, the
 * event mesh carries them by topic, plugins and the bridge consume them.
 */
export const hypervisorEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('run:started'),
    plan: z.string(),
    phaseIds: z.array(phaseId),
    mode: executionModeSchema,
    maxWorkers: z.int().positive(),
  }),
  z.strictObject({ ...base, type: z.literal('phase:queued'), phaseId }),
  z.strictObject({
    ...base,
    type: z.literal('phase:started'),
    phaseId,
    attempt,
    agent: z.string().optional(),
    /** The agent session this attempt resumes (a retry that keeps what the failed attempt learned). */
    resumesSession: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('phase:agent'),
    phaseId,
    attempt,
    /** The agent's turns so far. */
    turns: count.optional(),
    /** The tool the agent is using now, with its main argument, e.g. `Edit src/app.ts` or `Bash npm test`. */
    tool: z.string().optional(),
    /** What the attempt has cost so far, in US dollars, where the agent says. */
    costUsd: z.number().nonnegative().optional(),
    model: z.string().optional(),
    sessionId: z.string().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('phase:output'),
    phaseId,
    attempt,
    stream: z.enum(['stdout', 'stderr']),
    text: z.string(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('phase:retrying'),
    phaseId,
    /** The attempt that just failed; the next one is `attempt + 1` (or the same number after a rate limit). */
    attempt,
    delayMs: milliseconds,
    reason: z.string(),
    /** A usage or rate limit: the wait does not spend a retry. */
    rateLimited: z.boolean(),
    /** What the agent reported of the attempt that just ended. */
    ...agentReport,
  }),
  z.strictObject({
    ...base,
    type: z.literal('phase:finished'),
    phaseId,
    status: finishedStatus,
    attempts: count,
    durationMs: milliseconds,
    reason: z.string().optional(),
    error: eventErrorSchema.optional(),
    ...agentReport,
    /** The tools the agent was refused during the phase's last attempt. */
    permissionDenials: z.array(z.string()).optional(),
    /**
     * The score, from 0 to 1, the validation script gave the phase's last attempt (its `{"quality": <0-100>}` line);
     * absent when the script printed none.
     */
    quality: z.number().min(0).max(1).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('breaker:opened'), consecutiveFailures: count, cooldownMs: milliseconds }),
  z.strictObject({ ...base, type: z.literal('breaker:half-opened') }),
  z.strictObject({ ...base, type: z.literal('breaker:closed') }),
  z.strictObject({
    ...base,
    type: z.literal('breaker:restored'),
    /**
     * How the run starts from the breaker an earlier run of the plan left open: `open` while that breaker's cool-down
     * lasts (phases not started end `skipped`, reason `circuit-open`), `half-open` after it (one probe phase may run).
     */
    state: z.enum(['open', 'half-open']),
    /** The earlier run whose breaker this run starts from. */
    fromRunId: z.string().min(1),
    /** When that breaker opened, in milliseconds since the epoch. */
    openedAt: milliseconds,
    /** What is left of the cool-down; 0 when half-open. */
    remainingMs: milliseconds,
  }),
  z.strictObject({
    ...base,
    type: z.literal('mode:fell-back'),
    from: executionModeSchema,
    to: executionModeSchema,
    reason: z.string(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('budget:reached'),
    /** What the run has spent, in US dollars, when it reached its budget. */
    spentUsd: z.number().nonnegative(),
    budgetUsd: z.number().positive(),
  }),
  z.strictObject({ ...base, type: z.literal('run:finished'), summary: runSummarySchema }),
  z.strictObject({
    ...base,
    type: z.literal('handler:failed'),
    /** The topic whose delivery failed. */
    topic: z.string(),
    /** The name of the subscription whose handler threw. */
    subscriber: z.string(),
    error: eventErrorSchema,
  }),
  z.strictObject({
    ...base,
    type: z.literal('checkpoint:failed'),
    /** The phase whose record could not be written: a resumed run will run it again. */
    phaseId,
    error: eventErrorSchema,
  }),
  z.strictObject({
    ...base,
    type: z.literal('plugin:failed'),
    plugin: z.string(),
    hook: hookTypeSchema,
    timedOut: z.boolean(),
    error: eventErrorSchema,
  }),
]);

/** A lifecycle event of the hypervisor. */
export type HypervisorEvent = z.infer<typeof hypervisorEventSchema>;

/** The `type` of a {@link HypervisorEvent}. */
export type HypervisorEventType = HypervisorEvent['type'];

/** The event of one `type`. */
export type HypervisorEventOf<T extends HypervisorEventType> = Extract<HypervisorEvent, { type: T }>;

/**
 * Validates an event that crosses a boundary (read back from a file, received from another process) and
 * freezes it.
 * @param source where it came from, named in the error message
 * @throws HypervisorV2Error `invalid_event`, naming every offending field.
 */
export function parseHypervisorEvent(input: unknown, source?: string): HypervisorEvent {
  return deepFreeze(parseOrThrow(hypervisorEventSchema, input, 'invalid_event', 'hypervisor event', source));
}

/** Turns any thrown value into the {@link EventError} that events carry. */
export function toEventError(error: unknown): EventError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, code, message: error.message } : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: typeof error === 'string' ? error : JSON.stringify(error) ?? typeof error };
}
