import { z } from 'zod';

/**
 * How the hypervisor runs a plan: one phase at a time, with bounded parallel workers, asking before each
 * phase, or showing what would happen without touching anything.
 */
export const EXECUTION_MODES = ['sequential', 'parallel', 'interactive', 'dry_run'] as const;

/** Validates an execution mode, e.g. the value of `--mode`. */
export const executionModeSchema = z.enum(EXECUTION_MODES);

/** One of {@link EXECUTION_MODES}. */
export type ExecutionMode = z.infer<typeof executionModeSchema>;
