import type { Phase } from '@kazuba/core';
import type { AgentChoice, PhaseAgentSources } from '@kazuba/core/node';
import { buildProcessSpec, describeProcessSpec, phaseAgentOf } from '@kazuba/core/node';

/** How a phase would be run, for people: which agent, which model, and the exact command line. */
export interface PhaseCommand {
  /** The profile's name (`shell` for a phase with a `run:` line). */
  readonly agent: string;
  /** The model asked for, or a note that the agent's own default applies (`-` for a `run:` line). */
  readonly model: string;
  /** The phase's `run:` line, or the agent's argument vector with the prompt shown by its size. */
  readonly command: string;
  /** What chose the agent and the model: the phase itself, a routing rule, or the run's default. */
  readonly chosenBy: PhaseAgentSources;
}

const BY_PHASE: PhaseAgentSources = { agent: { kind: 'phase' }, model: { kind: 'phase' } };

/**
 * The agent, model and command a phase runs with, and what chose them: its `run:` line as written, or the command
 * its agent is started with (the phase's own agent and model over the first matching routing rule's over the
 * default; its turns and tools over the profile's), the prompt shown by its size.
 * @throws CoreError `invalid_config` when the phase names an unknown agent.
 * @example
 * describePhaseCommand(phase, choice, '/repo').command;
 * // 'claude -p <prompt: 812 chars> --output-format stream-json --verbose --max-turns 50 --permission-mode acceptEdits'
 */
export function describePhaseCommand(phase: Phase, choice: AgentChoice, root: string): PhaseCommand {
  if (phase.run !== undefined) return { agent: 'shell', model: '-', command: phase.run, chosenBy: BY_PHASE };
  const { profile, chosenBy, ...settings } = phaseAgentOf(phase, choice);
  const spec = buildProcessSpec(profile, { prompt: phase.prompt, root, env: {}, ...settings });
  const model = settings.model ?? profile.model;
  return { agent: profile.name, model: model ?? `${profile.name}'s default`, command: describeProcessSpec(spec, phase.prompt), chosenBy };
}
