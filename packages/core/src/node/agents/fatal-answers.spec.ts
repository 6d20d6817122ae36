import { describe, expect, it } from '@jest/globals';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';
import { fatalAnswerOf, missingAgentError } from './fatal-answers.js';

function profileOf(input: AgentProfileInput | string): AgentProfile {
  const name = typeof input === 'string' ? input : input.name;
  return resolveProfiles(typeof input === 'string' ? [] : [input]).get(name) as AgentProfile;
}

/** What an attempt hands over: the result rule's failure message, then the agent's stderr on the next line. */
const failureText = (message: string, stderr = ''): string => `${message}\n${stderr}`;

const CLAUDE_NOT_LOGGED_IN = 'claude answered with an error: Not logged in · Please run /login';
const CLAUDE_UNKNOWN_OPTION = "error: unknown option '--x'";
const CLAUDE_BAD_MODE =
  "error: option '--permission-mode <mode>' argument 'bogus' is invalid. Allowed choices are acceptEdits, auto, bypassPermissions, default, dontAsk, plan.";
const CODEX_NO_GIT = 'Not inside a trusted directory and --skip-git-repo-check was not specified.';
const GEMINI_AUTH =
  'Please set an Auth method in your /home/dev/.gemini/settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA';

const rejected = (name: string, command: string): string =>
  `${name} rejected an argument the hypervisor passed: fix agents.${name} in the config (extraArgs, permissionMode, model) or update ${command}`;
const unknownModel = (name: string): string => `${name} does not know the model: fix "model" (config agents.${name}, --model, or the phase's front matter)`;

