import { z } from 'zod';
import type { GPUSkillRouter, SkillRoute, SkillTask } from '@kazuba/hypervisor-v2';
import { CoreError } from '../../core-error.js';
import { definedOnly } from '../../plan/defined-only.js';
import { EFFORTS } from '../../plan/phase-fields.js';
import type { Phase } from '../../plan/plan.js';
import { describeIssue, describeValue, formatConfigPath } from '../config/config-issues.js';
import type { AgentProfile } from './agent-profile.js';

const effort = z.enum(EFFORTS, { error: (issue) => `expected one of ${EFFORTS.join(', ')}, got ${describeValue(issue.input)}` });

// One size, or a list of them; a list item that is not a size is reported at its own index.
const efforts = z
  .union([effort.transform((size) => [size]), z.array(z.unknown())], {
    error: (issue) => `expected a size (${EFFORTS.join(', ')}) or a list of sizes, got ${describeValue(issue.input)}`,
  })
  .pipe(z.array(effort).min(1, { error: 'must list at least one size' }));

function regExpProblem(source: string): string | undefined {
  try {
    new RegExp(source, 'i');
    return undefined;
  } catch (error) {
    // The RegExp constructor throws nothing but a SyntaxError: `Invalid regular expression: /(/i: Unterminated group`.
    return (error as SyntaxError).message.replace(/^Invalid regular expression: \/.*\/\w*: /s, '');
  }
}

const pattern = z
  .string()
  .min(1)
  .superRefine((source, context) => {
    const problem = regExpProblem(source);
    if (problem !== undefined) context.addIssue({ code: 'custom', input: source, message: `not a valid regular expression (${problem})` });
  });

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** What a routing rule tests; every condition given must hold, and a rule that gives none matches every phase. */
const whenSchema = z.strictObject({
  /** The phase's `effort`: one size or a list of them (any of). */
  effort: efforts.optional(),
  /** A regular expression tested, ignoring case, on the phase's title. */
  title: pattern.optional(),
  /** A regular expression tested, ignoring case, on the phase's body (its prompt). */
  body: pattern.optional(),
  /** The phase's `parallel_group`, exactly. */
  group: z.string().min(1).optional(),
  /** Tags of which the phase must have at least one (front matter `tags`). */
  tags: z.array(z.string().min(1)).min(1, { error: 'must list at least one tag' }).optional(),
});

/**
 * A routing rule (config `routing:`, `runPlan`'s `routing`): when a phase matches `when`, it runs with `agent`
 * and/or `model`, unless it names its own. Rules are tried in order and the first match wins. Unknown keys are
 * refused; a rule must set an agent, a model or both.
 */
export const routingRuleSchema = z
  .strictObject({
    when: whenSchema.nullish(),
    /** The agent profile the phase runs with. */
    agent: z
      .string()
      .regex(PROFILE_NAME, { error: (issue) => `expected a profile name (letters, digits, ".", "_" and "-", starting with a letter or digit), got ${describeValue(issue.input)}` })
      .optional(),
    /** The model the phase runs with. */
    model: z.string().min(1).optional(),
  })
  .refine((rule) => rule.agent !== undefined || rule.model !== undefined, { error: 'a rule needs an agent, a model or both' })
  .transform(({ when, agent, model }) => ({
    when: definedOnly(when ?? {}),
    ...definedOnly({ agent, model }),
  }));

/** A routing rule as a user writes it. */
export type RoutingRuleInput = z.input<typeof routingRuleSchema>;

/** A validated routing rule: `when.effort` always a list, settings not given absent. */
export type RoutingRule = z.output<typeof routingRuleSchema>;

function routingError(path: readonly (string | number)[], problem: string, cause?: unknown): CoreError {
  return new CoreError('invalid_config', `${formatConfigPath(path)}: ${problem}`, { path }, { cause });
}

/**
 * Refuses a rule whose agent is not one of `profiles`.
 * @throws CoreError `invalid_config`: `routing[1].agent: no agent profile "x" (known: …)`, context `path`.
 */
export function checkRoutingAgents(rules: readonly RoutingRule[], profiles: ReadonlyMap<string, AgentProfile>): void {
  rules.forEach((rule, index) => {
    if (rule.agent === undefined || profiles.has(rule.agent)) return;
    throw routingError(['routing', index, 'agent'], `no agent profile "${rule.agent}" (known: ${[...profiles.keys()].join(', ')})`);
  });
}

function freezeRule(rule: RoutingRule): RoutingRule {
  for (const value of Object.values(rule.when)) if (Array.isArray(value)) Object.freeze(value);
  Object.freeze(rule.when);
  return Object.freeze(rule);
}

/**
 * Validates routing rules where they enter (code that calls `runPlan` or `createProcessRunner`), checks their
 * agents against `profiles`, and returns them frozen.
 * @throws CoreError `invalid_config` naming the rule and field: `routing[0].when.effort[1]: expected one of …`,
 *   context `path`, the zod error as `cause`.
 * @example
 * parseRoutingRules([{ when: { effort: ['L', 'XL'] }, model: 'opus' }], resolveProfiles());
 */
export function parseRoutingRules(input: unknown, profiles: ReadonlyMap<string, AgentProfile>): readonly RoutingRule[] {
  const parsed = z.array(routingRuleSchema).safeParse(input, { error: describeIssue });
  if (!parsed.success) {
    // A failed parse has at least one issue; the first one is reported, an unknown key at its own path.
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [];
    throw routingError(['routing', ...(issue.path as (string | number)[]), ...keys], issue.message, parsed.error);
  }
  checkRoutingAgents(parsed.data, profiles);
  return Object.freeze(parsed.data.map(freezeRule));
}

