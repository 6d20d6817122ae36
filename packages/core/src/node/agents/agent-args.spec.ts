import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import type { ProcessSpec } from '../process/process-types.js';
import { STDIN_PROMPT_BYTES, buildProcessSpec, describeProcessSpec, promptGoesOnStdin, resumedSessionOf } from './agent-args.js';
import type { AgentInvocation } from './agent-args.js';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';

function profileOf(input: AgentProfileInput | string): AgentProfile {
  const name = typeof input === 'string' ? input : input.name;
  return resolveProfiles(typeof input === 'string' ? [] : [input]).get(name) as AgentProfile;
}

const where = { root: '/repo', env: { PATH: '/usr/bin' } };
const argsOf = (profile: AgentProfileInput | string, call: Partial<AgentInvocation> = {}): readonly string[] =>
  buildProcessSpec(profileOf(profile), { ...where, prompt: 'Fix the build', ...call }).args;

const longPrompt = 'y'.repeat(STDIN_PROMPT_BYTES + 1);

describe('promptGoesOnStdin', () => {
  it.each([
    ['a short prompt', false, 'Fix the build'],
    ['a prompt of exactly the limit', false, 'x'.repeat(STDIN_PROMPT_BYTES)],
    ['a prompt over the limit', true, longPrompt],
    ['a prompt over the limit in UTF-8 bytes only', true, 'é'.repeat(STDIN_PROMPT_BYTES / 2 + 1)],
    ['a prompt with a NUL', true, 'a\0b'],
    ['a prompt that reads as an option', true, '--help me'],
  ])('auto: %s goes on stdin: %s', (_case, onStdin, prompt) => {
    expect(promptGoesOnStdin(profileOf('claude'), prompt)).toBe(onStdin);
  });

  it('follows an explicit choice whatever the prompt', () => {
    expect(promptGoesOnStdin(profileOf({ name: 'llm', command: 'llm', args: [], promptVia: 'stdin' }), 'short')).toBe(true);
    expect(promptGoesOnStdin(profileOf('shell'), longPrompt)).toBe(false);
    expect(promptGoesOnStdin(profileOf('shell'), '-x')).toBe(false);
  });
});

