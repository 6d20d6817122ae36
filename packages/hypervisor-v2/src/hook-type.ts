import { z } from 'zod';

/**
 * The lifecycle points at which the hypervisor calls a plugin, with the original's names:
 * - `pre_phase`: just before a phase starts;
 * - `post_phase`: just after a phase has completed successfully;
 * - `on_failure`: when a phase has failed;
 * - `on_success`: when the whole plan has completed successfully.
 */
export const HOOK_TYPES = ['pre_phase', 'post_phase', 'on_failure', 'on_success'] as const;

/** Validates a hook name, e.g. one read from a plugin's configuration. */
export const hookTypeSchema = z.enum(HOOK_TYPES);

/** One of {@link HOOK_TYPES}. */
export type HookType = z.infer<typeof hookTypeSchema>;
