import { CoreError } from '../../core-error.js';
import type { Phase, Plan } from '../../plan/plan.js';
import type { AgentProfile } from './agent-profile.js';
import { MAX_TURNS_PLACEHOLDER, kindTakes } from './agent-profile.js';
import { createPhaseRouter, describeChoiceSource, phaseTaskOf } from './routing.js';
import type { ChoiceSource, RoutingRule } from './routing.js';

/** The agent that runs a phase, with the phase's own settings (they win over the profile's). */
export interface PhaseAgent {
  readonly profile: AgentProfile;
  readonly model?: string;
  readonly maxTurns?: number;
  readonly allowedTools?: readonly string[];
}

/** What chose a phase's agent and its model. */
export interface PhaseAgentSources {
  readonly agent: ChoiceSource;
  readonly model: ChoiceSource;
}

/** The agent of a phase as {@link phaseAgentOf} chooses it, and what chose it. */
export interface ChosenPhaseAgent extends PhaseAgent {
  readonly chosenBy: PhaseAgentSources;
}

/** The profiles a run can use, its default agent and its routing rules. */
export interface AgentChoice {
  readonly profiles: ReadonlyMap<string, AgentProfile>;
  /** The profile of phases that name none and match no routing rule that names one. */
  readonly defaultProfile: AgentProfile;
  /** The turn limit of phases that set none, over the profile's. */
  readonly maxTurns?: number;
  /** Rules that choose a phase's agent and model from its front matter, first match wins (validated, see `parseRoutingRules`). */
  readonly routing?: readonly RoutingRule[];
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

const PHASE: ChoiceSource = Object.freeze({ kind: 'phase' });
const DEFAULT: ChoiceSource = Object.freeze({ kind: 'default' });

function findProfile(choice: AgentChoice, name: string | undefined, source: ChoiceSource, phase: Phase): AgentProfile {
  const profile = name === undefined ? choice.defaultProfile : choice.profiles.get(name);
  if (profile !== undefined) return profile;
  const known = [...choice.profiles.keys()].join(', ');
  if (source.kind === 'rule') {
    throw new CoreError('invalid_config', `routing[${source.index}].agent: no agent profile "${name}" (known: ${known})`, { phaseId: phase.id, profile: name, path: ['routing', source.index, 'agent'] });
  }
  throw new CoreError('invalid_config', `${phaseName(phase)}: unknown agent "${name}" (known: ${known})`, { phaseId: phase.id, profile: name });
}

/**
 * The agent of a phase and what chose it: `shell` for a phase with a `run:` line; else the phase's own `agent`,
 * else the first matching routing rule's, else the default; the phase's own `model`, else the rule's (when the rule
 * names no agent, or the one the phase runs with), else the profile's. The phase's `max_turns` and `allowed_tools`
 * over the profile's (and the run's turn limit over the profile's).
 * @throws CoreError `invalid_config` when the phase, or the rule that matches it, names an unknown agent.
 * @example
 * phaseAgentOf(phase, { profiles, defaultProfile, routing: [{ when: { effort: ['XL'] }, model: 'opus' }] }).chosenBy.model;
 * // { kind: 'rule', index: 0, description: 'effort XL' } for a phase of effort XL
 */
export function phaseAgentOf(phase: Phase, choice: AgentChoice): ChosenPhaseAgent {
  if (phase.run !== undefined) return { profile: findProfile(choice, 'shell', PHASE, phase), chosenBy: { agent: PHASE, model: PHASE } };
  const route = createPhaseRouter(choice.routing ?? [], choice.defaultProfile.name).route(phaseTaskOf(phase));
  const rule = route.matched;
  const ruleSource: ChoiceSource = rule === undefined ? DEFAULT : { kind: 'rule', index: rule.index, description: rule.description };
  const agentSource = phase.agent !== undefined ? PHASE : rule?.agent !== undefined ? ruleSource : DEFAULT;
  const profile = findProfile(choice, phase.agent ?? rule?.agent, agentSource, phase);
  // A rule's model goes with its agent: it does not follow the phase to another agent.
  const ruleModel = rule?.agent === undefined || rule.agent === profile.name ? rule?.model : undefined;
  const model = phase.model ?? ruleModel;
  const modelSource = phase.model !== undefined ? PHASE : ruleModel !== undefined ? ruleSource : DEFAULT;
  const maxTurns = phase.maxTurns ?? choice.maxTurns;
  return {
    profile,
    ...(model === undefined ? {} : { model }),
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(phase.allowedTools === undefined ? {} : { allowedTools: phase.allowedTools }),
    chosenBy: { agent: agentSource, model: modelSource },
  };
}

/**
 * What chose a phase's agent and model, in a few words: `phase`, `default`, `routing[0] effort L`, or both when
 * they differ (`agent: phase, model: routing[1] tags db`); the default is left out beside another source.
 */
export function describePhaseAgentSources(sources: PhaseAgentSources): string {
  const agent = describeChoiceSource(sources.agent);
  const model = describeChoiceSource(sources.model);
  if (agent === model || model === 'default') return agent;
  if (agent === 'default') return model;
  return `agent: ${agent}, model: ${model}`;
}

function settingNotes(phase: Phase, { profile, model, chosenBy }: ChosenPhaseAgent): PhaseAgentNote[] {
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
  if (model !== undefined && !kindTakes(profile.kind, 'model')) {
    const from = chosenBy.model.kind === 'rule' ? ` (${describeChoiceSource(chosenBy.model)})` : '';
    note('error', `model: agent ${profile.name} (a ${profile.kind} profile) takes no model${from}`);
  }
  if (phase.allowedTools !== undefined && !kindTakes(profile.kind, 'allowedTools')) {
    note('error', `allowed_tools: agent ${profile.name} (a ${profile.kind} profile) has no tool list; set its permissionMode instead`);
  }
  if (phase.maxTurns !== undefined && !takesTurns(profile)) note('warning', `max_turns not used: agent ${profile.name} has no turn limit`);
  return notes;
}

/**
 * Checks every phase's agent settings before a run, with the routing rules applied: an unknown agent, or a model
 * (the phase's or a rule's) or tool list its agent cannot take, is an error; a setting that has no effect
 * (max_turns for an agent without a turn limit, agent settings of a phase with a `run:` line) is a warning.
 */
export function checkPhaseAgents(plan: Plan, choice: AgentChoice): PhaseAgentNote[] {
  return plan.phases.flatMap((phase) => {
    try {
      return settingNotes(phase, phaseAgentOf(phase, choice));
    } catch (error) {
      return [{ phaseId: phase.id, severity: 'error' as const, message: (error as Error).message }];
    }
  });
}
