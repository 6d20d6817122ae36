import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import type { CoreError } from '../../core-error.js';
import { AGENT_KINDS, BUILTIN_PROFILES, PERMISSION_MODES, agentProfileSchema, kindTakes, resolveProfiles } from './agent-profile.js';
import type { AgentKind, AgentProfile, AgentProfileInput } from './agent-profile.js';

const builtins = resolveProfiles();
const builtin = (name: string): AgentProfile => builtins.get(name) as AgentProfile;

function resolved(input: AgentProfileInput, ...before: AgentProfileInput[]): AgentProfile {
  return resolveProfiles([...before, input]).get(input.name) as AgentProfile;
}

function refusal(run: () => unknown): CoreError {
  try {
    run();
  } catch (error) {
    if (isCoreError(error)) return error;
    throw error;
  }
  throw new Error('expected a CoreError');
}

const refused = (input: unknown): CoreError => refusal(() => resolveProfiles([input as AgentProfileInput]));

/** The choices a CLI lists when it refuses a mode, as captured from the CLI itself. */
const CLAUDE_MODE_ERROR =
  "error: option '--permission-mode <mode>' argument 'bogus' is invalid. Allowed choices are acceptEdits, auto, bypassPermissions, default, dontAsk, plan.";

/** What each kind's refusal lists as the settings it takes. */
const TAKES: Readonly<Record<AgentKind, string>> = {
  claude: 'command, promptVia, maxTurns, model, permissionMode, allowedTools, disallowedTools, appendSystemPrompt, maxBudgetUsd, outputFormat, extraArgs, outputRules',
  codex: 'command, promptVia, model, permissionMode, skipGitRepoCheck, extraArgs, outputRules',
  gemini: 'command, promptVia, model, permissionMode, allowedTools, outputFormat, trustWorkspace, extraArgs, outputRules',
  command: 'command, args, promptVia, stdinArgs, result, maxTurns, extraArgs, outputRules',
};

