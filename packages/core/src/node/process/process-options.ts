import { z } from 'zod';
import { CoreError } from '../../core-error.js';
import type { ProcessOptions } from './process-types.js';

/** {@link ProcessOptions} with its defaults applied. */
export interface ResolvedProcessOptions {
  readonly signal: AbortSignal;
  readonly killGraceMs: number;
  readonly logFile: string | undefined;
  readonly logHeader: string | undefined;
  readonly chunkChars: number;
  readonly tailChars: number;
}

const limitsSchema = z.object({
  killGraceMs: z.number().int().nonnegative().max(2_147_483_647).default(3000),
  chunkChars: z.number().int().positive().default(16_384),
  tailChars: z.number().int().nonnegative().default(65_536),
  logFile: z.string().min(1).optional(),
  logHeader: z.string().optional(),
});

/**
 * Applies the defaults of {@link ProcessOptions} and checks its numbers.
 * @throws CoreError `invalid_config` naming every offending option.
 */
export function resolveProcessOptions(options: ProcessOptions): ResolvedProcessOptions {
  const { signal, ...rest } = options;
  const result = limitsSchema.safeParse(rest);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new CoreError('invalid_config', `invalid process options: ${problems}`, { issues: result.error.issues }, { cause: result.error });
  }
  const { logFile, logHeader, ...limits } = result.data;
  return { signal, ...limits, logFile, logHeader };
}
