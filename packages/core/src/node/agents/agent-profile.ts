import { z } from 'zod';
import { CoreError } from '../../core-error.js';

/** The argument that stands for the prompt (the task text, or a `run:` line for the `shell` profile). */
export const PROMPT_PLACEHOLDER = '{prompt}';

/** The argument that stands for the turn limit. */
export const MAX_TURNS_PLACEHOLDER = '{maxTurns}';

const PLACEHOLDERS = [PROMPT_PLACEHOLDER, MAX_TURNS_PLACEHOLDER] as const;

/**
 * The kinds of agent the hypervisor knows how to drive: the three agent CLIs, each with its own flags and answer
 * format, and `command`, any other program described by an argument template.
 */
export const AGENT_KINDS = ['claude', 'codex', 'gemini', 'command'] as const;

/** One of {@link AGENT_KINDS}. */
export type AgentKind = (typeof AGENT_KINDS)[number];

/** The permission modes each agent CLI accepts, in its own words (`--permission-mode`, `-s`, `--approval-mode`). */
export const PERMISSION_MODES: Readonly<Record<Exclude<AgentKind, 'command'>, readonly string[]>> = Object.freeze({
  claude: ['acceptEdits', 'default', 'plan', 'dontAsk', 'auto', 'bypassPermissions'],
  codex: ['workspace-write', 'read-only', 'danger-full-access'],
  gemini: ['auto_edit', 'default', 'plan', 'yolo'],
});

const argument = z.string().refine((arg) => PLACEHOLDERS.every((placeholder) => arg === placeholder || !arg.includes(placeholder)), {
  message: `a placeholder (${PLACEHOLDERS.join(', ')}) must be a whole argument`,
});

const pattern = z.string().min(1).refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/**
 * A rule on an agent's output, checked on every line as it comes: a match ends the attempt at once, as `fatal`
 * (the run stops: no retry can fix it) or `transient` (a failed attempt, retried after the backoff).
 */
export const outputRuleSchema = z.strictObject({
  /** A regular expression, tested on each line of output. */
  match: pattern,
  outcome: z.enum(['fatal', 'transient']),
  /** Which stream it watches. @default 'both' */
  stream: z.enum(['stdout', 'stderr', 'both']).default('both'),
  /** What to tell the user (say what to do); the matching line when absent. */
  message: z.string().min(1).optional(),
});

/** A validated output rule. */
export type OutputRule = z.output<typeof outputRuleSchema>;

const tools = z.array(z.string().min(1));

/**
 * An agent profile as a user writes it (config `agents:`, or `profiles` of `runPlan`). Three forms:
 * - settings for a profile that exists (`claude`, or one defined earlier), which they override;
 * - a new profile that `extends` an existing one and changes some settings (`opus: {extends: claude, model: opus}`);
 * - a new `command` profile: `command` and an argument template `args` with `{prompt}` and `{maxTurns}`.
 */
export const agentProfileSchema = z.strictObject({
  /** What phases and the config call it, e.g. `claude`. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
  /** The profile whose settings this one starts from. */
  extends: z.string().min(1).optional(),
  /** The executable, looked up on the `PATH` of the phase's environment unless it is a path. */
  command: z.string().min(1).optional(),
  /** The argument template of a `command` profile: giving it makes the profile a `command` profile. */
  args: z.array(argument).optional(),
  /**
   * How the prompt is handed over: as an argument, on stdin, or `auto`: on stdin when it is over
   * {@link STDIN_PROMPT_BYTES}, contains a NUL or starts with `-`, otherwise as an argument.
   */
  promptVia: z.enum(['argument', 'stdin', 'auto']).optional(),
  /** The argument template used instead of `args` when the prompt goes on stdin (default: `args` without `{prompt}`). */
  stdinArgs: z.array(argument).optional(),
  /** How a `command` profile's outcome is read: the JSON result of `claude -p`, or the exit code alone. */
  result: z.enum(['claude-json', 'exit-code']).optional(),
  /** The turn limit of phases that set none (claude, and `command` templates with `{maxTurns}`). */
  maxTurns: z.int().positive().optional(),
  /** The model, for phases that name none. */
  model: z.string().min(1).optional(),
  /** What the agent may do without asking, in the CLI's own words (see {@link PERMISSION_MODES}). */
  permissionMode: z.string().min(1).optional(),
  /** Tools allowed without asking (claude `--allowedTools`, gemini `--allowed-tools`), for phases that list none. */
  allowedTools: tools.optional(),
  /** Tools the agent may not use (claude `--disallowedTools`). */
  disallowedTools: tools.optional(),
  /** Text added to the agent's system prompt (claude `--append-system-prompt`). */
  appendSystemPrompt: z.string().min(1).optional(),
  /** The most one attempt may spend, in US dollars (claude `--max-budget-usd`). */
  maxBudgetUsd: z.number().positive().optional(),
  /**
   * `json` (one result at the end) or `stream-json` (one message per line, read as the agent works for its progress;
   * claude adds `--verbose`). @default 'stream-json' for claude, 'json' for gemini
   */
  outputFormat: z.enum(['json', 'stream-json']).optional(),
  /** codex: run outside a git repository too (`--skip-git-repo-check`). */
  skipGitRepoCheck: z.boolean().optional(),
  /** gemini: trust the project root for the session (`--skip-trust`), without which it ignores `auto_edit`. */
  trustWorkspace: z.boolean().optional(),
  /** Arguments added as they are, after the ones the profile builds. */
  extraArgs: z.array(z.string()).optional(),
  /** Output that ends an attempt at once; checked before the kind's own rules. */
  outputRules: z.array(outputRuleSchema).optional(),
});

