import { z } from 'zod';
import { CoreError } from '../../core-error.js';
import type { ProcessSpec } from '../process/process-types.js';

/** The argument that stands for the prompt (the task text, or a `run:` line for the `shell` profile). */
const PROMPT_PLACEHOLDER = '{prompt}';

/** The argument that stands for the turn limit. */
const MAX_TURNS_PLACEHOLDER = '{maxTurns}';

/** Under `promptVia: 'auto'`, a prompt longer than this many UTF-8 bytes goes on stdin (Linux caps one argument at 128 KiB). */
export const STDIN_PROMPT_BYTES = 100_000;

const PLACEHOLDERS = [PROMPT_PLACEHOLDER, MAX_TURNS_PLACEHOLDER] as const;

const argument = z.string().refine((arg) => PLACEHOLDERS.every((placeholder) => arg === placeholder || !arg.includes(placeholder)), {
  message: `a placeholder (${PLACEHOLDERS.join(', ')}) must be a whole argument`,
});

/**
 * An agent profile as data: how to start an agent CLI on a prompt and how to read its answer. Placeholders
 * `{prompt}` and `{maxTurns}` stand for whole arguments; the arguments go to the process as a vector, never
 * through a shell.
 */
export const agentProfileSchema = z
  .strictObject({
    /** What phases and config call it, e.g. `claude`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit'),
    /** The executable, looked up on the `PATH` of the phase's environment unless it is a path. */
    command: z.string().min(1),
    /** The argument template. */
    args: z.array(argument),
    /**
     * How the prompt is handed over: as the `{prompt}` argument, on stdin (the `{prompt}` argument is then
     * dropped), or `auto`: on stdin when it is over {@link STDIN_PROMPT_BYTES}, contains a NUL or starts with
     * `-` (which the agent would read as an option), otherwise as an argument.
     * @default 'auto'
     */
    promptVia: z.enum(['argument', 'stdin', 'auto']).default('auto'),
    /** The argument template used instead of `args` when the prompt goes on stdin (default: `args` without `{prompt}`). */
    stdinArgs: z.array(argument).optional(),
    /**
     * How an attempt's outcome is read: the JSON result of `claude -p --output-format json`, or the exit code alone.
     * @default 'exit-code'
     */
    result: z.enum(['claude-json', 'exit-code']).default('exit-code'),
    /** The turn limit when neither the phase nor the runner sets one; required when a template uses `{maxTurns}`. */
    defaultMaxTurns: z.int().positive().optional(),
  })
  .superRefine((profile, context) => {
    if (profile.promptVia !== 'stdin' && !profile.args.includes(PROMPT_PLACEHOLDER)) {
      context.addIssue({ code: 'custom', path: ['args'], message: `must contain "${PROMPT_PLACEHOLDER}" unless promptVia is "stdin"` });
    }
    if (profile.stdinArgs?.includes(PROMPT_PLACEHOLDER) === true) {
      context.addIssue({ code: 'custom', path: ['stdinArgs'], message: `cannot contain "${PROMPT_PLACEHOLDER}": the prompt goes on stdin` });
    }
    const templates = [...profile.args, ...(profile.stdinArgs ?? [])];
    if (templates.includes(MAX_TURNS_PLACEHOLDER) && profile.defaultMaxTurns === undefined) {
      context.addIssue({ code: 'custom', path: ['defaultMaxTurns'], message: `is required when an argument is "${MAX_TURNS_PLACEHOLDER}"` });
    }
  });

/** An agent profile as a user writes it (in config): `promptVia` and `result` may be left out. */
export type AgentProfileInput = z.input<typeof agentProfileSchema>;

/** A validated, frozen agent profile. */
export type AgentProfile = z.output<typeof agentProfileSchema>;

function freezeProfile(profile: AgentProfile): AgentProfile {
  Object.freeze(profile.args);
  if (profile.stdinArgs !== undefined) Object.freeze(profile.stdinArgs);
  return Object.freeze(profile);
}

/**
 * The built-in profiles: `claude` (the default agent), `codex`, `gemini`, and `shell`, which runs a phase's own
 * `run:` line with `/bin/sh -c` (the only use of a shell, for the plan author's own command line).
 */
export const BUILTIN_PROFILES: readonly AgentProfile[] = Object.freeze(
  [
    {
      name: 'claude',
      command: 'claude',
      args: ['-p', PROMPT_PLACEHOLDER, '--output-format', 'json', '--max-turns', MAX_TURNS_PLACEHOLDER],
      promptVia: 'auto',
      result: 'claude-json',
      defaultMaxTurns: 50,
    },
    { name: 'codex', command: 'codex', args: ['exec', PROMPT_PLACEHOLDER], promptVia: 'auto', stdinArgs: ['exec', '-'], result: 'exit-code' },
    { name: 'gemini', command: 'gemini', args: ['-p', PROMPT_PLACEHOLDER], promptVia: 'auto', stdinArgs: [], result: 'exit-code' },
    { name: 'shell', command: '/bin/sh', args: ['-c', PROMPT_PLACEHOLDER], promptVia: 'argument', result: 'exit-code' },
  ].map((profile) => freezeProfile(agentProfileSchema.parse(profile))),
);

