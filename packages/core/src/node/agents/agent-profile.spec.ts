import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import {
  BUILTIN_PROFILES,
  STDIN_PROMPT_BYTES,
  agentProfileSchema,
  buildProcessSpec,
  describeProcessSpec,
  promptGoesOnStdin,
  resolveProfiles,
} from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';

const profiles = resolveProfiles();
const profile = (name: string): AgentProfile => profiles.get(name) as AgentProfile;
const invocation = { root: '/repo', env: { PATH: '/usr/bin' } };

function configError(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isCoreError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a CoreError');
}

describe('agentProfileSchema', () => {
  it.each<[string, AgentProfileInput, string]>([
    ['a placeholder inside an argument', { name: 'x', command: 'x', args: ['--prompt={prompt}'] }, 'args.0: a placeholder'],
    ['no {prompt} for an argument prompt', { name: 'x', command: 'x', args: ['run'] }, 'args: must contain "{prompt}"'],
    ['{prompt} among the stdin arguments', { name: 'x', command: 'x', args: ['{prompt}'], stdinArgs: ['{prompt}'] }, 'stdinArgs: cannot contain'],
    ['{maxTurns} without a default', { name: 'x', command: 'x', args: ['{prompt}', '{maxTurns}'] }, 'defaultMaxTurns: is required'],
    ['a name with a slash', { name: '../x', command: 'x', args: ['{prompt}'] }, 'name: letters, digits'],
    ['an unknown result rule', { name: 'x', command: 'x', args: ['{prompt}'], result: 'xml' as 'exit-code' }, 'result:'],
    ['an unknown field', { name: 'x', command: 'x', args: ['{prompt}'], shell: true } as AgentProfileInput, 'Unrecognized key'],
  ])('rejects %s', (_case, input, problem) => {
    const { code, message } = configError(() => resolveProfiles([input]));
    expect(code).toBe('invalid_config');
    expect(message).toContain(`profiles[0] ("${input.name}")`);
    expect(message).toContain(problem);
  });

  it('fills in promptVia auto and the exit-code result rule', () => {
    const parsed = agentProfileSchema.parse({ name: 'aider', command: 'aider', args: ['--message', '{prompt}'] });
    expect(parsed).toEqual({ name: 'aider', command: 'aider', args: ['--message', '{prompt}'], promptVia: 'auto', result: 'exit-code' });
  });

  it('accepts a stdin-only profile without {prompt}', () => {
    expect(agentProfileSchema.safeParse({ name: 'llm', command: 'llm', args: [], promptVia: 'stdin' }).success).toBe(true);
  });
});

describe('resolveProfiles', () => {
  it('provides the built-in claude, codex, gemini and shell profiles as frozen data', () => {
    expect([...profiles.keys()]).toEqual(['claude', 'codex', 'gemini', 'shell']);
    expect(profile('claude')).toEqual({
      name: 'claude',
      command: 'claude',
      args: ['-p', '{prompt}', '--output-format', 'json', '--max-turns', '{maxTurns}'],
      promptVia: 'auto',
      result: 'claude-json',
      defaultMaxTurns: 50,
    });
    expect(profile('shell')).toMatchObject({ command: '/bin/sh', args: ['-c', '{prompt}'], promptVia: 'argument', result: 'exit-code' });
    expect(Object.isFrozen(profile('claude'))).toBe(true);
    expect(Object.isFrozen(profile('codex').stdinArgs)).toBe(true);
    expect(BUILTIN_PROFILES).toHaveLength(4);
  });

  it('adds user profiles and lets one replace a built-in', () => {
    const merged = resolveProfiles([
      { name: 'claude', command: '/opt/claude/bin/claude', args: ['-p', '{prompt}'], result: 'claude-json' },
      { name: 'aider', command: 'aider', args: ['--message', '{prompt}'] },
    ]);
    expect(merged.get('claude')?.command).toBe('/opt/claude/bin/claude');
    expect(merged.get('aider')?.promptVia).toBe('auto');
    expect(merged.get('codex')).toBe(profile('codex'));
  });

  it('rejects a profile defined twice, naming it', () => {
    const twice = { name: 'aider', command: 'aider', args: ['{prompt}'] };
    expect(configError(() => resolveProfiles([twice, twice])).message).toContain('profiles[1].name: "aider" is defined twice');
  });

  it('names the entry by index when it has no name', () => {
    expect(configError(() => resolveProfiles([null as unknown as AgentProfileInput])).message).toMatch(/^invalid agent profile: profiles\[0\]: /);
  });
});

