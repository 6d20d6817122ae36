import { resolve } from 'node:path';
import type { Plan } from '@kazuba/core';
import type { CliIo } from '../cli-io.js';

/** A path given on the command line (or several segments of one), made absolute against the command's working directory. */
export function resolveFromCwd(io: CliIo, ...paths: string[]): string {
  return resolve(io.cwd ?? process.cwd(), ...paths);
}

/**
 * Loads the plan in the folder the user typed, read against the command's working directory (see
 * {@link readPlanArg}). The plan loader is loaded here, not at the top, so that `--help` loads nothing heavy.
 * @throws CliError `invalid_plan`
 */
export async function loadPlanArg(io: CliIo, planArg: string): Promise<Plan> {
  const { readPlanArg } = await import('./plan-arg.js');
  return readPlanArg(io, planArg);
}
