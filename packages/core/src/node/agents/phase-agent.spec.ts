import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile } from './agent-profile.js';
import { checkPhaseAgents, describePhaseAgentSources, phaseAgentOf } from './phase-agent.js';
import type { AgentChoice } from './phase-agent.js';
import { parseRoutingRules } from './routing.js';
import type { RoutingRuleInput } from './routing.js';

const profiles = resolveProfiles([
  { name: 'aider', command: 'aider', args: ['--message', '{prompt}'] },
  { name: 'turns', command: 'turns', args: ['{prompt}', '--turns', '{maxTurns}'], maxTurns: 5 },
]);
const profile = (name: string): AgentProfile => profiles.get(name) as AgentProfile;
const choice: AgentChoice = { profiles, defaultProfile: profile('claude') };

const phaseOf = (definition: Omit<PhaseDefinition, 'id'>): Phase => definePlan([{ id: 1, prompt: 'Fix the build', ...definition }]).phases[0] as Phase;
const notesOf = (...definitions: PhaseDefinition[]): ReturnType<typeof checkPhaseAgents> => checkPhaseAgents(definePlan(definitions), choice);

const BY_DEFAULT = { agent: { kind: 'default' }, model: { kind: 'default' } };
const BY_PHASE = { agent: { kind: 'phase' }, model: { kind: 'phase' } };

