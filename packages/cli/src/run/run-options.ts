import { resolve } from 'node:path';
import { z } from 'zod';
import type { ExecutionMode } from '@kazuba/hypervisor-v2';
import type { AgentProfileInput, ProjectConfig, RoutingRule } from '@kazuba/core/node';
import { CliError } from './cli-error.js';
import { CHECKPOINT_FORMATS, GROUP_POLICIES, ISOLATIONS, RUN_DEFAULTS, RUN_MODES } from './run-defaults.js';
import { mergeAgentFlags, parseToolList } from './agent-flags.js';
import { pickSettings } from './run-settings.js';
import type { RunSettings, SettingSources } from './run-settings.js';

/** The options of `hypervisor run` as commander hands them over: strings and booleans, nothing checked yet. */
export interface RawRunOptions {
  readonly mode?: string;
  readonly workers?: string;
  readonly agent?: string;
  readonly root?: string;
  readonly timeout?: string;
  readonly retries?: string;
  readonly keepGoing?: boolean;
  readonly force?: boolean;
  readonly only?: string;
  readonly from?: string;
  readonly checkpointFormat?: string;
  readonly groupPolicy?: string;
  readonly config?: string;
  readonly model?: string;
  readonly permissionMode?: string;
  readonly maxTurns?: string;
  readonly allowedTools?: string;
  readonly disallowedTools?: string;
  /** US dollars. */
  readonly maxCost?: string;
  readonly isolation?: string;
  readonly allowDirty?: boolean;
  /** Write the run's HTML report when it ends. */
  readonly report?: boolean;
  readonly events?: string;
  /** False with `--no-history`. */
  readonly history?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
}

/** Which phases of the plan a run takes: all, a list (`--only`), or one and what depends on it (`--from`). */
export type PhaseSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'only'; readonly ids: readonly number[] }
  | { readonly kind: 'from'; readonly id: number };

/**
 * The options of `hypervisor run`, validated, with defaults applied and paths made absolute: the run-wide
 * settings (flag > config file > default, see {@link RunSettings}) and the flags that concern this run only.
 */
export interface ResolvedRunOptions extends Omit<RunSettings, 'mode'> {
  readonly planDir: string;
  readonly root: string;
  readonly mode: ExecutionMode;
  readonly force: boolean;
  readonly selection: PhaseSelection;
  /** The config file's agent profiles with the agent flags (`--model` …) applied to the default agent. */
  readonly profiles: readonly AgentProfileInput[];
  /** The config file's routing rules, which choose a phase's agent and model (first match wins). */
  readonly routing: readonly RoutingRule[];
  /** Where each run-wide setting came from: a flag, the config file, or the built-in default. */
  readonly sources: SettingSources;
  /** The learning-events JSONL file: appended after a run, read for the duration history. */
  readonly eventsFile: string;
  readonly history: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  /** Plain progress tells each tool the agent uses. */
  readonly verbose: boolean;
  /** Run under worktree isolation although tracked files of the root are changed. */
  readonly allowDirty: boolean;
}

const FLAGS: Readonly<Record<string, string>> = {
  mode: '--mode',
  workers: '--workers',
  agent: '--agent',
  root: '--root',
  timeout: '--timeout',
  retries: '--retries',
  only: '--only',
  from: '--from',
  checkpointFormat: '--checkpoint-format',
  groupPolicy: '--group-policy',
  config: '--config',
  model: '--model',
  permissionMode: '--permission-mode',
  maxTurns: '--max-turns',
  allowedTools: '--allowed-tools',
  disallowedTools: '--disallowed-tools',
  maxCost: '--max-cost',
  isolation: '--isolation',
  allowDirty: '--allow-dirty',
  report: '--report',
  events: '--events',
  keepGoing: '--keep-going',
  force: '--force',
  history: '--no-history',
  json: '--json',
  quiet: '--quiet',
  verbose: '--verbose',
};