describe('buildProcessSpec', () => {
  it('runs the built-in claude in print mode with its stream-json answer, turn limit and permission mode', () => {
    const prompt = `it's "quoted" $(rm -rf /) \`id\`; echo done\nsecond line`;
    expect(buildProcessSpec(profileOf('claude'), { ...where, prompt })).toEqual({
      command: 'claude',
      args: ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--max-turns', '50', '--permission-mode', 'acceptEdits'],
      cwd: '/repo',
      env: { PATH: '/usr/bin' },
    });
  });

  it('passes every claude setting as its flag, the tool lists last', () => {
    const claude: AgentProfileInput = {
      name: 'claude',
      command: '/opt/claude',
      maxTurns: 9,
      model: 'sonnet',
      permissionMode: 'plan',
      appendSystemPrompt: 'Be brief.',
      maxBudgetUsd: 0.5,
      outputFormat: 'stream-json',
      extraArgs: ['--debug'],
      allowedTools: ['Read', 'Edit'],
      disallowedTools: ['Bash'],
    };
    expect(argsOf(claude)).toEqual([
      '-p',
      'Fix the build',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '9',
      '--permission-mode',
      'plan',
      '--model',
      'sonnet',
      '--append-system-prompt',
      'Be brief.',
      '--max-budget-usd',
      '0.5',
      '--debug',
      '--allowedTools',
      'Read',
      'Edit',
      '--disallowedTools',
      'Bash',
    ]);
  });

  it("lets the phase's turn limit, model and tools win over the claude profile's", () => {
    const claude: AgentProfileInput = { name: 'claude', maxTurns: 9, model: 'sonnet', allowedTools: ['Read'] };
    expect(argsOf(claude, { maxTurns: 3, model: 'opus', allowedTools: ['Write'] })).toEqual([
      '-p',
      'Fix the build',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '3',
      '--permission-mode',
      'acceptEdits',
      '--model',
      'opus',
      '--allowedTools',
      'Write',
    ]);
  });

  it('resumes a claude session with --resume after the output format, and reports which session it resumes', () => {
    const call = { resumeSession: '4f1c2b9e-0d6a-4c55-9a8e-3f1d2c7b6a50' };
    expect(argsOf('claude', call)).toEqual([
      ...['-p', 'Fix the build', '--output-format', 'stream-json', '--verbose', '--resume', '4f1c2b9e-0d6a-4c55-9a8e-3f1d2c7b6a50'],
      ...['--max-turns', '50', '--permission-mode', 'acceptEdits'],
    ]);
    expect(argsOf('claude', { ...call, prompt: longPrompt })).toEqual([
      ...['-p', '--output-format', 'stream-json', '--verbose', '--resume', '4f1c2b9e-0d6a-4c55-9a8e-3f1d2c7b6a50'],
      ...['--max-turns', '50', '--permission-mode', 'acceptEdits'],
    ]);
    expect(resumedSessionOf(profileOf('claude'), call)).toBe('4f1c2b9e-0d6a-4c55-9a8e-3f1d2c7b6a50');
    expect(resumedSessionOf(profileOf('claude'), {})).toBeUndefined();
  });

  it('starts codex, gemini and command profiles fresh: no session flag, no session resumed', () => {
    const call = { resumeSession: 'thread-1' };
    expect(argsOf('codex', call)).toEqual(argsOf('codex'));
    expect(argsOf('gemini', call)).toEqual(argsOf('gemini'));
    expect(argsOf('shell', call)).toEqual(argsOf('shell'));
    for (const name of ['codex', 'gemini', 'shell']) expect(resumedSessionOf(profileOf(name), call)).toBeUndefined();
  });

  it('passes no tool flag when the phase lists no tools, even if the profile does', () => {
    expect(argsOf({ name: 'claude', allowedTools: ['Read'] }, { allowedTools: [] })).not.toContain('--allowedTools');
  });

  it('runs claude with a fifty-turn limit when a claude profile built by hand sets none', () => {
    const { maxTurns: _unset, ...bare } = profileOf('claude');
    const args = buildProcessSpec(bare, { ...where, prompt: 'go' }).args;
    expect(args.slice(args.indexOf('--max-turns'), args.indexOf('--max-turns') + 2)).toEqual(['--max-turns', '50']);
  });

  it('asks claude and gemini for their JSON answer when a profile built by hand names no output format', () => {
    const { outputFormat: _claude, ...claude } = profileOf('claude');
    const { outputFormat: _gemini, ...gemini } = profileOf('gemini');
    expect(buildProcessSpec(claude, { ...where, prompt: 'go' }).args.slice(0, 4)).toEqual(['-p', 'go', '--output-format', 'json']);
    expect(buildProcessSpec(gemini, { ...where, prompt: 'go' }).args.slice(0, 4)).toEqual(['-p', 'go', '-o', 'json']);
  });

  it('hands claude a long prompt on stdin and leaves it out of the arguments', () => {
    const spec = buildProcessSpec(profileOf('claude'), { ...where, prompt: longPrompt, maxTurns: 3 });
    expect(spec.args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '3', '--permission-mode', 'acceptEdits']);
    expect(spec.stdin).toBe(longPrompt);
  });

  it('runs the built-in codex with exec --json in its sandbox, the prompt last', () => {
    expect(buildProcessSpec(profileOf('codex'), { ...where, prompt: 'Fix the build' })).toEqual({
      command: 'codex',
      args: ['exec', '--json', '-s', 'workspace-write', 'Fix the build'],
      cwd: '/repo',
      env: { PATH: '/usr/bin' },
    });
  });

  it('passes every codex setting as its flag, the extra arguments before the prompt', () => {
    const codex: AgentProfileInput = { name: 'codex', permissionMode: 'read-only', skipGitRepoCheck: true, model: 'o3', extraArgs: ['--oss'] };
    expect(argsOf(codex)).toEqual(['exec', '--json', '-s', 'read-only', '--skip-git-repo-check', '-m', 'o3', '--oss', 'Fix the build']);
    expect(argsOf(codex, { model: 'gpt-5' })).toContain('gpt-5');
  });

  it('tells codex to read a prompt from stdin with "-"', () => {
    const spec = buildProcessSpec(profileOf('codex'), { ...where, prompt: '-x' });
    expect(spec.args).toEqual(['exec', '--json', '-s', 'workspace-write', '-']);
    expect(spec.stdin).toBe('-x');
  });

  it('runs the built-in gemini with -p, its JSON answer, its approval mode and a trusted workspace', () => {
    expect(argsOf('gemini')).toEqual(['-p', 'Fix the build', '-o', 'json', '--approval-mode', 'auto_edit', '--skip-trust']);
  });

  it('passes every gemini setting as its flag, the tool list last', () => {
    const gemini: AgentProfileInput = { name: 'gemini', permissionMode: 'yolo', trustWorkspace: false, model: 'gemini-2.5-pro', outputFormat: 'stream-json', extraArgs: ['--debug'], allowedTools: ['ReadFile'] };
    expect(argsOf(gemini)).toEqual(['-p', 'Fix the build', '-o', 'stream-json', '--approval-mode', 'yolo', '-m', 'gemini-2.5-pro', '--debug', '--allowed-tools', 'ReadFile']);
    expect(argsOf(gemini, { model: 'gemini-2.5-flash', allowedTools: ['Shell'] })).toEqual([
      '-p',
      'Fix the build',
      '-o',
      'stream-json',
      '--approval-mode',
      'yolo',
      '-m',
      'gemini-2.5-flash',
      '--debug',
      '--allowed-tools',
      'Shell',
    ]);
  });

  it('gives gemini one --allowed-tools flag per tool, since it takes one value per flag', () => {
    expect(argsOf('gemini', { allowedTools: ['read_file', 'glob'] }).slice(-4)).toEqual(['--allowed-tools', 'read_file', '--allowed-tools', 'glob']);
  });

  it('hands gemini a prompt on stdin by leaving out -p', () => {
    const spec = buildProcessSpec(profileOf('gemini'), { ...where, prompt: longPrompt });
    expect(spec.args).toEqual(['-o', 'json', '--approval-mode', 'auto_edit', '--skip-trust']);
    expect(spec.stdin).toBe(longPrompt);
  });

  it('fills a command template into an argument vector, the extra arguments last', () => {
    const aider: AgentProfileInput = { name: 'aider', command: 'aider', args: ['--message', '{prompt}', '--turns', '{maxTurns}'], maxTurns: 4, extraArgs: ['--yes'] };
    expect(buildProcessSpec(profileOf(aider), { ...where, prompt: 'a; rm -rf /' })).toEqual({
      command: 'aider',
      args: ['--message', 'a; rm -rf /', '--turns', '4', '--yes'],
      cwd: '/repo',
      env: { PATH: '/usr/bin' },
    });
    expect(argsOf(aider, { maxTurns: 7 })).toEqual(['--message', 'Fix the build', '--turns', '7', '--yes']);
  });

  it('drops {prompt} from a command template when the prompt goes on stdin', () => {
    const spec = buildProcessSpec(profileOf({ name: 'aider', command: 'aider', args: ['--message', '{prompt}', '--yes'] }), { ...where, prompt: longPrompt });
    expect(spec.args).toEqual(['--message', '--yes']);
    expect(spec.stdin).toBe(longPrompt);
  });

  it('uses the stdin template of a command profile when the prompt goes on stdin', () => {
    const llm: AgentProfileInput = { name: 'llm', command: 'llm', args: ['{prompt}'], stdinArgs: ['--stdin', '--turns', '{maxTurns}'], maxTurns: 2 };
    expect(buildProcessSpec(profileOf(llm), { ...where, prompt: '-x' })).toMatchObject({ args: ['--stdin', '--turns', '2'], stdin: '-x' });
    expect(argsOf(llm)).toEqual(['Fix the build']);
  });

  it('passes a run line to the shell as one argument', () => {
    expect(buildProcessSpec(profileOf('shell'), { ...where, prompt: 'npm test && echo ok' })).toEqual({
      command: '/bin/sh',
      args: ['-c', 'npm test && echo ok'],
      cwd: '/repo',
      env: { PATH: '/usr/bin' },
    });
  });

  it('hands a prompt with a NUL over on stdin under promptVia auto', () => {
    expect(buildProcessSpec(profileOf('claude'), { ...where, prompt: 'a\0b' }).stdin).toBe('a\0b');
  });

  it.each<[string, AgentProfileInput | string]>([
    ['shell', 'shell'],
    ['claude', { name: 'claude', promptVia: 'argument' }],
  ])('refuses a NUL in a prompt that %s must pass as an argument', (name, profile) => {
    let caught: unknown;
    try {
      buildProcessSpec(profileOf(profile), { ...where, prompt: 'a\0b' });
    } catch (error) {
      caught = error;
    }
    expect(isCoreError(caught) && { code: caught.code, message: caught.message, context: caught.context }).toEqual({
      code: 'invalid_config',
      message: `agent profile "${name}" passes the prompt as an argument, which cannot contain a NUL character`,
      context: { profile: name },
    });
  });
});

