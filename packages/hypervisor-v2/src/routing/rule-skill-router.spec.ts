import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import { createRuleSkillRouter, skillRouterConfigSchema } from './rule-skill-router.js';
import type { SkillRouterConfigInput } from './rule-skill-router.js';
import type { SkillTask } from './skill-router.js';

type RuleInput = SkillRouterConfigInput['rules'][number];

const fallback = { target: 'claude', kind: 'agent' } as const;

function routerOf(...rules: RuleInput[]) {
  return createRuleSkillRouter({ rules, default: fallback });
}

function confidenceOf(rule: RuleInput, task: SkillTask): number {
  return routerOf({ ...rule, name: 'only', target: 'only' }).route(task).confidence;
}

function rejectionOf(config: unknown, source?: string): HypervisorV2Error {
  try {
    createRuleSkillRouter(config, source);
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected createRuleSkillRouter to throw');
}

describe('createRuleSkillRouter', () => {
  it('routes to the matching rule with the fraction of its keywords found as confidence', () => {
    const router = routerOf({ name: 'tests', target: 'test-writer', keywords: ['test', 'coverage', 'jest', 'lint'] });

    expect(router.route({ description: 'Raise test coverage of the parser' })).toEqual({
      target: 'test-writer',
      kind: 'skill',
      confidence: 0.5,
      rule: 'tests',
    });
  });

  it('rounds the confidence to three decimals', () => {
    expect(confidenceOf({ name: '', target: '', keywords: ['a', 'b', 'c'] }, { description: 'a' })).toBe(0.333);
    expect(confidenceOf({ name: '', target: '', keywords: ['a', 'b', 'c'] }, { description: 'a b' })).toBe(0.667);
  });

  it('matches a keyword of several words as a phrase, across any whitespace', () => {
    const rule = { name: '', target: '', keywords: ['code review'] };

    expect(confidenceOf(rule, { description: 'Please do a Code \n Review of it' })).toBe(1);
    expect(confidenceOf(rule, { description: 'review the code' })).toBe(0);
    expect(confidenceOf(rule, { description: 'code the review' })).toBe(0);
  });

  it.each([
    ['inside a longer word', 'update to the latest version', 0],
    ['as the start of a longer word', 'testing the parser', 0],
    ['next to punctuation', 'write a test, then ship', 1],
    ['in another case', 'TEST the parser', 1],
  ])('matches keywords as whole words only: %s', (_name, description, expected) => {
    expect(confidenceOf({ name: '', target: '', keywords: ['test'] }, { description })).toBe(expected);
  });

  it('treats letters of any script as part of a word', () => {
    const rule = { name: '', target: '', keywords: ['données'] };

    expect(confidenceOf(rule, { description: 'nettoyer les métadonnées' })).toBe(0);
    expect(confidenceOf(rule, { description: 'nettoyer les Données' })).toBe(1);
  });

  it('takes keywords literally, punctuation included', () => {
    expect(confidenceOf({ name: '', target: '', keywords: ['c++'] }, { description: 'port the C++ parser' })).toBe(1);
    expect(confidenceOf({ name: '', target: '', keywords: ['node.js'] }, { description: 'a nodexjs app' })).toBe(0);
    expect(confidenceOf({ name: '', target: '', keywords: ['a|b'] }, { description: 'a' })).toBe(0);
  });

  it('weighs keywords 0.7 and a matching spec pattern 0.3, ignoring the case of the spec', () => {
    const rule = { name: '', target: '', keywords: ['deploy', 'rollout'], specPattern: 'kubernetes|k8s' };

    expect(confidenceOf(rule, { description: 'deploy the rollout', agentExecutionSpec: 'runs on K8S' })).toBe(1);
    expect(confidenceOf(rule, { description: 'deploy it', agentExecutionSpec: 'runs on K8S' })).toBe(0.65);
    expect(confidenceOf(rule, { description: 'deploy the rollout', agentExecutionSpec: 'runs locally' })).toBe(0.7);
    expect(confidenceOf(rule, { description: 'deploy the rollout' })).toBe(0.7);
    expect(confidenceOf(rule, { description: 'nothing relevant', agentExecutionSpec: 'kubernetes' })).toBe(0.3);
  });

  it('lets a spec pattern alone choose a rule', () => {
    const router = routerOf({ name: 'infra', target: 'ops', keywords: ['deploy'], specPattern: '^k8s' });

    const route = router.route({ description: 'tidy up', agentExecutionSpec: 'k8s job' });

    expect(route).toMatchObject({ rule: 'infra', confidence: 0.3 });
  });

  it('chooses the most confident rule, wherever it is in the list', () => {
    const router = routerOf(
      { name: 'docs', target: 'writer', keywords: ['docs', 'readme'] },
      { name: 'tests', target: 'test-writer', keywords: ['tests'] },
    );

    expect(router.route({ description: 'add tests and docs' }).rule).toBe('tests');
  });

  it('breaks a tie in favour of the earlier rule', () => {
    const docs = { name: 'docs', target: 'writer', keywords: ['docs'] };
    const readme = { name: 'readme', target: 'writer', keywords: ['readme'] };
    const task = { description: 'update docs and readme' };

    expect(routerOf(docs, readme).route(task).rule).toBe('docs');
    expect(routerOf(readme, docs).route(task).rule).toBe('readme');
  });

  it('skips a rule below its minConfidence in favour of a less confident one', () => {
    const router = routerOf(
      { name: 'strict', target: 'a', keywords: ['test', 'coverage'], minConfidence: 0.75 },
      { name: 'lenient', target: 'b', keywords: ['test', 'coverage', 'jest'] },
    );

    expect(router.route({ description: 'test coverage' })).toMatchObject({ rule: 'strict', confidence: 1 });
    expect(router.route({ description: 'test only' })).toMatchObject({ rule: 'lenient', confidence: 0.333 });
  });

  it('compares minConfidence with the rounded confidence', () => {
    const rule = { name: 'infra', target: 'ops', keywords: ['deploy', 'rollout'], specPattern: 'k8s' };

    // 0.7 × 0.5 + 0.3 is 0.6499999999999999 in floating point.
    const router = routerOf({ ...rule, minConfidence: 0.65 });
    const route = router.route({ description: 'deploy', agentExecutionSpec: 'k8s' });

    expect(route.rule).toBe('infra');
  });

  it('takes the default route with confidence 0 and no rule when no rule is confident enough', () => {
    const router = routerOf(
      { name: 'tests', target: 'test-writer', keywords: ['test'] },
      { name: 'strict', target: 'a', keywords: ['docs', 'readme'], minConfidence: 0.9 },
    );

    for (const description of ['refactor the scheduler', 'fix the docs']) {
      const route = router.route({ description });
      expect(route).toEqual({ target: 'claude', kind: 'agent', confidence: 0 });
      expect(route).not.toHaveProperty('rule');
    }
  });

  it('always takes the default route when there are no rules', () => {
    expect(routerOf().route({ description: 'anything' })).toEqual({ target: 'claude', kind: 'agent', confidence: 0 });
  });

  it('routes to agents or skills as the rule says, skills by default', () => {
    const router = createRuleSkillRouter({
      rules: [
        { name: 'review', target: 'claude', kind: 'agent', keywords: ['review'] },
        { name: 'lint', target: 'eslint-fixer', keywords: ['lint'] },
      ],
      default: { target: 'general' },
    });

    expect(router.route({ description: 'review it' }).kind).toBe('agent');
    expect(router.route({ description: 'lint it' }).kind).toBe('skill');
    expect(router.route({ description: 'other' })).toEqual({ target: 'general', kind: 'skill', confidence: 0 });
  });

  it('returns frozen routes', () => {
    const router = routerOf({ name: 'tests', target: 'test-writer', keywords: ['test'] });

    expect(Object.isFrozen(router.route({ description: 'test' }))).toBe(true);
    expect(Object.isFrozen(router.route({ description: 'other' }))).toBe(true);
  });

  it('gives the same answer every time it is asked the same', () => {
    const router = routerOf({ name: 'infra', target: 'ops', keywords: ['deploy'], specPattern: 'k8s' });
    const task = { description: 'deploy', agentExecutionSpec: 'k8s' };

    expect(router.route(task)).toEqual(router.route(task));
  });

  it.each<[string, unknown, string]>([
    [
      'a spec pattern that is not a regular expression, naming the rule',
      { rules: [{ name: 'review', target: 'a', keywords: ['x'], specPattern: '(' }], default: fallback },
      'rules.0.specPattern: rule "review": Invalid regular expression: /(/i: Unterminated group',
    ],
    [
      'an empty list of keywords',
      { rules: [{ name: 'r', target: 'a', keywords: [] }], default: fallback },
      'rules.0.keywords: must list at least one keyword',
    ],
    [
      'an empty keyword',
      { rules: [{ name: 'r', target: 'a', keywords: ['ok', ''] }], default: fallback },
      'rules.0.keywords.1: must not be blank',
    ],
    [
      'a blank keyword',
      { rules: [{ name: 'r', target: 'a', keywords: ['  '] }], default: fallback },
      'rules.0.keywords.0: must not be blank',
    ],
    [
      'an unknown key in a rule',
      { rules: [{ name: 'r', target: 'a', keywords: ['x'], keyword: 'y' }], default: fallback },
      'rules.0: Unrecognized key: "keyword"',
    ],
    ['an unknown key at the top', { rules: [], default: fallback, fallback }, 'Unrecognized key: "fallback"'],
    [
      'an unknown key in the default',
      { rules: [], default: { ...fallback, rule: 'x' } },
      'default: Unrecognized key: "rule"',
    ],
    [
      'a minConfidence above 1',
      { rules: [{ name: 'r', target: 'a', keywords: ['x'], minConfidence: 1.5 }], default: fallback },
      'rules.0.minConfidence: Too big: expected number to be <=1',
    ],
    [
      'an unknown kind',
      { rules: [{ name: 'r', target: 'a', kind: 'tool', keywords: ['x'] }], default: fallback },
      'rules.0.kind: Invalid option: expected one of "agent"|"skill"',
    ],
    [
      'an empty spec pattern',
      { rules: [{ name: 'r', target: 'a', keywords: ['x'], specPattern: '' }], default: fallback },
      'rules.0.specPattern: must not be empty',
    ],
    [
      'two rules of the same name',
      {
        rules: [
          { name: 'r', target: 'a', keywords: ['x'] },
          { name: 'r', target: 'b', keywords: ['y'] },
        ],
        default: fallback,
      },
      'rules.1.name: duplicate rule name "r"',
    ],
    ['a blank target', { rules: [], default: { target: ' ', kind: 'agent' } }, 'default.target: must not be blank'],
    ['a missing default', { rules: [] }, 'default: Invalid input: expected object, received undefined'],
    ['a value that is not an object', 'rules', 'Invalid input: expected object, received string'],
  ])('rejects %s with invalid_router_config naming the source and field', (_name, config, expected) => {
    const error = rejectionOf(config, 'routing.json');

    expect(error.code).toBe('invalid_router_config');
    expect(error.message).toBe(`routing.json: invalid router config: ${expected}`);
    expect(error.context.source).toBe('routing.json');
  });

  it('keeps the message on one line when a bad spec pattern contains a line break', () => {
    const rules = [{ name: 'r', target: 'a', keywords: ['x'], specPattern: 'a\n(' }];
    const error = rejectionOf({ rules, default: fallback });
    expect(error.message).not.toContain('\n');
  });

  it('names every offending field in one line, keeps them in the context and the zod error as cause', () => {
    const error = rejectionOf({ rules: [{ name: '', target: 'a', keywords: [] }], default: { target: '' } });

    expect(error.message).toBe(
      'invalid router config: rules.0.name: must not be blank; ' +
        'rules.0.keywords: must list at least one keyword; default.target: must not be blank',
    );
    expect(error.context).not.toHaveProperty('source');
    const paths = error.context.issues?.map((issue) => issue.path);
    expect(paths).toEqual(['rules.0.name', 'rules.0.keywords', 'default.target']);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('skillRouterConfigSchema', () => {
  it('applies the defaults: skill routes and no minimum confidence', () => {
    const input = { rules: [{ name: 'r', target: 'a', keywords: ['x'] }], default: { target: 'b' } };
    const config = skillRouterConfigSchema.parse(input);

    expect(config).toEqual({
      rules: [{ name: 'r', target: 'a', kind: 'skill', keywords: ['x'], minConfidence: 0 }],
      default: { target: 'b', kind: 'skill' },
    });
  });
});