/** An agent profile as a user writes it. */
export type AgentProfileInput = z.input<typeof agentProfileSchema>;

/** A resolved, frozen agent profile: every setting of its kind known, defaults applied. */
export interface AgentProfile {
  readonly name: string;
  readonly kind: AgentKind;
  readonly command: string;
  /** The argument template (`command` profiles only; empty for the agent CLIs, whose arguments are built). */
  readonly args: readonly string[];
  readonly promptVia: 'argument' | 'stdin' | 'auto';
  readonly stdinArgs?: readonly string[];
  /** How a `command` profile's answer is read. */
  readonly result: 'claude-json' | 'exit-code';
  readonly maxTurns?: number;
  readonly model?: string;
  readonly permissionMode?: string;
  readonly allowedTools?: readonly string[];
  readonly disallowedTools?: readonly string[];
  readonly appendSystemPrompt?: string;
  readonly maxBudgetUsd?: number;
  readonly outputFormat?: 'json' | 'stream-json';
  readonly skipGitRepoCheck?: boolean;
  readonly trustWorkspace?: boolean;
  readonly extraArgs: readonly string[];
  readonly outputRules: readonly OutputRule[];
}

type Setting = Exclude<keyof AgentProfileInput, 'name' | 'extends'>;

/** The settings each kind takes; any other is refused, so that no setting is silently ignored. */
const SETTINGS_OF: Readonly<Record<AgentKind, readonly Setting[]>> = {
  claude: ['command', 'promptVia', 'maxTurns', 'model', 'permissionMode', 'allowedTools', 'disallowedTools', 'appendSystemPrompt', 'maxBudgetUsd', 'outputFormat', 'extraArgs', 'outputRules'],
  codex: ['command', 'promptVia', 'model', 'permissionMode', 'skipGitRepoCheck', 'extraArgs', 'outputRules'],
  gemini: ['command', 'promptVia', 'model', 'permissionMode', 'allowedTools', 'outputFormat', 'trustWorkspace', 'extraArgs', 'outputRules'],
  command: ['command', 'args', 'promptVia', 'stdinArgs', 'result', 'maxTurns', 'extraArgs', 'outputRules'],
};

/** Whether profiles of `kind` take `setting`. */
export function kindTakes(kind: AgentKind, setting: Setting): boolean {
  return SETTINGS_OF[kind].includes(setting);
}

const base = { promptVia: 'auto', result: 'exit-code', args: [], extraArgs: [], outputRules: [] } as const;

/**
 * The built-in profiles: `claude` (the default agent, streaming its progress in `stream-json`), `codex`, `gemini`,
 * each allowed to edit files by default, and `shell`, which runs a phase's own `run:` line with `/bin/sh -c` (the
 * only use of a shell, for the plan author's own command line).
 */
export const BUILTIN_PROFILES: readonly AgentProfile[] = Object.freeze(
  (
    [
      { ...base, name: 'claude', kind: 'claude', command: 'claude', result: 'claude-json', maxTurns: 50, permissionMode: 'acceptEdits', outputFormat: 'stream-json' },
      { ...base, name: 'codex', kind: 'codex', command: 'codex', permissionMode: 'workspace-write', skipGitRepoCheck: false },
      { ...base, name: 'gemini', kind: 'gemini', command: 'gemini', permissionMode: 'auto_edit', outputFormat: 'json', trustWorkspace: true },
      { ...base, name: 'shell', kind: 'command', command: '/bin/sh', args: ['-c', PROMPT_PLACEHOLDER], promptVia: 'argument' },
    ] satisfies AgentProfile[]
  ).map(freezeProfile),
);

function freezeProfile(profile: AgentProfile): AgentProfile {
  for (const value of Object.values(profile)) if (Array.isArray(value)) Object.freeze(value);
  return Object.freeze(profile);
}

/** An `invalid_config` error about one profile; its context keeps the field and the problem apart for callers that name them their own way. */
function configError(label: string, field: string | undefined, problem: string, context: Record<string, unknown>, options?: ErrorOptions): CoreError {
  const where = field === undefined ? label : `${label}.${field}`;
  return new CoreError('invalid_config', `invalid agent profile: ${where}: ${problem}`, { ...context, problem, ...(field === undefined ? {} : { field }) }, options);
}

