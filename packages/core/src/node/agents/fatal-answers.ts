import type { EventError } from '@kazuba/hypervisor-v2';
import type { AgentKind, AgentProfile } from './agent-profile.js';

/** A known answer of an agent CLI that no retry can fix, and what the user should do about it. */
interface FatalAnswer {
  readonly match: RegExp;
  readonly code: string;
  readonly advice: (profile: AgentProfile) => string;
}

const rejected: FatalAnswer['advice'] = (profile) =>
  `${profile.name} rejected an argument the hypervisor passed: fix agents.${profile.name} in the config (extraArgs, permissionMode, model) or update ${profile.command}`;
const unknownModel: FatalAnswer['advice'] = (profile) =>
  `${profile.name} does not know the model: fix "model" (config agents.${profile.name}, --model, or the phase's front matter)`;

const CLAUDE: readonly FatalAnswer[] = [
  {
    match: /Not logged in|Please run \/login/i,
    code: 'not_logged_in',
    advice: (profile) => `${profile.name} is not logged in: run \`${profile.command}\` once and log in with /login, or set ANTHROPIC_API_KEY`,
  },
  {
    match: /Invalid API key|invalid x-api-key|authentication_error|OAuth token (?:has )?expired/i,
    code: 'invalid_api_key',
    advice: (profile) => `${profile.name} refused its credentials: set a valid ANTHROPIC_API_KEY, or log in again with \`${profile.command}\` and /login`,
  },
  { match: /credit balance is too low/i, code: 'no_credit', advice: (profile) => `${profile.name} has no credit left on its account: add credit, or use another key` },
  { match: /issue with the selected model|not_found_error[^\n]*model|model[^\n]*(?:not found|does not exist)/i, code: 'unknown_model', advice: unknownModel },
  { match: /^error: (?:unknown option|option .* is invalid|too many arguments|missing required argument|unknown command)/m, code: 'rejected_argument', advice: rejected },
  {
    match: /--dangerously-skip-permissions cannot be used with root\/sudo privileges/,
    code: 'bypass_as_root',
    advice: (profile) => `${profile.name} refuses bypassPermissions when run as root: choose another permissionMode for agents.${profile.name}, or run as a normal user`,
  },
];

const CODEX: readonly FatalAnswer[] = [
  {
    match: /Not inside a trusted directory and --skip-git-repo-check was not specified/,
    code: 'not_a_git_repository',
    advice: (profile) => `${profile.name} runs only inside a git repository: run in a git work tree, or set agents.${profile.name}.skipGitRepoCheck: true`,
  },
  { match: /^error: (?:unexpected argument|invalid value|unrecognized subcommand|the argument .* cannot be used multiple times|a value is required)/m, code: 'rejected_argument', advice: rejected },
  {
    match: /Not logged in|\b401 Unauthorized|Incorrect API key|invalid_api_key/i,
    code: 'not_logged_in',
    advice: (profile) => `${profile.name} is not logged in: run \`${profile.command} login\`, or set OPENAI_API_KEY`,
  },
  { match: /model[^\n]*(?:does not exist|not found|not supported)/i, code: 'unknown_model', advice: unknownModel },
];

const GEMINI: readonly FatalAnswer[] = [
  {
    match: /Please set an Auth method/i,
    code: 'not_logged_in',
    advice: (profile) => `${profile.name} has no credentials: set GEMINI_API_KEY, or run \`${profile.command}\` once and log in`,
  },
  { match: /API key not valid|API_KEY_INVALID/i, code: 'invalid_api_key', advice: (profile) => `${profile.name} refused its API key: set a valid GEMINI_API_KEY` },
  { match: /^(?:Unknown arguments?:|Invalid values:)/m, code: 'rejected_argument', advice: rejected },
  { match: /models\/\S+ is not found|model[^\n]*not found/i, code: 'unknown_model', advice: unknownModel },
];

const ANSWERS: Readonly<Record<AgentKind, readonly FatalAnswer[]>> = { claude: CLAUDE, codex: CODEX, gemini: GEMINI, command: [] };

/** Where each agent CLI comes from, for the advice when it is missing. */
const PACKAGES: Readonly<Partial<Record<AgentKind, string>>> = {
  claude: '@anthropic-ai/claude-code',
  codex: '@openai/codex',
  gemini: '@google/gemini-cli',
};

/** The matching line from the match on (what the CLI said, without our own words before it), at most 200 characters. */
function firstLineWith(text: string, match: RegExp): string {
  const line = text.split('\n').find((candidate) => match.test(candidate)) ?? '';
  const said = line.slice(Math.max(0, line.search(match))).trim();
  return said.length > 200 ? `${said.slice(0, 200)}…` : said;
}

/**
 * The fatal error an agent's failure text means, when it is one of its CLI's known answers that no retry can fix
 * (not logged in, a refused key, an unknown model, a rejected argument …): the code, and a message that says
 * what to do, quoting the line that gave it away.
 */
export function fatalAnswerOf(profile: AgentProfile, text: string): EventError | undefined {
  const answer = ANSWERS[profile.kind].find((candidate) => candidate.match.test(text));
  if (answer === undefined) return undefined;
  const said = firstLineWith(text, answer.match);
  return { name: 'AgentError', code: answer.code, message: `${answer.advice(profile)}${said === '' ? '' : ` (it said: ${said})`}` };
}

/** The fatal error of an agent CLI that cannot be started because it is not installed (or not executable). */
export function missingAgentError(profile: AgentProfile, reason: string): EventError {
  const from = PACKAGES[profile.kind];
  const install = from === undefined ? '' : `install it (npm install -g ${from}), or `;
  return {
    name: 'AgentError',
    code: 'agent_not_found',
    message: `cannot start ${profile.name}: ${profile.command} is not on PATH or not executable (${reason}): ${install}set agents.${profile.name}.command to its path`,
  };
}