describe('phaseAgentOf', () => {
  it('gives a phase that names no agent the default profile and no settings of its own', () => {
    expect(phaseAgentOf(phaseOf({}), choice)).toEqual({ profile: profile('claude'), chosenBy: BY_DEFAULT });
    expect(phaseAgentOf(phaseOf({}), { ...choice, defaultProfile: profile('codex') })).toEqual({ profile: profile('codex'), chosenBy: BY_DEFAULT });
  });

  it("gives a phase the agent it names, with the phase's model, turn limit and tools", () => {
    expect(phaseAgentOf(phaseOf({ agent: 'gemini', model: 'gemini-2.5-pro', maxTurns: 3, allowedTools: ['ReadFile'] }), choice)).toEqual({
      profile: profile('gemini'),
      model: 'gemini-2.5-pro',
      maxTurns: 3,
      allowedTools: ['ReadFile'],
      chosenBy: BY_PHASE,
    });
  });

  it("gives a phase without its own turn limit the run's, and the phase's over the run's", () => {
    const run = { ...choice, maxTurns: 20 };
    expect(phaseAgentOf(phaseOf({}), run)).toEqual({ profile: profile('claude'), maxTurns: 20, chosenBy: BY_DEFAULT });
    expect(phaseAgentOf(phaseOf({ maxTurns: 4 }), run)).toEqual({ profile: profile('claude'), maxTurns: 4, chosenBy: BY_DEFAULT });
  });

  it('runs a phase with a run: line with the shell, without any agent setting', () => {
    const phase = phaseOf({ run: 'npm test', agent: 'codex', model: 'o3', maxTurns: 3, allowedTools: ['Read'] });
    expect(phaseAgentOf(phase, { ...choice, maxTurns: 20 })).toEqual({ profile: profile('shell'), chosenBy: BY_PHASE });
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

describe('phaseAgentOf with routing rules', () => {
  const routed = (...rules: RoutingRuleInput[]): AgentChoice => ({ ...choice, routing: parseRoutingRules(rules, profiles) });
  const rule = (index: number, description: string) => ({ kind: 'rule', index, description });
  const RULES = routed(
    { when: { effort: ['L', 'XL'] }, agent: 'codex', model: 'o3' },
    { when: { title: '^fix' }, model: 'haiku' },
    { when: { body: 'database migration' }, agent: 'gemini' },
    { when: { group: 'docs' }, agent: 'aider' },
    { when: { tags: ['ui', 'css'] }, model: 'sonnet' },
  );

  it.each<[string, Omit<PhaseDefinition, 'id'>, string, string | undefined, number]>([
    ['its effort', { estimates: { effort: 'XL' } }, 'codex', 'o3', 0],
    ['a pattern on its title, ignoring case', { name: 'FIX the login page' }, 'claude', 'haiku', 1],
    ['a pattern on its body', { prompt: 'Write the Database Migration for users.' }, 'gemini', undefined, 2],
    ['its parallel_group', { parallelGroup: 'docs' }, 'aider', undefined, 3],
    ['any of its tags', { tags: ['backend', 'css'] }, 'claude', 'sonnet', 4],
  ])('routes a phase by %s', (_case, definition, agent, model, index) => {
    const chosen = phaseAgentOf(phaseOf(definition), RULES);
    expect(chosen.profile.name).toBe(agent);
    expect(chosen.model).toBe(model);
    expect([chosen.chosenBy.agent, chosen.chosenBy.model]).toContainEqual(expect.objectContaining({ kind: 'rule', index }));
  });

  it('gives a phase that matches no rule the default agent and model', () => {
    expect(phaseAgentOf(phaseOf({ name: 'Refactor', estimates: { effort: 'M' }, tags: ['api'], parallelGroup: 'core' }), RULES)).toEqual({ profile: profile('claude'), chosenBy: BY_DEFAULT });
  });

  it('takes the first rule that matches, even when a later one matches too', () => {
    const chosen = phaseAgentOf(phaseOf({ name: 'Fix the schema', estimates: { effort: 'L' }, tags: ['ui'] }), RULES);
    expect(chosen).toMatchObject({ profile: profile('codex'), model: 'o3', chosenBy: { agent: rule(0, 'effort L,XL'), model: rule(0, 'effort L,XL') } });
  });

  it('needs every condition of a rule to hold', () => {
    const both = routed({ when: { effort: 'S', tags: ['db'] }, model: 'haiku' });
    expect(phaseAgentOf(phaseOf({ estimates: { effort: 'S' }, tags: ['db'] }), both).model).toBe('haiku');
    expect(phaseAgentOf(phaseOf({ estimates: { effort: 'S' }, tags: ['ui'] }), both).model).toBeUndefined();
    expect(phaseAgentOf(phaseOf({ tags: ['db'] }), both).model).toBeUndefined();
  });

  it('lets a rule with an empty or absent when match every phase', () => {
    for (const catchAll of [routed({ when: {}, model: 'sonnet' }), routed({ model: 'sonnet' })]) {
      expect(phaseAgentOf(phaseOf({}), catchAll)).toEqual({ profile: profile('claude'), model: 'sonnet', chosenBy: { agent: { kind: 'default' }, model: rule(0, 'every phase') } });
    }
  });

  it("lets a phase's own agent and model win over every rule", () => {
    const phase = phaseOf({ estimates: { effort: 'XL' }, agent: 'gemini', model: 'gemini-2.5-pro' });
    expect(phaseAgentOf(phase, RULES)).toEqual({ profile: profile('gemini'), model: 'gemini-2.5-pro', chosenBy: BY_PHASE });
  });

  it("takes a rule's model for a phase that names only its agent, unless the rule's model is for another agent", () => {
    expect(phaseAgentOf(phaseOf({ name: 'fix it', agent: 'claude' }), RULES)).toMatchObject({ model: 'haiku', chosenBy: { agent: { kind: 'phase' }, model: rule(1, 'title /^fix/') } });
    expect(phaseAgentOf(phaseOf({ estimates: { effort: 'L' }, agent: 'claude' }), RULES)).toEqual({ profile: profile('claude'), chosenBy: { agent: { kind: 'phase' }, model: { kind: 'default' } } });
    expect(phaseAgentOf(phaseOf({ estimates: { effort: 'L' }, agent: 'codex' }), RULES)).toMatchObject({ model: 'o3', chosenBy: { agent: { kind: 'phase' }, model: rule(0, 'effort L,XL') } });
  });

  it("takes a rule's agent for a phase that names only its model", () => {
    expect(phaseAgentOf(phaseOf({ estimates: { effort: 'L' }, model: 'gpt-5' }), RULES)).toEqual({
      profile: profile('codex'),
      model: 'gpt-5',
      chosenBy: { agent: rule(0, 'effort L,XL'), model: { kind: 'phase' } },
    });
  });

  it('does not route a phase with a run: line', () => {
    expect(phaseAgentOf(phaseOf({ run: 'make', estimates: { effort: 'XL' } }), RULES)).toEqual({ profile: profile('shell'), chosenBy: BY_PHASE });
  });

  it('refuses a rule naming an agent no profile defines, naming the rule', () => {
    const unchecked: AgentChoice = { ...choice, routing: [{ when: { tags: ['x'] }, model: 'm' }, { when: { effort: ['L'] }, agent: 'cursor' }] };
    expect(() => phaseAgentOf(phaseOf({ estimates: { effort: 'L' } }), unchecked)).toThrow('routing[1].agent: no agent profile "cursor" (known: claude, codex, gemini, shell, aider, turns)');
  });
});

describe('describePhaseAgentSources', () => {
  const byRule = { kind: 'rule', index: 2, description: 'effort L' } as const;
  it.each<[string, Parameters<typeof describePhaseAgentSources>[0], string]>([
    ['the default', { agent: { kind: 'default' }, model: { kind: 'default' } }, 'default'],
    ['the phase', { agent: { kind: 'phase' }, model: { kind: 'default' } }, 'phase'],
    ['a rule for the agent', { agent: byRule, model: { kind: 'default' } }, 'routing[2] effort L'],
    ['a rule for the model', { agent: { kind: 'default' }, model: byRule }, 'routing[2] effort L'],
    ['a rule for both', { agent: byRule, model: byRule }, 'routing[2] effort L'],
    ['the phase and a rule', { agent: { kind: 'phase' }, model: byRule }, 'agent: phase, model: routing[2] effort L'],
  ])('names %s', (_case, sources, text) => {
    expect(describePhaseAgentSources(sources)).toBe(text);
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

  it("checks the agent and model a routing rule gives, naming the rule", () => {
    const plan = definePlan([{ id: 1, estimates: { effort: 'L' } }, { id: 2, tags: ['x'] }, { id: 3 }]);
    const routing = parseRoutingRules([{ when: { effort: 'L' }, agent: 'aider', model: 'gpt' }, { when: { tags: ['x'] }, agent: 'codex' }], profiles);
    expect(checkPhaseAgents(plan, { ...choice, routing })).toEqual([
      { phaseId: 1, severity: 'error', message: 'phase 1: model: agent aider (a command profile) takes no model (routing[0] effort L)' },
    ]);
    const unknown: AgentChoice = { ...choice, routing: [{ when: { tags: ['x'] }, agent: 'cursor' }] };
    expect(checkPhaseAgents(plan, unknown)).toEqual([
      { phaseId: 2, severity: 'error', message: 'routing[0].agent: no agent profile "cursor" (known: claude, codex, gemini, shell, aider, turns)' },
    ]);
  });

  it('gives every note of a phase, errors and warnings', () => {
    expect(notesOf({ id: 3, agent: 'codex', model: 'o3', allowedTools: ['Read'], maxTurns: 2 })).toEqual([
      { phaseId: 3, severity: 'error', message: 'phase 3: allowed_tools: agent codex (a codex profile) has no tool list; set its permissionMode instead' },
      { phaseId: 3, severity: 'warning', message: 'phase 3: max_turns not used: agent codex has no turn limit' },
    ]);
  });
});