describe('resolveProfiles', () => {
  it('provides the built-in claude, codex, gemini and shell profiles with every setting of their kind', () => {
    expect([...builtins.keys()]).toEqual(['claude', 'codex', 'gemini', 'shell']);
    expect(BUILTIN_PROFILES.map((profile) => profile.name)).toEqual(['claude', 'codex', 'gemini', 'shell']);
    const empty = { args: [], extraArgs: [], outputRules: [], promptVia: 'auto' };
    expect(builtin('claude')).toEqual({
      ...empty,
      name: 'claude',
      kind: 'claude',
      command: 'claude',
      result: 'claude-json',
      maxTurns: 50,
      permissionMode: 'acceptEdits',
      outputFormat: 'stream-json',
    });
    expect(builtin('codex')).toEqual({ ...empty, name: 'codex', kind: 'codex', command: 'codex', result: 'exit-code', permissionMode: 'workspace-write', skipGitRepoCheck: false });
    expect(builtin('gemini')).toEqual({
      ...empty,
      name: 'gemini',
      kind: 'gemini',
      command: 'gemini',
      result: 'exit-code',
      permissionMode: 'auto_edit',
      outputFormat: 'json',
      trustWorkspace: true,
    });
    expect(builtin('shell')).toEqual({ ...empty, name: 'shell', kind: 'command', command: '/bin/sh', args: ['-c', '{prompt}'], promptVia: 'argument', result: 'exit-code' });
  });

  it('hands out frozen profiles, their lists frozen too', () => {
    for (const profile of [...builtins.values(), resolved({ name: 'aider', command: 'aider', args: ['{prompt}'], extraArgs: ['--yes'] })]) {
      expect(Object.isFrozen(profile)).toBe(true);
      expect(Object.isFrozen(profile.args)).toBe(true);
      expect(Object.isFrozen(profile.extraArgs)).toBe(true);
    }
  });

  it('keeps a profile apart from the input it was resolved from', () => {
    const extraArgs = ['--verbose'];
    const profile = resolved({ name: 'claude', extraArgs });
    extraArgs.push('--debug');
    expect(profile.extraArgs).toEqual(['--verbose']);
  });

  it('overrides settings of a built-in of the same name and keeps the others', () => {
    const profiles = resolveProfiles([{ name: 'claude', model: 'opus', maxTurns: 10, command: '/opt/claude/bin/claude' }]);
    expect(profiles.get('claude')).toEqual({ ...builtin('claude'), model: 'opus', maxTurns: 10, command: '/opt/claude/bin/claude' });
    expect(profiles.get('codex')).toBe(builtin('codex'));
    expect([...profiles.keys()]).toEqual(['claude', 'codex', 'gemini', 'shell']);
  });

  it('adds a profile that extends another, leaving the one it extends as it was', () => {
    const profiles = resolveProfiles([{ name: 'opus', extends: 'claude', model: 'opus' }]);
    expect(profiles.get('opus')).toEqual({ ...builtin('claude'), name: 'opus', model: 'opus' });
    expect(profiles.get('claude')).toBe(builtin('claude'));
    expect([...profiles.keys()]).toEqual(['claude', 'codex', 'gemini', 'shell', 'opus']);
  });

  it('lets a profile extend one defined earlier in the list, overrides included', () => {
    const profile = resolved({ name: 'careful', extends: 'opus', permissionMode: 'plan' }, { name: 'claude', maxTurns: 5 }, { name: 'opus', extends: 'claude', model: 'opus' });
    expect(profile).toMatchObject({ name: 'careful', kind: 'claude', model: 'opus', maxTurns: 5, permissionMode: 'plan' });
  });

  it('refuses to extend a profile defined later in the list, naming the ones it could extend', () => {
    const error = refusal(() =>
      resolveProfiles([
        { name: 'careful', extends: 'opus' },
        { name: 'opus', extends: 'claude' },
      ]),
    );
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe('invalid agent profile: profiles[0] ("careful").extends: no profile "opus" to extend (known: claude, codex, gemini, shell)');
    expect(error.context).toEqual({ index: 0, profile: 'careful', field: 'extends', problem: 'no profile "opus" to extend (known: claude, codex, gemini, shell)' });
  });

  it('refuses a new profile that neither extends one nor has a command template, saying what it needs', () => {
    const error = refused({ name: 'aider', model: 'gpt' });
    expect(error.message).toBe(
      'invalid agent profile: profiles[0] ("aider"): a new profile needs "extends" (one of: claude, codex, gemini, shell) or "command" and "args"',
    );
    expect(error.context).toEqual({ index: 0, profile: 'aider', problem: 'a new profile needs "extends" (one of: claude, codex, gemini, shell) or "command" and "args"' });
  });

  it('makes a profile with its own command template a command profile', () => {
    expect(resolved({ name: 'aider', command: 'aider', args: ['--message', '{prompt}'] })).toEqual({
      name: 'aider',
      kind: 'command',
      command: 'aider',
      args: ['--message', '{prompt}'],
      promptVia: 'auto',
      result: 'exit-code',
      extraArgs: [],
      outputRules: [],
    });
  });

  it('replaces a built-in with a command profile of the same name, keeping none of its settings', () => {
    const profile = resolved({ name: 'claude', command: '/opt/claude', args: ['-p', '{prompt}'], result: 'claude-json' });
    expect(profile).toEqual({
      name: 'claude',
      kind: 'command',
      command: '/opt/claude',
      args: ['-p', '{prompt}'],
      promptVia: 'auto',
      result: 'claude-json',
      extraArgs: [],
      outputRules: [],
    });
  });

  it('lets a profile extend a command profile and change its settings', () => {
    expect(resolved({ name: 'bash', extends: 'shell', command: '/bin/bash' })).toEqual({ ...builtin('shell'), name: 'bash', command: '/bin/bash' });
  });

  it.each<[string, unknown, string, string | undefined]>([
    ['args together with extends', { name: 'x', extends: 'claude', command: 'x', args: ['{prompt}'] }, 'extends: a profile with its own args is a command profile and extends nothing', 'extends'],
    ['args without a command', { name: 'x', args: ['{prompt}'] }, 'command: is required with args', 'command'],
    ['a placeholder inside an argument', { name: 'x', command: 'x', args: ['--prompt={prompt}'] }, 'args.0: a placeholder ({prompt}, {maxTurns}) must be a whole argument', 'args.0'],
    ['a template without {prompt} for a prompt passed as an argument', { name: 'x', command: 'x', args: ['run'] }, 'args: must contain "{prompt}" unless promptVia is "stdin"', 'args'],
    ['{prompt} among the stdin arguments', { name: 'x', command: 'x', args: ['{prompt}'], stdinArgs: ['{prompt}'] }, 'stdinArgs: cannot contain "{prompt}": the prompt goes on stdin', 'stdinArgs'],
    ['{maxTurns} without a turn limit', { name: 'x', command: 'x', args: ['{prompt}', '{maxTurns}'] }, 'maxTurns: is required when an argument is "{maxTurns}"', 'maxTurns'],
    ['{maxTurns} among the stdin arguments without a turn limit', { name: 'x', command: 'x', args: [], promptVia: 'stdin', stdinArgs: ['{maxTurns}'] }, 'maxTurns: is required', 'maxTurns'],
    ['a name with a slash', { name: '../x', command: 'x', args: ['{prompt}'] }, 'name: letters, digits, ".", "_" and "-", starting with a letter or digit', 'name'],
    ['an unknown result rule', { name: 'x', command: 'x', args: ['{prompt}'], result: 'xml' }, 'result: ', 'result'],
    ['a turn limit of zero', { name: 'claude', maxTurns: 0 }, 'maxTurns: ', 'maxTurns'],
    ['an output rule that is not a regular expression', { name: 'codex', outputRules: [{ match: '(', outcome: 'fatal' }] }, 'outputRules.0.match: not a valid regular expression', 'outputRules.0.match'],
    ['an output rule with an unknown outcome', { name: 'codex', outputRules: [{ match: 'x', outcome: 'retry' }] }, 'outputRules.0.outcome: ', 'outputRules.0.outcome'],
    ['an unknown setting', { name: 'x', command: 'x', args: ['{prompt}'], shell: true }, 'Unrecognized key', undefined],
  ])('refuses %s, naming the profile and the field', (_case, input, problem, field) => {
    const error = refused(input);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(`invalid agent profile: profiles[0] ("${(input as { name: string }).name}")`);
    expect(error.message).toContain(problem);
    expect(error.context['field']).toBe(field);
    expect(error.context['profile']).toBe((input as { name: string }).name);
  });

  it('keeps the schema issues as context and cause of a malformed profile', () => {
    const error = refused({ name: 'x', command: 'x', args: [1] });
    expect(error.context['issues']).toEqual([expect.objectContaining({ path: ['args', 0] })]);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('names an entry by its index when it has no name', () => {
    const error = refused(null);
    expect(error.message).toMatch(/^invalid agent profile: profiles\[0\]: /);
    expect(error.context).toMatchObject({ index: 0 });
    expect(error.context['profile']).toBeUndefined();
  });

  it('refuses a profile defined twice, naming its second entry', () => {
    const twice = { name: 'opus', extends: 'claude' };
    const error = refusal(() => resolveProfiles([twice, { name: 'codex', model: 'o3' }, twice]));
    expect(error.message).toBe('invalid agent profile: profiles[2] ("opus").name: "opus" is defined twice');
    expect(error.context).toEqual({ index: 2, profile: 'opus', field: 'name', problem: '"opus" is defined twice' });
  });

  it.each<[AgentKind, string, AgentProfileInput]>([
    ['claude', 'skipGitRepoCheck', { name: 'claude', skipGitRepoCheck: true }],
    ['claude', 'trustWorkspace', { name: 'opus', extends: 'claude', trustWorkspace: true }],
    ['claude', 'stdinArgs', { name: 'claude', stdinArgs: [] }],
    ['codex', 'allowedTools', { name: 'codex', allowedTools: ['Read'] }],
    ['codex', 'maxTurns', { name: 'codex', maxTurns: 5 }],
    ['codex', 'outputFormat', { name: 'codex', outputFormat: 'json' }],
    ['gemini', 'maxBudgetUsd', { name: 'gemini', maxBudgetUsd: 1 }],
    ['gemini', 'disallowedTools', { name: 'gemini', disallowedTools: ['Bash'] }],
    ['gemini', 'result', { name: 'gemini', result: 'claude-json' }],
    ['command', 'model', { name: 'aider', command: 'aider', args: ['{prompt}'], model: 'gpt' }],
    ['command', 'permissionMode', { name: 'shell', permissionMode: 'plan' }],
    ['command', 'appendSystemPrompt', { name: 'bash', extends: 'shell', appendSystemPrompt: 'be brief' }],
  ])('refuses a setting a %s profile does not take (%s) and lists the ones it does', (kind, setting, input) => {
    const error = refused(input);
    expect(error.message).toBe(`invalid agent profile: profiles[0] ("${input.name}").${setting}: a ${kind} profile has no such setting (it takes: ${TAKES[kind]})`);
    expect(error.context['field']).toBe(setting);
  });

  it.each(
    (Object.entries(PERMISSION_MODES) as [Exclude<AgentKind, 'command'>, readonly string[]][]).flatMap(([kind, modes]) => modes.map((mode) => [kind, mode] as const)),
  )('accepts the %s permission mode %s', (kind, mode) => {
    expect(resolved({ name: kind, permissionMode: mode }).permissionMode).toBe(mode);
  });

  it.each<[Exclude<AgentKind, 'command'>, string]>([
    ['claude', 'workspace-write'],
    ['codex', 'acceptEdits'],
    ['gemini', 'bogus'],
  ])('refuses a permission mode the %s CLI does not know (%s), listing the ones it does', (kind, mode) => {
    const error = refused({ name: kind, permissionMode: mode });
    expect(error.message).toBe(
      `invalid agent profile: profiles[0] ("${kind}").permissionMode: "${mode}" is not a ${kind} permission mode (one of: ${PERMISSION_MODES[kind].join(', ')})`,
    );
    expect(error.context['field']).toBe('permissionMode');
  });

  it('checks a permission mode of a profile that extends another against the kind it extends', () => {
    expect(refused({ name: 'fast', extends: 'codex', permissionMode: 'plan' }).message).toContain('"plan" is not a codex permission mode');
  });

  it('knows the same claude permission modes as the claude CLI', () => {
    const choices = /Allowed choices are (.*)\.$/.exec(CLAUDE_MODE_ERROR)?.[1]?.split(', ');
    expect([...PERMISSION_MODES.claude].sort()).toEqual(choices);
  });

  it('accepts a stdin-only command profile without {prompt}, with its own stdin template', () => {
    const profile = resolved({ name: 'llm', command: 'llm', args: [], promptVia: 'stdin', stdinArgs: ['-m', '{maxTurns}'], maxTurns: 3 });
    expect(profile).toMatchObject({ kind: 'command', promptVia: 'stdin', stdinArgs: ['-m', '{maxTurns}'], maxTurns: 3 });
  });

  it('keeps the output rules of a profile, each watching both streams unless it names one', () => {
    const profile = resolved({ name: 'codex', outputRules: [{ match: '^quota', outcome: 'fatal', message: 'buy more' }, { match: 'busy', outcome: 'transient', stream: 'stderr' }] });
    expect(profile.outputRules).toEqual([
      { match: '^quota', outcome: 'fatal', stream: 'both', message: 'buy more' },
      { match: 'busy', outcome: 'transient', stream: 'stderr' },
    ]);
  });
});

describe('agentProfileSchema', () => {
  it('parses a profile as written without filling in the settings it inherits', () => {
    expect(agentProfileSchema.parse({ name: 'opus', extends: 'claude', model: 'opus' })).toEqual({ name: 'opus', extends: 'claude', model: 'opus' });
  });
});

describe('kindTakes', () => {
  it.each<[AgentKind, Parameters<typeof kindTakes>[1], boolean]>([
    ['claude', 'model', true],
    ['claude', 'disallowedTools', true],
    ['claude', 'args', false],
    ['codex', 'model', true],
    ['codex', 'skipGitRepoCheck', true],
    ['codex', 'allowedTools', false],
    ['gemini', 'allowedTools', true],
    ['gemini', 'maxTurns', false],
    ['command', 'maxTurns', true],
    ['command', 'model', false],
  ])('says whether a %s profile takes %s: %s', (kind, setting, takes) => {
    expect(kindTakes(kind, setting)).toBe(takes);
  });

  it('lets every kind take a command, extra arguments and output rules', () => {
    for (const kind of AGENT_KINDS) {
      expect([kindTakes(kind, 'command'), kindTakes(kind, 'extraArgs'), kindTakes(kind, 'outputRules')]).toEqual([true, true, true]);
    }
  });
});
