import { describe, expect, it } from '@jest/globals';
import type { GPUSkillRouter } from '@kazuba/hypervisor-v2';
import { isCoreError } from '../../core-error.js';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import { resolveProfiles } from './agent-profile.js';
import { createPhaseRouter, describeChoiceSource, parseRoutingRules, phaseTaskOf } from './routing.js';
import type { PhaseTask, RoutingRuleInput } from './routing.js';

const profiles = resolveProfiles([{ name: 'opus', extends: 'claude', model: 'opus' }]);
const phaseOf = (definition: Omit<PhaseDefinition, 'id'>): Phase => definePlan([{ id: 1, ...definition }]).phases[0] as Phase;
const task = (definition: Omit<PhaseDefinition, 'id'>): PhaseTask => phaseTaskOf(phaseOf(definition));
const routerOf = (...rules: RoutingRuleInput[]) => createPhaseRouter(parseRoutingRules(rules, profiles), 'claude');

function failure(input: unknown): { message: string; context: unknown } {
  try {
    parseRoutingRules(input, profiles);
  } catch (error) {
    if (isCoreError(error) && error.code === 'invalid_config') return { message: error.message, context: error.context };
    throw error;
  }
  throw new Error('expected the rules to be refused');
}

describe('parseRoutingRules', () => {
  it('validates the rules, one size made a list, and hands them out frozen', () => {
    const rules = parseRoutingRules([{ when: { effort: 'L', tags: ['db'] }, agent: 'opus' }, { model: 'haiku' }], profiles);
    expect(rules).toEqual([{ when: { effort: ['L'], tags: ['db'] }, agent: 'opus' }, { when: {}, model: 'haiku' }]);
    expect([rules, rules[0], rules[0]?.when, rules[0]?.when.effort].every((value) => Object.isFrozen(value))).toBe(true);
  });

  it.each<[string, unknown, string, readonly (string | number)[]]>([
    ['an unknown agent', [{ model: 'm' }, { agent: 'gpt' }], 'routing[1].agent: no agent profile "gpt" (known: claude, codex, gemini, shell, opus)', ['routing', 1, 'agent']],
    ['an unknown key', [{ model: 'm', when: { titles: 'x' } }], 'routing[0].when.titles: unknown setting (did you mean "title"?)', ['routing', 0, 'when', 'titles']],
    ['a size that is not one', [{ model: 'm', when: { effort: ['M', 'XXL'] } }], 'routing[0].when.effort[1]: expected one of XS, S, M, L, XL, got "XXL"', ['routing', 0, 'when', 'effort', 1]],
    ['a rule without agent or model', [{ when: { group: 'g' } }], 'routing[0]: a rule needs an agent, a model or both', ['routing', 0]],
    ['something else than a list', 'opus', 'routing: expected a list, got "opus"', ['routing']],
  ])('refuses %s, naming the rule and field', (_case, input, message, path) => {
    expect(failure(input)).toEqual({ message, context: { path } });
  });
});

