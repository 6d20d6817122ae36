import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile } from './agent-profile.js';
import { checkPhaseAgents, phaseAgentOf } from './phase-agent.js';
import type { AgentChoice } from './phase-agent.js';

const profiles = resolveProfiles([
  { name: 'aider', command: 'aider', args: ['--message', '{prompt}'] },
  { name: 'turns', command: 'turns', args: ['{prompt}', '--turns', '{maxTurns}'], maxTurns: 5 },
]);
const profile = (name: string): AgentProfile => profiles.get(name) as AgentProfile;
const choice: AgentChoice = { profiles, defaultProfile: profile('claude') };

const phaseOf = (definition: Omit<PhaseDefinition, 'id'>): Phase => definePlan([{ id: 1, prompt: 'Fix the build', ...definition }]).phases[0] as Phase;
const notesOf = (...definitions: PhaseDefinition[]): ReturnType<typeof checkPhaseAgents> => checkPhaseAgents(definePlan(definitions), choice);

describe('phaseAgentOf', () => {
  it('gives a phase that names no agent the default profile and no settings of its own', () => {
    expect(phaseAgentOf(phaseOf({}), choice)).toEqual({ profile: profile('claude') });
    expect(phaseAgentOf(phaseOf({}), { ...choice, defaultProfile: profile('codex') })).toEqual({ profile: profile('codex') });
  });

  it("gives a phase the agent it names, with the phase's model, turn limit and tools", () => {
    expect(phaseAgentOf(phaseOf({ agent: 'gemini', model: 'gemini-2.5-pro', maxTurns: 3, allowedTools: ['ReadFile'] }), choice)).toEqual({
      profile: profile('gemini'),
      model: 'gemini-2.5-pro',
      maxTurns: 3,
      allowedTools: ['ReadFile'],
    });
  });

  it("gives a phase without its own turn limit the run's, and the phase's over the run's", () => {
    const run = { ...choice, maxTurns: 20 };
    expect(phaseAgentOf(phaseOf({}), run)).toEqual({ profile: profile('claude'), maxTurns: 20 });
    expect(phaseAgentOf(phaseOf({ maxTurns: 4 }), run)).toEqual({ profile: profile('claude'), maxTurns: 4 });
  });

  it('runs a phase with a run: line with the shell, without any agent setting', () => {
    const phase = phaseOf({ run: 'npm test', agent: 'codex', model: 'o3', maxTurns: 3, allowedTools: ['Read'] });
    expect(phaseAgentOf(phase, { ...choice, maxTurns: 20 })).toEqual({ profile: profile('shell') });
  });

  it('refuses an agent no profile defines, naming the phase, its file and the known agents', () => {
    let caught: unknown;
    try {
      phaseAgentOf({ ...phaseOf({ agent: 'cursor' }), file: '01-build.md' }, choice);
    } catch (error) {
      caught = error;
    }
    expect(isCoreError(caught) && { code: caught.code, message: caught.message, context: caught.context }).toEqual({
      code: 'invalid_config',
      message: 'phase 1 (01-build.md): unknown agent "cursor" (known: claude, codex, gemini, shell, aider, turns)',
      context: { phaseId: 1, profile: 'cursor' },
    });
  });
});

describe('checkPhaseAgents', () => {
  it('finds nothing to say about settings every agent takes', () => {
    expect(
      notesOf(
        { id: 1 },
        { id: 2, agent: 'claude', model: 'opus', maxTurns: 3, allowedTools: ['Read'] },
        { id: 3, agent: 'gemini', model: 'gemini-2.5-pro', allowedTools: ['ReadFile'] },
        { id: 4, agent: 'codex', model: 'o3' },
        { id: 5, agent: 'turns', maxTurns: 2 },
        { id: 6, agent: 'aider' },
        { id: 7, run: 'npm test' },
      ),
    ).toEqual([]);
  });

  it('reports an unknown agent as an error of its phase, and goes on with the others', () => {
    expect(notesOf({ id: 1, agent: 'cursor' }, { id: 2, agent: 'aider', model: 'gpt' })).toEqual([
      { phaseId: 1, severity: 'error', message: 'phase 1: unknown agent "cursor" (known: claude, codex, gemini, shell, aider, turns)' },
      { phaseId: 2, severity: 'error', message: 'phase 2: model: agent aider (a command profile) takes no model' },
    ]);
  });

  it.each<[string, PhaseDefinition, string]>([
    ['a model for a command profile', { id: 1, agent: 'aider', model: 'gpt' }, 'phase 1: model: agent aider (a command profile) takes no model'],
    [
      'tools for codex',
      { id: 1, agent: 'codex', allowedTools: ['Read'] },
      'phase 1: allowed_tools: agent codex (a codex profile) has no tool list; set its permissionMode instead',
    ],
    [
      'tools for a command profile',
      { id: 1, agent: 'turns', allowedTools: ['Read'] },
      'phase 1: allowed_tools: agent turns (a command profile) has no tool list; set its permissionMode instead',
    ],
  ])('reports %s as an error', (_case, definition, message) => {
    expect(notesOf(definition)).toEqual([{ phaseId: 1, severity: 'error', message }]);
  });

  it('checks a phase that names no agent against the default agent', () => {
    const plan = definePlan([{ id: 1, model: 'gpt', maxTurns: 3 }]);
    expect(checkPhaseAgents(plan, { ...choice, defaultProfile: profile('aider') })).toEqual([
      { phaseId: 1, severity: 'error', message: 'phase 1: model: agent aider (a command profile) takes no model' },
      { phaseId: 1, severity: 'warning', message: 'phase 1: max_turns not used: agent aider has no turn limit' },
    ]);
    expect(checkPhaseAgents(plan, choice)).toEqual([]);
  });

  it.each<[string, string]>([
    ['codex', 'phase 1: max_turns not used: agent codex has no turn limit'],
    ['gemini', 'phase 1: max_turns not used: agent gemini has no turn limit'],
    ['aider', 'phase 1: max_turns not used: agent aider has no turn limit'],
  ])('warns that max_turns does nothing for %s', (agent, message) => {
    expect(notesOf({ id: 1, agent, maxTurns: 3 })).toEqual([{ phaseId: 1, severity: 'warning', message }]);
  });

  it.each<[string, Omit<PhaseDefinition, 'id' | 'run'>, string]>([
    ['an agent', { agent: 'codex' }, 'agent'],
    ['a model and tools', { model: 'opus', allowedTools: ['Read'] }, 'model, allowed_tools'],
    ['a turn limit', { maxTurns: 3 }, 'max_turns'],
    ['every agent setting', { agent: 'claude', model: 'opus', maxTurns: 3, allowedTools: ['Read'] }, 'agent, model, max_turns, allowed_tools'],
  ])('warns that %s of a phase with a run: line is not used', (_case, definition, unused) => {
    expect(notesOf({ id: 1, run: 'npm test', ...definition })).toEqual([
      { phaseId: 1, severity: 'warning', message: `phase 1: ${unused} not used: the phase runs its run: line` },
    ]);
  });

  it('gives every note of a phase, errors and warnings', () => {
    expect(notesOf({ id: 3, agent: 'codex', model: 'o3', allowedTools: ['Read'], maxTurns: 2 })).toEqual([
      { phaseId: 3, severity: 'error', message: 'phase 3: allowed_tools: agent codex (a codex profile) has no tool list; set its permissionMode instead' },
      { phaseId: 3, severity: 'warning', message: 'phase 3: max_turns not used: agent codex has no turn limit' },
    ]);
  });
});