function parseProfile(input: unknown, index: number): AgentProfile {
  const result = agentProfileSchema.safeParse(input);
  if (result.success) return freezeProfile(result.data);
  const name = (input as { name?: unknown } | null)?.name;
  const label = typeof name === 'string' ? `profiles[${index}] ("${name}")` : `profiles[${index}]`;
  const problems = result.error.issues.map((issue) => `${[label, ...issue.path].join('.')}: ${issue.message}`).join('; ');
  throw new CoreError('invalid_config', `invalid agent profile: ${problems}`, { index, issues: result.error.issues }, { cause: result.error });
}

/**
 * The profiles a runner can use: the built-ins, with the user's profiles added or replacing a built-in of
 * the same name.
 *
 * @throws CoreError `invalid_config` naming the profile and field that is wrong, or a name given twice.
 * @example
 * const profiles = resolveProfiles([{ name: 'aider', command: 'aider', args: ['--message', '{prompt}'] }]);
 * profiles.get('aider')?.promptVia; // 'auto'
 */
export function resolveProfiles(extra: readonly AgentProfileInput[] = []): ReadonlyMap<string, AgentProfile> {
  const profiles = new Map(BUILTIN_PROFILES.map((profile) => [profile.name, profile]));
  const seen = new Set<string>();
  extra.forEach((input, index) => {
    const profile = parseProfile(input, index);
    if (seen.has(profile.name)) {
      throw new CoreError('invalid_config', `invalid agent profile: profiles[${index}].name: "${profile.name}" is defined twice`, { index });
    }
    seen.add(profile.name);
    profiles.set(profile.name, profile);
  });
  return profiles;
}

/** What {@link buildProcessSpec} puts into the process. */
export interface AgentInvocation {
  /** The task text (for `shell`, the `run:` line). */
  readonly prompt: string;
  /** The turn limit; the profile's `defaultMaxTurns` when absent. */
  readonly maxTurns?: number;
  /** The working directory: the project root. */
  readonly root: string;
  /** The complete environment of the process. */
  readonly env: Readonly<Record<string, string>>;
}

/** Whether the profile hands this prompt over on stdin rather than as an argument. */
export function promptGoesOnStdin(profile: AgentProfile, prompt: string): boolean {
  switch (profile.promptVia) {
    case 'argument':
      return false;
    case 'stdin':
      return true;
    case 'auto':
      return Buffer.byteLength(prompt, 'utf8') > STDIN_PROMPT_BYTES || prompt.includes('\0') || prompt.startsWith('-');
  }
}

/**
 * The process that runs `prompt` with `profile`: the argument template with its placeholders filled in, as an
 * argument vector (nothing in the prompt is ever interpreted by a shell), or the prompt on stdin.
 *
 * @throws CoreError `invalid_config` when the profile passes the prompt as an argument and the prompt contains
 *   a NUL character, which no argument can carry.
 * @example
 * buildProcessSpec(claude, { prompt: 'Fix the build', root: '/repo', env: {} }).args;
 * // ['-p', 'Fix the build', '--output-format', 'json', '--max-turns', '50']
 */
export function buildProcessSpec(profile: AgentProfile, invocation: AgentInvocation): ProcessSpec {
  const onStdin = promptGoesOnStdin(profile, invocation.prompt);
  if (!onStdin && invocation.prompt.includes('\0')) {
    throw new CoreError('invalid_config', `agent profile "${profile.name}" passes the prompt as an argument, which cannot contain a NUL character`, {
      profile: profile.name,
    });
  }
  const template = onStdin ? (profile.stdinArgs ?? profile.args.filter((arg) => arg !== PROMPT_PLACEHOLDER)) : profile.args;
  const maxTurns = String(invocation.maxTurns ?? profile.defaultMaxTurns);
  const args = template.map((arg) => (arg === PROMPT_PLACEHOLDER ? invocation.prompt : arg === MAX_TURNS_PLACEHOLDER ? maxTurns : arg));
  return {
    command: profile.command,
    args,
    cwd: invocation.root,
    env: invocation.env,
    ...(onStdin ? { stdin: invocation.prompt } : {}),
  };
}

function showArgument(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/**
 * A one-line, human-readable form of a process spec for logs and dry runs: arguments over 80 characters or with
 * a line break are elided with their length, and stdin is described by its size.
 * @example
 * describeProcessSpec({ command: 'claude', args: ['-p', 'Fix it'], cwd: '.', env: {} }); // 'claude -p "Fix it"'
 */
export function describeProcessSpec(spec: ProcessSpec): string {
  const args = spec.args.map((arg) => (arg.length > 80 || arg.includes('\n') ? `<${arg.length} chars>` : showArgument(arg)));
  const stdin = spec.stdin === undefined ? [] : [`< <prompt: ${spec.stdin.length} chars>`];
  return [showArgument(spec.command), ...args, ...stdin].join(' ');
}
