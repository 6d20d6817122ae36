import { z } from 'zod';
import { HypervisorV2Error } from './errors.js';

/**
 * Where a phase is in its lifecycle: pending → queued → running → validating, then one of the terminal
 * statuses (the original's checkpoint names plus `cancelled`).
 */
export const PHASE_STATUSES = [
  'pending',
  'queued',
  'running',
  'validating',
  'success',
  'partial',
  'failed',
  'skipped',
  'cancelled',
] as const;

/** Validates a phase status. */
export const phaseStatusSchema = z.enum(PHASE_STATUSES);

/** One of {@link PHASE_STATUSES}. */
export type PhaseStatus = z.infer<typeof phaseStatusSchema>;

const TERMINAL: ReadonlySet<PhaseStatus> = new Set(['success', 'partial', 'failed', 'skipped', 'cancelled']);
const KNOWN: ReadonlySet<string> = new Set(PHASE_STATUSES);

/**
 * Tells whether a phase with this status is done for this run: `success`, `partial`, `failed`, `skipped`
 * and `cancelled` are; `pending`, `queued`, `running` and `validating` are not.
 */
export function isTerminalStatus(status: PhaseStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * Counts phases by status, every status present (zero when none has it): the `countsByStatus` of a
 * {@link HypervisorState}.
 * @throws HypervisorV2Error `invalid_state` when a value is not a phase status (a caller outside TypeScript).
 * @example
 * const counts = summarizeStatuses(phases.map((phase) => phase.status));
 * console.log(`${counts.success} done, ${counts.failed} failed`);
 */
export function summarizeStatuses(statuses: Iterable<PhaseStatus>): Readonly<Record<PhaseStatus, number>> {
  const counts = Object.fromEntries(PHASE_STATUSES.map((status) => [status, 0])) as Record<PhaseStatus, number>;
  let position = 0;
  for (const status of statuses) {
    if (!KNOWN.has(status)) {
      const shown = typeof status === 'string' ? JSON.stringify(status) : `of type ${typeof status}`;
      throw new HypervisorV2Error('invalid_state', `unknown phase status ${shown} at position ${position}`, { position });
    }
    counts[status] += 1;
    position += 1;
  }
  return Object.freeze(counts);
}
