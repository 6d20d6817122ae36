import { resolve } from 'node:path';
import type { Plan } from '@kazuba/core';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../run/cli-error.js';

/** A path given on the command line (or several segments of one), made absolute against the command's working directory. */
export function resolveFromCwd(io: CliIo, ...paths: string[]): string {
  return resolve(io.cwd ?? process.cwd(), ...paths);
}

/**
 * Loads the plan in the folder the user typed, read against the command's working directory. A plan that cannot be
 * loaded ends the command (exit 2) in one line that names each bad file as the folder, as typed, joined with the
 * file's name (`plans/v2/03-build.md:4: …`), as every command names it.
 * @throws CliError `invalid_plan`
 */
export async function loadPlanArg(io: CliIo, planArg: string): Promise<Plan> {
  // Loaded here, not at the top, so that `--help` loads nothing heavy.
  const { isPlanError, loadPlan } = await import('@kazuba/core');
  try {
    return await loadPlan(resolveFromCwd(io, planArg));
  } catch (error) {
    if (!isPlanError(error)) throw error;
    throw new CliError('invalid_plan', error.describeIn(planArg), { cause: error });
  }
}