describe('promptGoesOnStdin', () => {
  it.each([
    ['a short prompt', false, 'Fix the build'],
    ['a prompt over the limit', true, 'x'.repeat(STDIN_PROMPT_BYTES + 1)],
    ['a prompt over the limit in UTF-8 bytes only', true, 'é'.repeat(STDIN_PROMPT_BYTES / 2 + 1)],
    ['a prompt with a NUL', true, 'a\0b'],
    ['a prompt that reads as an option', true, '--help me'],
  ])('auto: %s goes on stdin: %s', (_case, onStdin, prompt) => {
    expect(promptGoesOnStdin(profile('claude'), prompt)).toBe(onStdin);
  });

  it('follows an explicit choice whatever the prompt', () => {
    const stdin = agentProfileSchema.parse({ name: 'llm', command: 'llm', args: [], promptVia: 'stdin' });
    expect(promptGoesOnStdin(stdin, 'short')).toBe(true);
    expect(promptGoesOnStdin(profile('shell'), 'x'.repeat(STDIN_PROMPT_BYTES + 1))).toBe(false);
  });
});

describe('buildProcessSpec', () => {
  it('fills the template into an argument vector, the prompt untouched', () => {
    const prompt = `it's "quoted" $(rm -rf /) \`id\`; echo done\nsecond line`;
    expect(buildProcessSpec(profile('claude'), { ...invocation, prompt, maxTurns: 7 })).toEqual({
      command: 'claude',
      args: ['-p', prompt, '--output-format', 'json', '--max-turns', '7'],
      cwd: '/repo',
      env: { PATH: '/usr/bin' },
    });
  });

  it("uses the profile's default turn limit when none is given", () => {
    expect(buildProcessSpec(profile('claude'), { ...invocation, prompt: 'go' }).args.at(-1)).toBe('50');
  });

  it('puts a long prompt on stdin and drops the {prompt} argument', () => {
    const prompt = 'y'.repeat(STDIN_PROMPT_BYTES + 1);
    const spec = buildProcessSpec(profile('claude'), { ...invocation, prompt, maxTurns: 3 });
    expect(spec.args).toEqual(['-p', '--output-format', 'json', '--max-turns', '3']);
    expect(spec.stdin).toBe(prompt);
  });

  it('uses stdinArgs instead of the template when the profile has them', () => {
    expect(buildProcessSpec(profile('codex'), { ...invocation, prompt: '-x' })).toMatchObject({ args: ['exec', '-'], stdin: '-x' });
    expect(buildProcessSpec(profile('gemini'), { ...invocation, prompt: '-x' })).toMatchObject({ args: [], stdin: '-x' });
  });

  it('passes a run line to the shell as one argument', () => {
    expect(buildProcessSpec(profile('shell'), { ...invocation, prompt: 'npm test && echo ok' })).toMatchObject({
      command: '/bin/sh',
      args: ['-c', 'npm test && echo ok'],
    });
  });

  it('refuses a NUL in a prompt that must be an argument', () => {
    const { code, message } = configError(() => buildProcessSpec(profile('shell'), { ...invocation, prompt: 'a\0b' }));
    expect(code).toBe('invalid_config');
    expect(message).toContain('"shell" passes the prompt as an argument');
  });
});

describe('describeProcessSpec', () => {
  it('quotes arguments a shell would split and elides long ones and stdin', () => {
    const spec = { command: 'claude', args: ['-p', 'Fix it', 'a'.repeat(81), 'x\ny', '--max-turns', '5'], cwd: '/', env: {}, stdin: 'abc' };
    expect(describeProcessSpec(spec)).toBe('claude -p "Fix it" <81 chars> <3 chars> --max-turns 5 < <prompt: 3 chars>');
  });
});