function wholeNumber(min: number): z.ZodType<number, string> {
  const message = `expected a whole number${min > 0 ? ` ≥ ${min}` : ''}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, { error: message })
    .transform(Number)
    .pipe(z.int({ error: message }).min(min, { error: message }).max(Number.MAX_SAFE_INTEGER, { error: message }));
}

const phaseIds = z
  .string()
  .trim()
  .regex(/^\d+(\s*[,\s]\s*\d+)*$/, { error: 'expected phase ids separated by commas, e.g. 3,4,7' })
  .transform((text) => [...new Set(text.split(/[,\s]+/).map(Number))]);

const seconds = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$/, { error: 'expected a number of seconds > 0' })
  .transform(Number)
  .pipe(z.number().positive({ error: 'expected a number of seconds > 0' }).max(2_000_000, { error: 'expected at most 2000000 seconds' }));

const dollars = z
  .string()
  .trim()
  .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error: 'expected an amount of US dollars > 0' })
  .transform(Number)
  .pipe(z.number().positive({ error: 'expected an amount of US dollars > 0' }).max(1_000_000_000, { error: 'expected at most 1000000000 US dollars' }));

const path = z.string().trim().min(1, { error: 'expected a path' });

const name = (what: string): z.ZodOptional<z.ZodString> => z.string().trim().min(1, { error: `expected ${what}` }).optional();

const rawOptionsSchema = z.object({
  mode: z.enum(RUN_MODES, { error: `expected one of ${RUN_MODES.join(', ')}` }).optional(),
  workers: wholeNumber(1).optional(),
  agent: name('an agent profile name'),
  root: path.optional(),
  timeout: seconds.optional(),
  retries: wholeNumber(0).optional(),
  keepGoing: z.boolean().optional(),
  force: z.boolean().default(false),
  only: phaseIds.optional(),
  from: wholeNumber(0).optional(),
  checkpointFormat: z.enum(CHECKPOINT_FORMATS, { error: `expected one of ${CHECKPOINT_FORMATS.join(', ')}` }).optional(),
  groupPolicy: z.enum(GROUP_POLICIES, { error: `expected one of ${GROUP_POLICIES.join(', ')}` }).optional(),
  config: path.optional(),
  model: name('a model name'),
  permissionMode: name('a permission mode'),
  maxTurns: wholeNumber(1).optional(),
  allowedTools: z.string().transform(parseToolList).pipe(z.array(z.string()).min(1, { error: 'expected tool names separated by commas' })).optional(),
  disallowedTools: z.string().transform(parseToolList).pipe(z.array(z.string()).min(1, { error: 'expected tool names separated by commas' })).optional(),
  maxCost: dollars.optional(),
  isolation: z.enum(ISOLATIONS, { error: `expected one of ${ISOLATIONS.join(', ')}` }).optional(),
  allowDirty: z.boolean().default(false),
  report: z.boolean().optional(),
  events: path.optional(),
  history: z.boolean().default(true),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
  verbose: z.boolean().default(false),
});

function describeIssue(issue: z.core.$ZodIssue, raw: RawRunOptions): string {
  const key = String(issue.path[0] ?? '');
  const flag = FLAGS[key] ?? key;
  const given = (raw as Record<string, unknown>)[key];
  return `${flag}: ${issue.message}${typeof given === 'string' ? `, got ${JSON.stringify(given)}` : ''}`;
}

/**
 * Validates the flags of `hypervisor run` once, where they enter, and merges them over the config file's run
 * settings and the built-in defaults (flag > config > default): `dry-run` spelled `dry_run`, seconds turned into
 * milliseconds, `--max-cost` read as US dollars, paths resolved against `cwd` (the events file's default against the root), the agent flags
 * applied to the default agent's profile.
 * @throws CliError `invalid_option`, one line naming the first bad flag (or `--only` with `--from`, `--report` with a dry run).
 * @example
 * parseRunOptions('plans/demo', { mode: 'parallel', workers: '8' }, '/repo').workers; // 8
 */
export function parseRunOptions(planDir: string, raw: RawRunOptions, cwd: string, config?: ProjectConfig): ResolvedRunOptions {
  const result = rawOptionsSchema.safeParse(raw);
  if (!result.success) {
    const [issue] = result.error.issues;
    throw new CliError('invalid_option', issue === undefined ? 'invalid options' : describeIssue(issue, raw), { cause: result.error });
  }
  const flags = result.data;
  if (flags.only !== undefined && flags.from !== undefined) {
    throw new CliError('invalid_option', '--only and --from cannot be used together: pick the phases one way');
  }
  const root = resolve(cwd, flags.root ?? '.');
  const selection: PhaseSelection =
    flags.only !== undefined ? { kind: 'only', ids: flags.only } : flags.from !== undefined ? { kind: 'from', id: flags.from } : { kind: 'all' };
  const { values, sources } = pickSettings(flags, config?.run ?? {});
  const mode: ExecutionMode = values.mode === 'dry-run' ? 'dry_run' : values.mode;
  // `run.report` in the config file is a standing wish that a dry run has nothing to fulfil; the flag is a request.
  if (flags.report === true && mode === 'dry_run') {
    throw new CliError('invalid_option', '--report: a dry run starts nothing and keeps no event log, so it has no report; drop --report or --mode dry-run');
  }
  return Object.freeze({
    planDir: resolve(cwd, planDir),
    root,
    ...values,
    mode,
    force: flags.force,
    selection,
    profiles: mergeAgentFlags(config?.agents ?? [], values.agent, flags),
    routing: config?.routing ?? [],
    sources,
    eventsFile: flags.events === undefined ? resolve(root, RUN_DEFAULTS.eventsFile) : resolve(cwd, flags.events),
    history: flags.history,
    json: flags.json,
    quiet: flags.quiet,
    verbose: flags.verbose,
    allowDirty: flags.allowDirty,
  });
}