describe('describeProcessSpec', () => {
  const spec = (args: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec => ({ command: 'claude', args, cwd: '/', env: {}, ...extra });

  it('quotes arguments a shell would split and elides long ones and stdin', () => {
    expect(describeProcessSpec(spec(['-p', 'Fix it', 'a'.repeat(81), 'x\ny', '--max-turns', '5'], { stdin: 'abc' }))).toBe(
      'claude -p "Fix it" <81 chars> <3 chars> --max-turns 5 < <prompt: 3 chars>',
    );
  });

  it('shows the prompt by its size when it is given', () => {
    expect(describeProcessSpec(spec(['-p', 'Fix it', '--model', 'opus']), 'Fix it')).toBe('claude -p <prompt: 6 chars> --model opus');
  });

  it('quotes a command with a space, an empty argument and one with quotes', () => {
    expect(describeProcessSpec(spec(['', 'say "hi"'], { command: '/opt/my agent/bin/claude' }))).toBe('"/opt/my agent/bin/claude" "" "say \\"hi\\""');
  });

  it('keeps an argument of exactly 80 characters', () => {
    expect(describeProcessSpec(spec(['a'.repeat(80)]))).toBe(`claude ${'a'.repeat(80)}`);
  });

  it('describes what buildProcessSpec builds in one line', () => {
    const built = buildProcessSpec(profileOf('codex'), { ...where, prompt: 'Fix the build\nand the tests' });
    expect(describeProcessSpec(built, 'Fix the build\nand the tests')).toBe('codex exec --json -s workspace-write <prompt: 27 chars>');
  });
});