/**
 * A phase as the skill router sees it: the contract's task (the phase's prompt as `description`, its
 * `agent_execution_spec`) with the front matter the routing rules test. A plain `SkillTask` is one without any:
 * only rules on the body (and rules without conditions) can match it.
 */
export interface PhaseTask extends SkillTask {
  readonly title?: string;
  readonly effort?: string;
  readonly group?: string | null;
  readonly tags?: readonly string[];
}

/** The routing rule that chose something, for people: its place in the list and what it tests. */
export interface RuleSource {
  readonly kind: 'rule';
  /** Its index in `routing`. */
  readonly index: number;
  /** What it tests, e.g. `effort L`, `title /fix/, tags db`, or `every phase`. */
  readonly description: string;
}

/** What chose a phase's agent or model: its own front matter (or `run:` line), a routing rule, or the run's default. */
export type ChoiceSource = { readonly kind: 'phase' } | { readonly kind: 'default' } | RuleSource;

/**
 * Where the rules send a phase, in the skill router's terms: `target` is the agent (the default one when the rule
 * names none), `rule` the matching rule (`routing[0]`), confidence 1 for a rule and 0 for the default route.
 */
export interface PhaseRoute extends SkillRoute {
  readonly kind: 'agent';
  /** The matching rule; absent for the default route. */
  readonly matched?: RuleSource & { readonly agent?: string; readonly model?: string };
}

/** The skill router of phases: a `GPUSkillRouter` that reads a {@link PhaseTask}'s front matter, first match wins. */
export interface PhaseRouter extends GPUSkillRouter {
  route(task: PhaseTask): PhaseRoute;
}

/** The task the router is asked to place for a phase. */
export function phaseTaskOf(phase: Phase): PhaseTask {
  return {
    description: phase.prompt,
    title: phase.title,
    group: phase.parallelGroup,
    tags: phase.tags ?? [],
    ...(phase.estimates.effort === undefined ? {} : { effort: phase.estimates.effort }),
    ...(phase.agentExecutionSpec === undefined ? {} : { agentExecutionSpec: phase.agentExecutionSpec }),
  };
}

/** What a rule tests, in a few words: `effort L,XL, title /fix/, group api, tags db`; `every phase` for none. */
export function describeRule(rule: RoutingRule): string {
  const { effort: sizes, title, body, group, tags } = rule.when;
  const parts = [
    sizes === undefined ? '' : `effort ${sizes.join(',')}`,
    title === undefined ? '' : `title /${title}/`,
    body === undefined ? '' : `body /${body}/`,
    group === undefined ? '' : `group ${group}`,
    tags === undefined ? '' : `tags ${tags.join(',')}`,
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'every phase' : parts.join(', ');
}

type Test = (task: PhaseTask) => boolean;

function compileRule(rule: RoutingRule, index: number): Test {
  const { effort: sizes, title, body, group, tags } = rule.when;
  const compile = (source: string, field: string): RegExp => {
    const problem = regExpProblem(source);
    if (problem !== undefined) throw routingError(['routing', index, 'when', field], `not a valid regular expression (${problem})`);
    return new RegExp(source, 'i');
  };
  const titlePattern = title === undefined ? undefined : compile(title, 'title');
  const bodyPattern = body === undefined ? undefined : compile(body, 'body');
  const tests: Test[] = [
    ...(sizes === undefined ? [] : [(task: PhaseTask) => task.effort !== undefined && (sizes as readonly string[]).includes(task.effort)]),
    ...(titlePattern === undefined ? [] : [(task: PhaseTask) => task.title !== undefined && titlePattern.test(task.title)]),
    ...(bodyPattern === undefined ? [] : [(task: PhaseTask) => bodyPattern.test(task.description)]),
    ...(group === undefined ? [] : [(task: PhaseTask) => task.group === group]),
    ...(tags === undefined ? [] : [(task: PhaseTask) => task.tags?.some((tag) => tags.includes(tag)) === true]),
  ];
  return (task) => tests.every((test) => test(task));
}

/**
 * Creates the router that places phases by the routing rules: the first rule whose `when` the phase matches
 * chooses; without one, the phase takes the default route (`defaultAgent`, confidence 0, no rule). Pure.
 * @throws CoreError `invalid_config` for a rule with a pattern that is not a regular expression.
 * @example
 * const router = createPhaseRouter([{ when: { effort: ['XL'] }, model: 'opus' }], 'claude');
 * router.route(phaseTaskOf(phase)); // { target: 'claude', kind: 'agent', confidence: 1, rule: 'routing[0]', matched: … }
 */
export function createPhaseRouter(rules: readonly RoutingRule[], defaultAgent: string): PhaseRouter {
  const compiled = rules.map((rule, index) => ({ rule, index, matches: compileRule(rule, index) }));
  const fallback: PhaseRoute = Object.freeze({ target: defaultAgent, kind: 'agent', confidence: 0 });
  return Object.freeze({
    route: (task: PhaseTask): PhaseRoute => {
      const found = compiled.find(({ matches }) => matches(task));
      if (found === undefined) return fallback;
      const { rule, index } = found;
      const matched = { kind: 'rule' as const, index, description: describeRule(rule), ...definedOnly({ agent: rule.agent, model: rule.model }) };
      return Object.freeze({ target: rule.agent ?? defaultAgent, kind: 'agent', confidence: 1, rule: `routing[${index}]`, matched });
    },
  });
}

/** A choice source in a few words: `phase`, `default`, or the rule, e.g. `routing[0] effort L`. */
export function describeChoiceSource(source: ChoiceSource): string {
  return source.kind === 'rule' ? `routing[${source.index}] ${source.description}` : source.kind;
}
