import { resolve } from 'node:path';
import { z } from 'zod';
import type { ExecutionMode } from '@kazuba/hypervisor-v2';
import { CliError } from './cli-error.js';
import { CHECKPOINT_FORMATS, RUN_DEFAULTS, RUN_MODES } from './run-defaults.js';

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
  readonly events?: string;
  /** False with `--no-history`. */
  readonly history?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** Which phases of the plan a run takes: all, a list (`--only`), or one and what depends on it (`--from`). */
export type PhaseSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'only'; readonly ids: readonly number[] }
  | { readonly kind: 'from'; readonly id: number };

/** The options of `hypervisor run`, validated, with defaults applied and paths made absolute. */
export interface ResolvedRunOptions {
  readonly planDir: string;
  readonly root: string;
  readonly mode: ExecutionMode;
  readonly workers: number;
  readonly agent: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly keepGoing: boolean;
  readonly force: boolean;
  readonly selection: PhaseSelection;
  readonly checkpointFormat: (typeof CHECKPOINT_FORMATS)[number];
  /** The learning-events JSONL file: appended after a run, read for the duration history. */
  readonly eventsFile: string;
  readonly history: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
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
  events: '--events',
  keepGoing: '--keep-going',
  force: '--force',
  history: '--no-history',
  json: '--json',
  quiet: '--quiet',
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

const path = z.string().trim().min(1, { error: 'expected a path' });

const rawOptionsSchema = z.object({
  mode: z
    .enum(RUN_MODES, { error: `expected one of ${RUN_MODES.join(', ')}` })
    .default(RUN_DEFAULTS.mode)
    .transform((mode): ExecutionMode => (mode === 'dry-run' ? 'dry_run' : mode)),
  workers: wholeNumber(1).default(RUN_DEFAULTS.workers),
  agent: z.string().trim().min(1, { error: 'expected an agent profile name' }).default(RUN_DEFAULTS.agent),
  root: path.optional(),
  timeout: seconds.default(RUN_DEFAULTS.timeoutSeconds),
  retries: wholeNumber(0).default(RUN_DEFAULTS.retries),
  keepGoing: z.boolean().default(false),
  force: z.boolean().default(false),
  only: phaseIds.optional(),
  from: wholeNumber(0).optional(),
  checkpointFormat: z.enum(CHECKPOINT_FORMATS, { error: `expected one of ${CHECKPOINT_FORMATS.join(', ')}` }).default(RUN_DEFAULTS.checkpointFormat),
  events: path.optional(),
  history: z.boolean().default(true),
  json: z.boolean().default(false),
  quiet: z.boolean().default(false),
});

function describeIssue(issue: z.core.$ZodIssue, raw: RawRunOptions): string {
  const key = String(issue.path[0] ?? '');
  const flag = FLAGS[key] ?? key;
  const given = (raw as Record<string, unknown>)[key];
  return `${flag}: ${issue.message}${typeof given === 'string' ? `, got ${JSON.stringify(given)}` : ''}`;
}

/**
 * Validates the flags of `hypervisor run` once, where they enter: defaults applied, `dry-run` spelled
 * `dry_run`, seconds turned into milliseconds, paths resolved against `cwd` (the events file's default
 * against the root).
 * @throws CliError `invalid_option`, one line naming the first bad flag.
 * @example
 * parseRunOptions('plans/demo', { mode: 'parallel', workers: '8' }, '/repo').workers; // 8
 */
export function parseRunOptions(planDir: string, raw: RawRunOptions, cwd: string): ResolvedRunOptions {
  const result = rawOptionsSchema.safeParse(raw);
  if (!result.success) {
    const [issue] = result.error.issues;
    throw new CliError('invalid_option', issue === undefined ? 'invalid options' : describeIssue(issue, raw), { cause: result.error });
  }
  const options = result.data;
  if (options.only !== undefined && options.from !== undefined) {
    throw new CliError('invalid_option', '--only and --from cannot be used together: pick the phases one way');
  }
  const root = resolve(cwd, options.root ?? '.');
  const selection: PhaseSelection =
    options.only !== undefined ? { kind: 'only', ids: options.only } : options.from !== undefined ? { kind: 'from', id: options.from } : { kind: 'all' };
  return Object.freeze({
    planDir: resolve(cwd, planDir),
    root,
    mode: options.mode,
    workers: options.workers,
    agent: options.agent,
    timeoutMs: Math.round(options.timeout * 1000),
    retries: options.retries,
    keepGoing: options.keepGoing,
    force: options.force,
    selection,
    checkpointFormat: options.checkpointFormat,
    eventsFile: options.events === undefined ? resolve(root, RUN_DEFAULTS.eventsFile) : resolve(cwd, options.events),
    history: options.history,
    json: options.json,
    quiet: options.quiet,
  });
}
