import { isCoreError } from '@kazuba/core';
import type { Plan } from '@kazuba/core';
import { checkPhaseAgents, resolveProfiles } from '@kazuba/core/node';
import type { AgentChoice } from '@kazuba/core/node';
import { CliError } from './cli-error.js';
import type { ResolvedRunOptions } from './run-options.js';

// The settings the agent flags change, for naming the flag when the profile check refuses one.
const AGENT_FLAGS: Readonly<Record<string, string>> = {
  model: '--model',
  permissionMode: '--permission-mode',
  allowedTools: '--allowed-tools',
  disallowedTools: '--disallowed-tools',
};

/**
 * The profiles a run uses (the built-ins, the config file's, the agent flags on the default agent), its default
 * agent, checked, and the config file's routing rules (checked when the file was read).
 * @throws CliError `invalid_option` naming the agent flag that is wrong, or an unknown `--agent`.
 */
export function chooseAgents(options: ResolvedRunOptions): AgentChoice {
  let profiles;
  try {
    profiles = resolveProfiles(options.profiles);
  } catch (error) {
    // The config file was checked when it was read: a problem now comes from an agent flag.
    const context = isCoreError(error) ? error.context : {};
    const flag = typeof context['field'] === 'string' ? AGENT_FLAGS[context['field']] : undefined;
    const problem = context['problem'];
    if (flag === undefined || typeof problem !== 'string') throw error;
    throw new CliError('invalid_option', `${flag}: ${problem}`, { cause: error });
  }
  // The config file's own `run.agent` was checked when it was read: an unknown agent here comes from the flag.
  const defaultProfile = profiles.get(options.agent);
  if (defaultProfile === undefined) {
    throw new CliError('invalid_option', `--agent: unknown agent profile ${JSON.stringify(options.agent)} (known: ${[...profiles.keys()].join(', ')})`);
  }
  return {
    profiles,
    defaultProfile,
    ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
    ...(options.routing.length === 0 ? {} : { routing: options.routing }),
  };
}

/**
 * Checks each phase's agent settings against its agent: refuses a plan whose settings cannot run, and returns the
 * warnings (settings that have no effect) for the caller to tell.
 * @throws CliError `invalid_plan` naming the first phase that cannot run, and how many more there are.
 */
export function checkAgents(plan: Plan, choice: AgentChoice): string[] {
  const notes = checkPhaseAgents(plan, choice);
  const errors = notes.filter((note) => note.severity === 'error');
  const [first] = errors;
  if (first !== undefined) throw new CliError('invalid_plan', `${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
  return notes.flatMap((note) => (note.severity === 'warning' ? [note.message] : []));
}
