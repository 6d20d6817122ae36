import { isPlanError, loadPlan } from '@kazuba/core';
import type { Plan } from '@kazuba/core';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../run/cli-error.js';
import { resolveFromCwd } from './command-input.js';

/**
 * Loads the plan in the folder the user typed, read against the command's working directory. A plan that cannot be
 * loaded ends the command (exit 2) in one line that names each bad file as the folder, as typed, joined with the
 * file's name (`plans/v2/03-build.md:4: …`), as every command names it. Named imports only, so that a bundler
 * keeps just the plan loader of @kazuba/core.
 * @throws CliError `invalid_plan`
 */
export async function readPlanArg(io: CliIo, planArg: string): Promise<Plan> {
  try {
    return await loadPlan(resolveFromCwd(io, planArg));
  } catch (error) {
    if (!isPlanError(error)) throw error;
    throw new CliError('invalid_plan', error.describeIn(planArg), { cause: error });
  }
}