describe('createPhaseRouter', () => {
  it('keeps the skill router contract: the default route has confidence 0 and no rule', () => {
    const router: GPUSkillRouter = createPhaseRouter([], 'codex');
    expect(router.route({ description: 'anything' })).toEqual({ target: 'codex', kind: 'agent', confidence: 0 });
  });

  it('routes a plain skill task, which has no front matter, by its description alone', () => {
    const router: GPUSkillRouter = routerOf({ when: { title: 'x' }, model: 'a' }, { when: { tags: ['x'] }, model: 'b' }, { when: { body: 'migrate' }, agent: 'codex' });
    expect(router.route({ description: 'Migrate the tables' })).toMatchObject({ target: 'codex', rule: 'routing[2]', confidence: 1 });
    expect(router.route({ description: 'Tidy up' })).toEqual({ target: 'claude', kind: 'agent', confidence: 0 });
  });

  it('routes to the first matching rule with confidence 1, naming it; the default agent when the rule names none', () => {
    const router = routerOf({ when: { effort: ['XL'] }, agent: 'opus' }, { when: { title: 'docs' }, model: 'haiku' }, { model: 'sonnet' });
    expect(router.route(task({ estimates: { effort: 'XL' }, name: 'docs' }))).toEqual({
      target: 'opus',
      kind: 'agent',
      confidence: 1,
      rule: 'routing[0]',
      matched: { kind: 'rule', index: 0, description: 'effort XL', agent: 'opus' },
    });
    expect(router.route(task({ name: 'Write the docs' }))).toMatchObject({ target: 'claude', rule: 'routing[1]', matched: { model: 'haiku' } });
    expect(router.route(task({}))).toMatchObject({ target: 'claude', rule: 'routing[2]', matched: { description: 'every phase', model: 'sonnet' } });
  });

  it.each<[string, RoutingRuleInput, Omit<PhaseDefinition, 'id'>, Omit<PhaseDefinition, 'id'>]>([
    ['effort, any of a list', { when: { effort: ['S', 'M'] }, model: 'm' }, { estimates: { effort: 'M' } }, { estimates: { effort: 'L' } }],
    ['a phase without effort', { when: { effort: 'S' }, model: 'm' }, { estimates: { effort: 'S' } }, {}],
    ['title, ignoring case', { when: { title: '^refactor\\b' }, model: 'm' }, { name: 'Refactor the parser' }, { name: 'Parser refactor' }],
    ['body, the prompt', { when: { body: 'schema' }, model: 'm' }, { prompt: 'Change the SCHEMA.' }, { prompt: 'Change the parser.', name: 'schema' }],
    ['group, exactly', { when: { group: 'api' }, model: 'm' }, { parallelGroup: 'api' }, { parallelGroup: 'api-v2' }],
    ['tags, any of them', { when: { tags: ['db', 'sql'] }, model: 'm' }, { tags: ['ui', 'sql'] }, { tags: ['ui'] }],
    ['a phase without tags', { when: { tags: ['db'] }, model: 'm' }, { tags: ['db'] }, {}],
  ])('matches on %s', (_case, rule, matching, other) => {
    const router = routerOf(rule);
    expect(router.route(task(matching)).rule).toBe('routing[0]');
    expect(router.route(task(other)).rule).toBeUndefined();
  });

  it('describes every condition of a rule', () => {
    const router = routerOf({ when: { effort: ['L', 'XL'], title: 'a', body: 'b', group: 'g', tags: ['t', 'u'] }, model: 'm' });
    const matching = task({ estimates: { effort: 'L' }, name: 'a', prompt: 'b', parallelGroup: 'g', tags: ['u'] });
    expect(router.route(matching).matched?.description).toBe('effort L,XL, title /a/, body /b/, group g, tags t,u');
  });

  it('refuses a rule with a pattern that is not a regular expression, which parseRoutingRules would have caught', () => {
    expect(() => createPhaseRouter([{ when: { body: '(' } }], 'claude')).toThrow('routing[0].when.body: not a valid regular expression (Unterminated group)');
  });
});

describe('phaseTaskOf', () => {
  it('gives the router the phase prompt as the description, with the front matter the rules test', () => {
    const phase = phaseOf({ name: 'Build', prompt: 'Build it.', estimates: { effort: 'S' }, parallelGroup: 'ci', tags: ['x'], agentExecutionSpec: 'general-purpose' });
    expect(phaseTaskOf(phase)).toEqual({ description: 'Build it.', title: 'Build', effort: 'S', group: 'ci', tags: ['x'], agentExecutionSpec: 'general-purpose' });
    expect(phaseTaskOf(phaseOf({}))).toEqual({ description: '', title: 'Phase 1', group: null, tags: [] });
  });
});

describe('describeChoiceSource', () => {
  it('names the phase, the default, or the rule with what it tests', () => {
    expect(describeChoiceSource({ kind: 'phase' })).toBe('phase');
    expect(describeChoiceSource({ kind: 'default' })).toBe('default');
    expect(describeChoiceSource({ kind: 'rule', index: 3, description: 'tags db' })).toBe('routing[3] tags db');
  });
});