function definedSettings(input: AgentProfileInput): Partial<Record<Setting, unknown>> {
  const { name: _name, extends: _extends, ...settings } = input;
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/** Refuses a setting the kind does not take, a permission mode the CLI does not know, a template without `{prompt}`. */
function checkProfile(profile: AgentProfile, settings: Partial<Record<Setting, unknown>>, fail: (field: string | undefined, problem: string) => never): void {
  for (const setting of Object.keys(settings) as Setting[]) {
    if (!kindTakes(profile.kind, setting)) fail(setting, `a ${profile.kind} profile has no such setting (it takes: ${SETTINGS_OF[profile.kind].join(', ')})`);
  }
  if (profile.kind !== 'command') {
    const modes = PERMISSION_MODES[profile.kind];
    if (profile.permissionMode !== undefined && !modes.includes(profile.permissionMode)) {
      fail('permissionMode', `"${profile.permissionMode}" is not a ${profile.kind} permission mode (one of: ${modes.join(', ')})`);
    }
    return;
  }
  if (profile.promptVia !== 'stdin' && !profile.args.includes(PROMPT_PLACEHOLDER)) fail('args', `must contain "${PROMPT_PLACEHOLDER}" unless promptVia is "stdin"`);
  if (profile.stdinArgs?.includes(PROMPT_PLACEHOLDER) === true) fail('stdinArgs', `cannot contain "${PROMPT_PLACEHOLDER}": the prompt goes on stdin`);
  if ([...profile.args, ...(profile.stdinArgs ?? [])].includes(MAX_TURNS_PLACEHOLDER) && profile.maxTurns === undefined) {
    fail('maxTurns', `is required when an argument is "${MAX_TURNS_PLACEHOLDER}"`);
  }
}

function resolveOne(input: unknown, index: number, known: ReadonlyMap<string, AgentProfile>): AgentProfile {
  const name = (input as { name?: unknown } | null)?.name;
  const label = typeof name === 'string' ? `profiles[${index}] ("${name}")` : `profiles[${index}]`;
  const context = { index, ...(typeof name === 'string' ? { profile: name } : {}) };
  const parsed = agentProfileSchema.safeParse(input);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = issue?.path.length === 0 ? undefined : issue?.path.join('.');
    const problem = issue?.message ?? 'invalid';
    throw configError(label, field, problem, { ...context, issues: parsed.error.issues }, { cause: parsed.error });
  }
  const fail = (field: string | undefined, problem: string): never => {
    throw configError(label, field, problem, context);
  };
  const profileInput = parsed.data;
  const settings = definedSettings(profileInput);
  let profile: AgentProfile;
  if (profileInput.args !== undefined) {
    if (profileInput.extends !== undefined) fail('extends', 'a profile with its own args is a command profile and extends nothing');
    if (profileInput.command === undefined) fail('command', 'is required with args');
    profile = { ...base, kind: 'command', command: profileInput.command, ...(settings as object), name: profileInput.name } as AgentProfile;
  } else {
    const parentName = profileInput.extends ?? profileInput.name;
    const parent = known.get(parentName);
    if (parent === undefined) {
      const names = [...known.keys()].join(', ');
      if (profileInput.extends !== undefined) fail('extends', `no profile "${parentName}" to extend (known: ${names})`);
      fail(undefined, `a new profile needs "extends" (one of: ${names}) or "command" and "args"`);
    }
    profile = { ...parent, ...(settings as object), name: profileInput.name } as AgentProfile;
  }
  checkProfile(profile, settings, fail);
  return freezeProfile({ ...profile, args: [...profile.args], extraArgs: [...profile.extraArgs], outputRules: [...profile.outputRules] });
}

/**
 * The profiles a runner can use: the built-ins, with the user's profiles added, overriding settings of a profile
 * of the same name, extending one, or replacing it with a `command` profile. A profile may extend any profile
 * before it in the list.
 *
 * @throws CoreError `invalid_config` naming the profile and field that is wrong (context `index`, `profile`,
 *   `field`), or a name given twice.
 * @example
 * const profiles = resolveProfiles([{ name: 'opus', extends: 'claude', model: 'opus' }]);
 * profiles.get('opus')?.permissionMode; // 'acceptEdits'
 */
export function resolveProfiles(extra: readonly AgentProfileInput[] = []): ReadonlyMap<string, AgentProfile> {
  const profiles = new Map(BUILTIN_PROFILES.map((profile) => [profile.name, profile]));
  const seen = new Set<string>();
  extra.forEach((input, index) => {
    const profile = resolveOne(input, index, profiles);
    if (seen.has(profile.name)) {
      throw configError(`profiles[${index}] ("${profile.name}")`, 'name', `"${profile.name}" is defined twice`, { index, profile: profile.name });
    }
    seen.add(profile.name);
    profiles.set(profile.name, profile);
  });
  return profiles;
}
