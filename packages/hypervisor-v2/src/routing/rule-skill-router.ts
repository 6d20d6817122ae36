import { z } from 'zod';
import { parseOrThrow } from '../validation-issues.js';
import type { GPUSkillRouter, SkillRoute, SkillTask } from './skill-router.js';

const KEYWORD_WEIGHT = 0.7;
const SPEC_WEIGHT = 0.3;

const text = z.string().regex(/\S/, { error: 'must not be blank' });
const kind = z.enum(['agent', 'skill']).default('skill');

const ruleSchema = z
  .strictObject({
    /** Names the rule in the route it chooses and in error messages; unique among the rules. */
    name: text,
    /** The agent profile or skill the rule routes to. */
    target: text,
    /**
     * Whether `target` is an agent profile or a skill.
     * @default 'skill'
     */
    kind,
    /** Words or phrases looked for in the task's description, as whole words and ignoring case. */
    keywords: z.array(text).min(1, { error: 'must list at least one keyword' }),
    /** A regular expression tested, ignoring case, against the task's `agentExecutionSpec`. */
    specPattern: z.string().min(1, { error: 'must not be empty' }).optional(),
    /**
     * The confidence below which the rule does not choose, even if no other rule scores higher.
     * @default 0
     */
    minConfidence: z.number().min(0).max(1).default(0),
  })
  .superRefine((rule, context) => {
    const problem = rule.specPattern === undefined ? undefined : regExpProblem(rule.specPattern);
    if (problem === undefined) return;
    const message = `rule ${JSON.stringify(rule.name)}: ${problem}`;
    context.addIssue({ code: 'custom', path: ['specPattern'], input: rule.specPattern, message });
  });

/**
 * How the rule-based skill router is configured: its rules and the route taken when none is confident enough.
 * Unknown keys, duplicate rule names and a `specPattern` that is not a valid regular expression are rejected.
 */
export const skillRouterConfigSchema = z
  .strictObject({
    /** Every rule is scored for every task; of two equally confident rules the earlier wins. */
    rules: z.array(ruleSchema),
    /** Where a task goes when no rule is confident enough. */
    default: z.strictObject({
      /** The agent profile or skill a task goes to when no rule chooses it. */
      target: text,
      /** @default 'skill' */
      kind,
    }),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        const message = `duplicate rule name ${JSON.stringify(rule.name)}`;
        context.addIssue({ code: 'custom', path: ['rules', index, 'name'], input: rule.name, message });
      }
      seen.add(rule.name);
    });
  });

/** A validated router configuration, defaults applied. */
export type SkillRouterConfig = z.output<typeof skillRouterConfigSchema>;

/** A router configuration as a user may write it: `kind` and `minConfidence` may be left out. */
export type SkillRouterConfigInput = z.input<typeof skillRouterConfigSchema>;

interface CompiledRule {
  readonly name: string;
  readonly target: string;
  readonly kind: SkillRoute['kind'];
  readonly minConfidence: number;
  readonly keywords: readonly RegExp[];
  readonly spec: RegExp | undefined;
}

/**
 * Creates a {@link GPUSkillRouter} that scores a task against keyword rules. A rule's confidence is the
 * fraction of its keywords found in the description (whole words, ignoring case; a keyword of several words
 * matches as a phrase across any whitespace); with a `specPattern` it is 0.7 × that fraction + 0.3 when the
 * pattern matches the task's `agentExecutionSpec`. Confidences are rounded to 3 decimals before they are
 * compared, so the reported number is the one compared with `minConfidence` and with other rules. The most
 * confident rule with a confidence above 0 and at least its `minConfidence` wins, the earlier on a tie;
 * without one the task gets the default route with confidence 0 and no `rule`. Routing is pure.
 * @param config the decoded configuration, e.g. the value of a JSON or YAML file
 * @param source where it came from, named in the error message (usually the file name)
 * @throws HypervisorV2Error `invalid_router_config`, with a one-line message naming the source and every
 * offending field (an invalid `specPattern` also names its rule), and the issues in `context.issues`.
 * @example
 * const router = createRuleSkillRouter(
 *   {
 *     rules: [{ name: 'tests', target: 'test-writer', keywords: ['test', 'coverage'] }],
 *     default: { target: 'claude', kind: 'agent' },
 *   },
 *   'routing.json',
 * );
 * router.route({ description: 'Raise test coverage' });
 * // → { target: 'test-writer', kind: 'skill', confidence: 1, rule: 'tests' }
 */
export function createRuleSkillRouter(config: unknown, source?: string): GPUSkillRouter {
  const parsed = parseOrThrow(skillRouterConfigSchema, config, 'invalid_router_config', 'router config', source);
  const rules = parsed.rules.map(compileRule);
  const { target, kind } = parsed.default;
  const fallback: SkillRoute = Object.freeze({ target, kind, confidence: 0 });
  return Object.freeze({ route: (task: SkillTask) => chooseRoute(rules, task) ?? fallback });
}

function regExpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'i');
    return undefined;
  } catch (error) {
    // The RegExp constructor throws nothing but a SyntaxError, whose message quotes the pattern and the problem.
    return (error as SyntaxError).message;
  }
}

function compileRule(rule: SkillRouterConfig['rules'][number]): CompiledRule {
  return {
    name: rule.name,
    target: rule.target,
    kind: rule.kind,
    minConfidence: rule.minConfidence,
    keywords: rule.keywords.map(compileKeyword),
    spec: rule.specPattern === undefined ? undefined : new RegExp(rule.specPattern, 'i'),
  };
}

/**
 * `\b` only knows ASCII word characters, so letters, marks and digits of every script are fenced off
 * explicitly; that also lets a keyword ending in punctuation, such as `c++`, match before a space.
 */
function compileKeyword(keyword: string): RegExp {
  const phrase = keyword.trim().split(/\s+/u).map(escapeRegExp).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_])${phrase}(?![\\p{L}\\p{M}\\p{N}_])`, 'iu');
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function chooseRoute(rules: readonly CompiledRule[], task: SkillTask): SkillRoute | undefined {
  let best: { readonly rule: CompiledRule; readonly confidence: number } | undefined;
  for (const rule of rules) {
    const confidence = scoreRule(rule, task);
    const eligible = confidence > 0 && confidence >= rule.minConfidence;
    // Strictly greater, so the earlier rule keeps a tie.
    if (eligible && (best === undefined || confidence > best.confidence)) best = { rule, confidence };
  }
  if (best === undefined) return undefined;
  const { rule, confidence } = best;
  return Object.freeze({ target: rule.target, kind: rule.kind, confidence, rule: rule.name });
}

function scoreRule(rule: CompiledRule, task: SkillTask): number {
  const found = rule.keywords.filter((keyword) => keyword.test(task.description)).length;
  const keywordScore = found / rule.keywords.length;
  if (rule.spec === undefined) return round(keywordScore);
  const specMatches = task.agentExecutionSpec !== undefined && rule.spec.test(task.agentExecutionSpec);
  return round(KEYWORD_WEIGHT * keywordScore + (specMatches ? SPEC_WEIGHT : 0));
}

// Three decimals hide float noise such as 0.35 + 0.3 = 0.6499999999999999, which would fail a
// minConfidence of 0.65 and break ties that look equal in the reported numbers.
function round(confidence: number): number {
  return Math.round(confidence * 1000) / 1000;
}
