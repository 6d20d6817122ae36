import { CoreError } from '../../core-error.js';
import type { ProcessSpec } from '../process/process-types.js';
import { MAX_TURNS_PLACEHOLDER, PROMPT_PLACEHOLDER } from './agent-profile.js';
import type { AgentProfile } from './agent-profile.js';

/** Under `promptVia: 'auto'`, a prompt longer than this many UTF-8 bytes goes on stdin (Linux caps one argument at 128 KiB). */
export const STDIN_PROMPT_BYTES = 100_000;

/** The turn limit of a claude profile that sets none. */
const CLAUDE_MAX_TURNS = 50;

/** What {@link buildProcessSpec} puts into the process: the task, and the phase's own agent settings. */
export interface AgentInvocation {
  /** The task text (for `shell`, the `run:` line). */
  readonly prompt: string;
  /** The working directory: the project root. */
  readonly root: string;
  /** The complete environment of the process. */
  readonly env: Readonly<Record<string, string>>;
  /** The turn limit; the profile's when absent. */
  readonly maxTurns?: number;
  /** The model; the profile's when absent. */
  readonly model?: string;
  /** Tools allowed without asking; the profile's list when absent. */
  readonly allowedTools?: readonly string[];
  /**
   * The session to resume (claude `--resume <id>`), so that a retry keeps what the agent learned; a fresh session
   * when absent. Only claude resumes this way: codex and gemini start a fresh session whatever it says.
   */
  readonly resumeSession?: string;
}

/** The session a process built for `profile` resumes: `invocation.resumeSession` for claude, none for the others. */
export function resumedSessionOf(profile: AgentProfile, invocation: Pick<AgentInvocation, 'resumeSession'>): string | undefined {
  return profile.kind === 'claude' ? invocation.resumeSession : undefined;
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

const option = (flag: string, value: string | number | undefined): string[] => (value === undefined ? [] : [flag, String(value)]);
// Variadic in claude: one argument per item, placed last so that nothing after them is read as an item.
const list = (flag: string, items: readonly string[] | undefined): string[] => (items === undefined || items.length === 0 ? [] : [flag, ...items]);
// One value per flag in gemini (yargs `nargs: 1`): the flag again for every item.
const repeated = (flag: string, items: readonly string[] | undefined): string[] => (items ?? []).flatMap((item) => [flag, item]);

function claudeArgs(profile: AgentProfile, call: AgentInvocation, onStdin: boolean): string[] {
  const format = profile.outputFormat ?? 'json';
  return [
    '-p',
    ...(onStdin ? [] : [call.prompt]),
    '--output-format',
    format,
    ...(format === 'stream-json' ? ['--verbose'] : []),
    ...option('--resume', call.resumeSession),
    '--max-turns',
    String(call.maxTurns ?? profile.maxTurns ?? CLAUDE_MAX_TURNS),
    ...option('--permission-mode', profile.permissionMode),
    ...option('--model', call.model ?? profile.model),
    ...option('--append-system-prompt', profile.appendSystemPrompt),
    ...option('--max-budget-usd', profile.maxBudgetUsd),
    ...profile.extraArgs,
    ...list('--allowedTools', call.allowedTools ?? profile.allowedTools),
    ...list('--disallowedTools', profile.disallowedTools),
  ];
}

function codexArgs(profile: AgentProfile, call: AgentInvocation, onStdin: boolean): string[] {
  return [
    'exec',
    '--json',
    ...option('-s', profile.permissionMode),
    ...(profile.skipGitRepoCheck === true ? ['--skip-git-repo-check'] : []),
    ...option('-m', call.model ?? profile.model),
    ...profile.extraArgs,
    // `-` reads the prompt from stdin.
    onStdin ? '-' : call.prompt,
  ];
}

function geminiArgs(profile: AgentProfile, call: AgentInvocation, onStdin: boolean): string[] {
  return [
    // Without `-p`, gemini reads its prompt from a stdin that is not a terminal.
    ...(onStdin ? [] : ['-p', call.prompt]),
    '-o',
    profile.outputFormat ?? 'json',
    ...option('--approval-mode', profile.permissionMode),
    ...(profile.trustWorkspace === true ? ['--skip-trust'] : []),
    ...option('-m', call.model ?? profile.model),
    ...profile.extraArgs,
    ...repeated('--allowed-tools', call.allowedTools ?? profile.allowedTools),
  ];
}

function templateArgs(profile: AgentProfile, call: AgentInvocation, onStdin: boolean): string[] {
  const template = onStdin ? (profile.stdinArgs ?? profile.args.filter((arg) => arg !== PROMPT_PLACEHOLDER)) : profile.args;
  const maxTurns = String(call.maxTurns ?? profile.maxTurns);
  const filled = template.map((arg) => (arg === PROMPT_PLACEHOLDER ? call.prompt : arg === MAX_TURNS_PLACEHOLDER ? maxTurns : arg));
  return [...filled, ...profile.extraArgs];
}

const ARGS_OF = { claude: claudeArgs, codex: codexArgs, gemini: geminiArgs, command: templateArgs } as const;

/**
 * The process that runs `prompt` with `profile`: the agent CLI's arguments built from the profile's settings and
 * the phase's own (model, turns, tools), as an argument vector (nothing in the prompt is ever interpreted by a
 * shell), or the prompt on stdin.
 *
 * @throws CoreError `invalid_config` when the profile passes the prompt as an argument and the prompt contains
 *   a NUL character, which no argument can carry.
 * @example
 * buildProcessSpec(claude, { prompt: 'Fix the build', root: '/repo', env: {} }).args;
 * // ['-p', 'Fix the build', '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits']
 */
export function buildProcessSpec(profile: AgentProfile, invocation: AgentInvocation): ProcessSpec {
  const onStdin = promptGoesOnStdin(profile, invocation.prompt);
  if (!onStdin && invocation.prompt.includes('\0')) {
    throw new CoreError('invalid_config', `agent profile "${profile.name}" passes the prompt as an argument, which cannot contain a NUL character`, {
      profile: profile.name,
    });
  }
  return {
    command: profile.command,
    args: ARGS_OF[profile.kind](profile, invocation, onStdin),
    cwd: invocation.root,
    env: invocation.env,
    ...(onStdin ? { stdin: invocation.prompt } : {}),
  };
}

function showArgument(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/**
 * A one-line, human-readable form of a process spec for logs, dry runs and `plan`: the prompt (when given) shown
 * by its size, other arguments over 80 characters or with a line break elided with their length, and stdin
 * described by its size.
 * @example
 * describeProcessSpec({ command: 'claude', args: ['-p', 'Fix it'], cwd: '.', env: {} }); // 'claude -p "Fix it"'
 */
export function describeProcessSpec(spec: ProcessSpec, prompt?: string): string {
  const args = spec.args.map((arg) => {
    if (prompt !== undefined && arg === prompt) return `<prompt: ${prompt.length} chars>`;
    return arg.length > 80 || arg.includes('\n') ? `<${arg.length} chars>` : showArgument(arg);
  });
  const stdin = spec.stdin === undefined ? [] : [`< <prompt: ${spec.stdin.length} chars>`];
  return [showArgument(spec.command), ...args, ...stdin].join(' ');
}
