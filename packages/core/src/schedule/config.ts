import { z } from 'zod';
import { executionModeSchema } from '@kazuba/hypervisor-v2';
import { CoreError } from '../core-error.js';

const ms = z.number().nonnegative();
const positiveMs = z.number().positive();

/**
 * Everything that shapes a run, validated once where it enters (CLI flags, a config file). Every field changes
 * behaviour; durations are in milliseconds.
 */
export const hypervisorConfigSchema = z.strictObject({
  /** `sequential`, `parallel`, `interactive` or `dry_run`. */
  mode: executionModeSchema.default('sequential'),
  /** Most phases running at once in parallel mode. */
  maxWorkers: z.int().positive().default(4),
  /** One attempt's time limit; the attempt is aborted (its process group killed) when it runs out. */
  timeoutPerPhaseMs: positiveMs.default(600_000),
  /** Retries after a failed attempt (so at most maxRetries + 1 attempts); rate limits do not spend them. */
  maxRetries: z.int().nonnegative().default(3),
  /** Exponential backoff between attempts: initial × factor^(attempt−1), capped, ± jitter (a fraction). */
  backoff: z
    .strictObject({
      initialMs: ms.default(1_000),
      factor: z.number().min(1).default(2),
      maxMs: ms.default(60_000),
      jitter: z.number().min(0).max(1).default(0.2),
    })
    .default({ initialMs: 1_000, factor: 2, maxMs: 60_000, jitter: 0.2 }),
  /** An attempt whose quality score is below this ends the phase `partial`; null: quality is not judged. */
  qualityThreshold: z.number().min(0).max(1).nullable().default(null),
  /** Whether a `partial` phase satisfies its dependents (by default it blocks them, like a failure). */
  partialSatisfiesDependents: z.boolean().default(false),
  /** Run every phase whose dependencies succeeded even after a failure (default: stop starting new ones). */
  keepGoing: z.boolean().default(false),
  /** `strict` or `ignore`: how `parallel_group` limits concurrency (see DESIGN.md section 4). */
  groupPolicy: z.enum(['strict', 'ignore']).default('strict'),
  /** Consecutive failed attempts that open the breaker (0 disables it), and its cool-down before a probe. */
  breaker: z
    .strictObject({ threshold: z.int().nonnegative().default(5), cooldownMs: positiveMs.default(60_000) })
    .default({ threshold: 5, cooldownMs: 60_000 }),
  /** In parallel mode, no phase finishing for this long falls back to sequential mode with the breaker armed. */
  stallWindowMs: positiveMs.default(1_800_000),
  /** How long to wait after a rate limit whose reset time the agent did not say. */
  rateLimitWaitMs: positiveMs.default(300_000),
  /** Ignore checkpoints: run every phase even when its record says it is complete. */
  force: z.boolean().default(false),
  /**
   * The run's budget in US dollars: once the attempts' reported costs add up to it, no phase or retry starts
   * (not-started phases end `skipped`, reason `budget`); running ones finish. null: no budget.
   */
  maxCostUsd: z.number().positive().nullable().default(null),
  /** Retry in a fresh agent session instead of resuming the failed attempt's (which keeps what the agent learned). */
  retryFreshSession: z.boolean().default(false),
  /** The encoding of the checkpoints written: TOON text, or the original's kazuba container. */
  checkpointFormat: z.enum(['toon', 'kazuba']).default('toon'),
});

/** The config as a caller writes it: every field optional. */
export type HypervisorConfigInput = z.input<typeof hypervisorConfigSchema>;

/** A validated config with defaults applied. */
export type HypervisorConfig = z.output<typeof hypervisorConfigSchema>;

/**
 * Validates a run's configuration and applies the defaults.
 * @throws CoreError `invalid_config` naming every offending field.
 */
export function parseHypervisorConfig(input: HypervisorConfigInput | undefined, source = 'config'): HypervisorConfig {
  const result = hypervisorConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new CoreError('invalid_config', `${source}: invalid hypervisor config: ${problems}`, { issues: result.error.issues }, { cause: result.error });
}

