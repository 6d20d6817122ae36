import { CoreError } from '../../core-error.js';
import type { Phase, Plan } from '../../plan/plan.js';
import type { AgentProfile } from './agent-profile.js';
import { MAX_TURNS_PLACEHOLDER, kindTakes } from './agent-profile.js';

/** The agent that runs a phase, with the phase's own settings (they win over the profile's). */
export interface PhaseAgent {
  readonly profile: AgentProfile;
  readonly model?: string;
  readonly maxTurns?: number;
  readonly allowedTools?: readonly string[];
}

/** The profiles a run can use and its default agent. */
export interface AgentChoice {
  readonly profiles: ReadonlyMap<string, AgentProfile>;
  /** The profile of phases that name none. */
  readonly defaultProfile: AgentProfile;
  /** The turn limit of phases that set none, over the profile's. */
  readonly maxTurns?: number;
}

/** Something about a phase's agent settings: an `error` stops the run before it starts; a `warning` is told. */
export interface PhaseAgentNote {
  readonly phaseId: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

function phaseName(phase: Phase): string {
  return phase.file === undefined ? `phase ${phase.id}` : `phase ${phase.id} (${phase.file})`;
}

function takesTurns(profile: AgentProfile): boolean {
  return profile.kind === 'claude' || (profile.kind === 'command' && [...profile.args, ...(profile.stdinArgs ?? [])].includes(MAX_TURNS_PLACEHOLDER));
}

/**
 * The agent of a phase: `shell` for a phase with a `run:` line, else the phase's `agent`, else the default; the
 * phase's `model`, `max_turns` and `allowed_tools` over the profile's (and the run's turn limit over the profile's).
 * @throws CoreError `invalid_config` when the phase names an unknown agent.
 */
export function phaseAgentOf(phase: Phase, choice: AgentChoice): PhaseAgent {
  const name = phase.run === undefined ? phase.agent : 'shell';
  const profile = name === undefined ? choice.defaultProfile : choice.profiles.get(name);
  if (profile === undefined) {
    const known = [...choice.profiles.keys()].join(', ');
    throw new CoreError('invalid_config', `${phaseName(phase)}: unknown agent "${name}" (known: ${known})`, { phaseId: phase.id, profile: name });
  }
  if (phase.run !== undefined) return { profile };
  const maxTurns = phase.maxTurns ?? choice.maxTurns;
  return {
    profile,
    ...(phase.model === undefined ? {} : { model: phase.model }),
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(phase.allowedTools === undefined ? {} : { allowedTools: phase.allowedTools }),
  };
}

function settingNotes(phase: Phase, profile: AgentProfile): PhaseAgentNote[] {
  const notes: PhaseAgentNote[] = [];
  const note = (severity: PhaseAgentNote['severity'], message: string): number => notes.push({ phaseId: phase.id, severity, message: `${phaseName(phase)}: ${message}` });
  if (phase.run !== undefined) {
    const unused = [
      phase.agent === undefined ? '' : 'agent',
      phase.model === undefined ? '' : 'model',
      phase.maxTurns === undefined ? '' : 'max_turns',
      phase.allowedTools === undefined ? '' : 'allowed_tools',
    ].filter(Boolean);
    if (unused.length > 0) note('warning', `${unused.join(', ')} not used: the phase runs its run: line`);
    return notes;
  }
  if (phase.model !== undefined && !kindTakes(profile.kind, 'model')) note('error', `model: agent ${profile.name} (a ${profile.kind} profile) takes no model`);
  if (phase.allowedTools !== undefined && !kindTakes(profile.kind, 'allowedTools')) {
    note('error', `allowed_tools: agent ${profile.name} (a ${profile.kind} profile) has no tool list; set its permissionMode instead`);
  }
  if (phase.maxTurns !== undefined && !takesTurns(profile)) note('warning', `max_turns not used: agent ${profile.name} has no turn limit`);
  return notes;
}

/**
 * Checks every phase's agent settings before a run: an unknown agent, or a model or tool list its agent cannot
 * take, is an error; a setting that has no effect (max_turns for an agent without a turn limit, agent settings of a
 * phase with a `run:` line) is a warning.
 */
export function checkPhaseAgents(plan: Plan, choice: AgentChoice): PhaseAgentNote[] {
  return plan.phases.flatMap((phase) => {
    try {
      return settingNotes(phase, phaseAgentOf(phase, choice).profile);
    } catch (error) {
      return [{ phaseId: phase.id, severity: 'error' as const, message: (error as Error).message }];
    }
  });
}
