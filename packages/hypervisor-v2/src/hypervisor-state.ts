import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { executionModeSchema } from './execution-mode.js';
import { phaseStatusSchema } from './phase-status.js';
import { parseOrThrow } from './validation-issues.js';

const count = z.int().nonnegative();

/**
 * The snapshot of a run that plugins receive with every hook call. Unknown keys are rejected, and
 * `countsByStatus` must name every phase status.
 */
export const hypervisorStateSchema = z.strictObject({
  /** Id of the phase the hook is about, or `null` when it concerns the run as a whole. */
  currentPhase: z.int().nullable(),
  /** The mode the run is in now (a stalled parallel run falls back to `sequential`). */
  mode: executionModeSchema,
  /** Workers running a phase at this moment. */
  activeWorkers: count,
  /** Megabytes the memory manager has granted to running phases. */
  memoryInUseMb: z.number().nonnegative(),
  /** How many phases of the plan are in each status. */
  countsByStatus: z.record(phaseStatusSchema, count),
});

/** A validated snapshot of a run. */
export type HypervisorState = z.infer<typeof hypervisorStateSchema>;

/**
 * Validates a state snapshot, e.g. one a plugin host received over a process boundary, and freezes it.
 * @param source where it came from, named in the error message
 * @throws HypervisorV2Error `invalid_state`, with a one-line message naming the source and every offending field.
 * @example
 * const state = parseHypervisorState({
 *   currentPhase: 15,
 *   mode: 'parallel',
 *   activeWorkers: 2,
 *   memoryInUseMb: 312.5,
 *   countsByStatus: summarizeStatuses(statuses),
 * });
 */
export function parseHypervisorState(input: unknown, source?: string): Readonly<HypervisorState> {
  return deepFreeze(parseOrThrow(hypervisorStateSchema, input, 'invalid_state', 'hypervisor state', source));
}