describe('fatalAnswerOf', () => {
  it.each<[string, string, string, string, string]>([
    [
      'claude not logged in (captured)',
      'claude',
      failureText(CLAUDE_NOT_LOGGED_IN),
      'not_logged_in',
      'claude is not logged in: run `claude` once and log in with /login, or set ANTHROPIC_API_KEY (it said: Not logged in · Please run /login)',
    ],
    [
      'a flag claude does not know (captured)',
      'claude',
      failureText(`claude exited with code 1: ${CLAUDE_UNKNOWN_OPTION}`, CLAUDE_UNKNOWN_OPTION),
      'rejected_argument',
      `${rejected('claude', 'claude')} (it said: ${CLAUDE_UNKNOWN_OPTION})`,
    ],
    [
      'a permission mode claude does not know (captured)',
      'claude',
      failureText(`claude exited with code 1: ${CLAUDE_BAD_MODE}`, CLAUDE_BAD_MODE),
      'rejected_argument',
      `${rejected('claude', 'claude')} (it said: ${CLAUDE_BAD_MODE})`,
    ],
    [
      'bypassPermissions refused to root (seen when the hypervisor runs as root)',
      'claude',
      failureText('claude exited with code 1: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons'),
      'bypass_as_root',
      'claude refuses bypassPermissions when run as root: choose another permissionMode for agents.claude, or run as a normal user (it said: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons)',
    ],
    [
      'a flag codex was given twice (captured)',
      'codex',
      failureText("codex exited with code 2: error: the argument '--model <MODEL>' cannot be used multiple times", "error: the argument '--model <MODEL>' cannot be used multiple times"),
      'rejected_argument',
      `${rejected('codex', 'codex')} (it said: error: the argument '--model <MODEL>' cannot be used multiple times)`,
    ],
    [
      'a key claude refuses',
      'claude',
      failureText('claude answered with an error: Invalid API key · Fix external API key'),
      'invalid_api_key',
      'claude refused its credentials: set a valid ANTHROPIC_API_KEY, or log in again with `claude` and /login (it said: Invalid API key · Fix external API key)',
    ],
    [
      'an expired claude login',
      'claude',
      failureText('claude answered with an error: API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired."}}'),
      'invalid_api_key',
      'claude refused its credentials: set a valid ANTHROPIC_API_KEY, or log in again with `claude` and /login (it said: authentication_error","message":"OAuth token has expired."}})',
    ],
    [
      'a claude account without credit',
      'claude',
      failureText('claude answered with an error: Credit balance is too low'),
      'no_credit',
      'claude has no credit left on its account: add credit, or use another key (it said: Credit balance is too low)',
    ],
    [
      'a model claude does not know',
      'claude',
      failureText("claude answered with an error: There's an issue with the selected model (claude-x). It may not exist or you may not have access to it."),
      'unknown_model',
      `${unknownModel('claude')} (it said: issue with the selected model (claude-x). It may not exist or you may not have access to it.)`,
    ],
    [
      'codex outside a git repository (captured)',
      'codex',
      failureText(`codex exited with code 1: ${CODEX_NO_GIT}`, CODEX_NO_GIT),
      'not_a_git_repository',
      `codex runs only inside a git repository: run in a git work tree, or set agents.codex.skipGitRepoCheck: true (it said: ${CODEX_NO_GIT})`,
    ],
    [
      'a flag codex does not know (captured)',
      'codex',
      failureText("codex exited with code 2: error: unexpected argument '--bogus' found", "error: unexpected argument '--bogus' found"),
      'rejected_argument',
      `${rejected('codex', 'codex')} (it said: error: unexpected argument '--bogus' found)`,
    ],
    [
      'a sandbox codex does not know (captured)',
      'codex',
      failureText('codex exited with code 2', "error: invalid value 'bogus' for '--sandbox <SANDBOX_MODE>'"),
      'rejected_argument',
      `${rejected('codex', 'codex')} (it said: error: invalid value 'bogus' for '--sandbox <SANDBOX_MODE>')`,
    ],
    [
      'codex without a login',
      'codex',
      failureText('codex failed: unexpected status 401 Unauthorized: Missing bearer authentication in header'),
      'not_logged_in',
      'codex is not logged in: run `codex login`, or set OPENAI_API_KEY (it said: 401 Unauthorized: Missing bearer authentication in header)',
    ],
    [
      'a model codex does not know',
      'codex',
      failureText("codex failed: The model 'gpt-x' does not exist or you do not have access to it."),
      'unknown_model',
      `${unknownModel('codex')} (it said: model 'gpt-x' does not exist or you do not have access to it.)`,
    ],
    [
      'gemini without credentials in JSON mode (captured)',
      'gemini',
      failureText(`gemini failed: ${GEMINI_AUTH}`),
      'not_logged_in',
      `gemini has no credentials: set GEMINI_API_KEY, or run \`gemini\` once and log in (it said: ${GEMINI_AUTH})`,
    ],
    [
      'gemini without credentials in stream-json mode (captured)',
      'gemini',
      failureText(`gemini exited with code 41: ${GEMINI_AUTH}`, GEMINI_AUTH),
      'not_logged_in',
      `gemini has no credentials: set GEMINI_API_KEY, or run \`gemini\` once and log in (it said: ${GEMINI_AUTH})`,
    ],
    [
      'a key gemini refuses',
      'gemini',
      failureText('gemini failed: [API Error: API key not valid. Please pass a valid API key.]'),
      'invalid_api_key',
      'gemini refused its API key: set a valid GEMINI_API_KEY (it said: API key not valid. Please pass a valid API key.])',
    ],
    [
      'a flag gemini does not know (captured)',
      'gemini',
      failureText('gemini exited with code 1: Unknown argument: bogus', 'Unknown argument: bogus'),
      'rejected_argument',
      `${rejected('gemini', 'gemini')} (it said: Unknown argument: bogus)`,
    ],
    [
      'an approval mode gemini does not know (captured)',
      'gemini',
      failureText('gemini exited with code 1', 'Invalid values:\n  Argument: approval-mode, Given: "bogus", Choices: "default", "auto_edit", "yolo", "plan"'),
      'rejected_argument',
      `${rejected('gemini', 'gemini')} (it said: Invalid values:)`,
    ],
    [
      'a model gemini does not know',
      'gemini',
      failureText('gemini failed: [API Error: models/gemini-9 is not found for API version v1beta]'),
      'unknown_model',
      `${unknownModel('gemini')} (it said: models/gemini-9 is not found for API version v1beta])`,
    ],
  ])('recognises %s', (_case, profile, text, code, message) => {
    expect(fatalAnswerOf(profileOf(profile), text)).toEqual({ name: 'AgentError', code, message });
  });

  it.each<[string, string, string]>([
    ['codex reconnecting without network (captured)', 'codex', 'codex was stopped by the hypervisor: {"type":"error","message":"Reconnecting... waiting for network (Connection failed: error sending request)"}'],
    ['gemini retrying without network (captured)', 'gemini', 'Attempt 1 failed. Retrying with backoff... Error: exception TypeError: fetch failed sending request'],
    ['a claude server error', 'claude', 'claude answered with an error: API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"}}'],
    ['an agent quoting a rejected flag inside a line', 'claude', 'claude answered with an error: the test printed error: unknown option --x'],
    ['a command profile saying it is not logged in', 'shell', 'shell exited with code 1: Not logged in'],
    ['a claude answer to the codex profile', 'codex', 'claude answered with an error: Credit balance is too low'],
  ])('leaves %s to the retries', (_case, profile, text) => {
    expect(fatalAnswerOf(profileOf(profile), text)).toBeUndefined();
  });

  it("names the profile and its command in what to do, whatever the profile's name", () => {
    const work = profileOf({ name: 'work', extends: 'claude', command: '/opt/claude/bin/claude' });
    expect(fatalAnswerOf(work, 'work exited with code 1: Not logged in')?.message).toBe(
      'work is not logged in: run `/opt/claude/bin/claude` once and log in with /login, or set ANTHROPIC_API_KEY (it said: Not logged in)',
    );
    const flash = profileOf({ name: 'flash', extends: 'gemini', model: 'gemini-2.5-flash' });
    expect(fatalAnswerOf(flash, 'API_KEY_INVALID')?.message).toBe('flash refused its API key: set a valid GEMINI_API_KEY (it said: API_KEY_INVALID)');
  });

  it('quotes what the CLI said from the first line that gave the answer away, without the words before it', () => {
    const text = `codex exited with code 1: ${CODEX_NO_GIT}\n${CODEX_NO_GIT} (again)`;
    expect(fatalAnswerOf(profileOf('codex'), text)?.message).toMatch(/\(it said: Not inside a trusted directory and --skip-git-repo-check was not specified\.\)$/);
  });

  it('quotes at most 200 characters of what the CLI said', () => {
    const long = `Not logged in ${'x'.repeat(300)}`;
    expect(fatalAnswerOf(profileOf('claude'), long)?.message).toMatch(new RegExp(`\\(it said: ${long.slice(0, 200)}…\\)$`));
  });
});

describe('missingAgentError', () => {
  it.each<[string, string]>([
    ['claude', '@anthropic-ai/claude-code'],
    ['codex', '@openai/codex'],
    ['gemini', '@google/gemini-cli'],
  ])('tells how to install %s or where to point its profile', (name, from) => {
    expect(missingAgentError(profileOf(name), 'ENOENT')).toEqual({
      name: 'AgentError',
      code: 'agent_not_found',
      message: `cannot start ${name}: ${name} is not on PATH or not executable (ENOENT): install it (npm install -g ${from}), or set agents.${name}.command to its path`,
    });
  });

  it('tells where to point a command profile, with no package to install', () => {
    const aider = profileOf({ name: 'aider', command: 'aider', args: ['{prompt}'] });
    expect(missingAgentError(aider, 'EACCES')).toEqual({
      name: 'AgentError',
      code: 'agent_not_found',
      message: 'cannot start aider: aider is not on PATH or not executable (EACCES): set agents.aider.command to its path',
    });
  });
});
