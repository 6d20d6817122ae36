import { z } from 'zod';
import { CoreError, isCoreError } from '../../core-error.js';
import { agentProfileSchema, resolveProfiles } from '../agents/agent-profile.js';
import type { AgentProfile, AgentProfileInput } from '../agents/agent-profile.js';
import { checkRoutingAgents, routingRuleSchema } from '../agents/routing.js';
import type { RoutingRule } from '../agents/routing.js';
import { describeIssue, describeValue, formatConfigPath } from './config-issues.js';
import { definedOnly } from '../../plan/defined-only.js';

/** The names the project config file may have at the project root, in the order they are looked for. */
export const CONFIG_FILE_NAMES = Object.freeze(['hypervisor.config.yaml', 'hypervisor.config.yml', 'hypervisor.config.json'] as const);

/** A path to a setting, as the file writes it: `['run', 'workers']`, `['agents', 'opus', 'model']`. */
export type ConfigPath = readonly (string | number)[];

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)$/;
const DURATION_FORMS = 'a number of seconds, or a string such as "500ms", "90s", "30m", "1.5h"';

/** A duration (seconds as a number, or a string with a unit), in whole milliseconds, more than 0. */
const duration = z
  .union([z.number(), z.string()], { error: (issue) => `expected a duration: ${DURATION_FORMS}, got ${describeValue(issue.input)}` })
  .transform((input, context) => {
    const match = typeof input === 'string' ? DURATION.exec(input) : null;
    if (typeof input === 'string' && match === null) {
      context.addIssue({ code: 'custom', input, message: `expected a duration: ${DURATION_FORMS}, got ${describeValue(input)}` });
      return z.NEVER;
    }
    const ms = Math.round(match === null ? Number(input) * 1000 : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
    const problem = ms <= 0 ? 'expected a duration greater than 0' : Number.isSafeInteger(ms) ? undefined : 'expected a shorter duration';
    if (problem === undefined) return ms;
    context.addIssue({ code: 'custom', input, message: `${problem}, got ${describeValue(input)}` });
    return z.NEVER;
  });

function wholeNumber(minimum: number) {
  const error = (issue: { readonly input?: unknown }): string => `expected a whole number of at least ${minimum}, got ${describeValue(issue.input)}`;
  return z.int({ error }).min(minimum, { error });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => `expected one of ${values.join(', ')}, got ${describeValue(issue.input)}` });
}

const dollars = (() => {
  const error = (issue: { readonly input?: unknown }): string => `expected an amount of US dollars greater than 0, got ${describeValue(issue.input)}`;
  return z.number({ error }).positive({ error });
})();

const boolean = z.boolean({ error: (issue) => `expected true or false, got ${describeValue(issue.input)}` });

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const profileName = z.string().regex(PROFILE_NAME, {
  error: (issue) => `expected a profile name (letters, digits, ".", "_" and "-", starting with a letter or digit), got ${describeValue(issue.input)}`,
});


const breakerSchema = z
  .strictObject({ threshold: wholeNumber(0).optional(), cooldown: duration.optional() })
  .transform(({ threshold, cooldown }) => definedOnly({ threshold, cooldownMs: cooldown }));

/** What runs keep of their learning events (`.hypervisor/learning.jsonl`). */
const eventsSchema = z.strictObject({
  /**
   * How many of the latest runs keep all their learning events; a run that leaves more compacts the file, older
   * runs keeping only the phase durations the duration history reads.
   */
  keepRuns: wholeNumber(1).optional(),
});

const runSchema = z
  .strictObject({
    mode: oneOf(['sequential', 'parallel', 'interactive', 'dry-run', 'dry_run']).optional(),
    workers: wholeNumber(1).optional(),
    timeout: duration.optional(),
    retries: wholeNumber(0).optional(),
    keepGoing: boolean.optional(),
    groupPolicy: oneOf(['strict', 'ignore']).optional(),
    checkpointFormat: oneOf(['toon', 'kazuba']).optional(),
    stallWindow: duration.optional(),
    breaker: breakerSchema.optional(),
    agent: profileName.optional(),
    maxTurns: wholeNumber(1).optional(),
    deniedEdits: oneOf(['partial', 'failed']).optional(),
    /** The run's budget in US dollars: no phase or retry starts once the attempts have cost that much. */
    maxCost: dollars.optional(),
    /** Retry a failed attempt in a fresh agent session instead of resuming its session. */
    retryFreshSession: boolean.optional(),
    /** Each phase in its own git worktree (`worktree`), in the root (`none`), or `auto`: worktree in a git repository. */
    isolation: oneOf(['auto', 'worktree', 'none']).optional(),
    events: eventsSchema.optional(),
    /** Write the run's HTML report to `.hypervisor/runs/<run-id>/report.html` when the run ends (`hypervisor run --report`). */
    report: boolean.optional(),
  })
  .transform(({ timeout, stallWindow, maxCost, ...settings }) =>
    definedOnly({ ...settings, timeoutMs: timeout, stallWindowMs: stallWindow, maxCostUsd: maxCost }),
  );

const profileSettingsSchema = agentProfileSchema.omit({ name: true });

/** What {@link projectConfigSchema} gives: every section there, maybe empty. */
interface ProjectConfigSections {
  readonly run: z.output<typeof runSchema>;
  readonly agents: readonly AgentProfileInput[];
  readonly routing: readonly RoutingRule[];
}

/**
 * The project config file (`hypervisor.config.yaml`, DESIGN.md section 8): run-wide defaults under `run`, agent
 * profiles by name under `agents`, the rules that pick a phase's agent and model under `routing` (first match
 * wins). Strict at every level. Its output is a {@link ProjectConfig}: durations in milliseconds (`timeoutMs`,
 * `stallWindowMs`, `breaker.cooldownMs`), the budget as `maxCostUsd`, the profiles as a list in file order.
 */
export const projectConfigSchema = z
  .strictObject(
    { run: runSchema.nullish(), agents: z.record(profileName, profileSettingsSchema).nullish(), routing: z.array(routingRuleSchema).nullish() },
    { error: (issue) => (issue.code === 'invalid_type' ? `expected a mapping of settings (run, agents, routing), got ${describeValue(issue.input)}` : undefined) },
  )
  .transform(({ run, agents, routing }): ProjectConfigSections => ({
    run: run ?? {},
    agents: Object.entries(agents ?? {}).map(([name, settings]) => ({ name, ...settings })),
    routing: routing ?? [],
  }));

/** A validated project config: the run-wide defaults (always there, maybe empty), the agent profiles, the routing rules. */
export type ProjectConfig = z.output<typeof projectConfigSchema>;

function configError(path: ConfigPath, problem: string, cause: unknown): CoreError {
  const message = path.length === 0 ? problem : `${formatConfigPath(path)}: ${problem}`;
  return new CoreError('invalid_config', message, { path }, { cause });
}

function schemaError(error: z.ZodError): CoreError {
  // A failed parse has at least one issue; the first one found is the one reported.
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
  return configError(issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path, issue.message, error);
}

/** Turns an error of `resolveProfiles` into one about the profile's entry under `agents`. */
function profileError(error: CoreError, agents: readonly AgentProfileInput[]): CoreError {
  const index = error.context['index'] as number;
  const name = (agents[index] as AgentProfileInput).name;
  const field = error.context['field'] as string | undefined;
  const problem = error.context['problem'] as string;
  const fieldPath = field === undefined ? [] : field.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
  return configError(['agents', name, ...fieldPath], problem, error);
}

/**
 * Checks what the schema cannot: each profile against its kind and the one it extends, and that `run.agent` and
 * the routing rules' agents exist.
 */
function checkProfiles(config: ProjectConfig): void {
  let profiles: ReadonlyMap<string, AgentProfile>;
  try {
    profiles = resolveProfiles(config.agents);
  } catch (error) {
    if (isCoreError(error) && error.code === 'invalid_config' && typeof error.context['index'] === 'number') throw profileError(error, config.agents);
    throw error;
  }
  const agent = config.run.agent;
  if (agent !== undefined && !profiles.has(agent)) {
    throw configError(['run', 'agent'], `no agent profile "${agent}" (known: ${[...profiles.keys()].join(', ')})`, undefined);
  }
  checkRoutingAgents(config.routing, profiles);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates the data of a project config file (plain data, as YAML or JSON give it) and returns it frozen, in the
 * form the run uses. `null` (an empty file) is an empty config.
 * @throws CoreError `invalid_config`: `<dotted.path>: <problem>` for the first problem, context `path` (the
 *   setting's path, for finding its line) and the zod or profile error as `cause`.
 * @example
 * parseProjectConfig({ run: { timeout: '30m' } }).run.timeoutMs; // 1_800_000
 * parseProjectConfig({ routing: [{ when: { effort: 'XL' }, model: 'opus' }] }).routing[0]?.when.effort; // ['XL']
 */
export function parseProjectConfig(data: unknown): ProjectConfig {
  const parsed = projectConfigSchema.safeParse(data ?? {}, { error: describeIssue });
  if (!parsed.success) throw schemaError(parsed.error);
  checkProfiles(parsed.data);
  return deepFreeze(parsed.data);
}
