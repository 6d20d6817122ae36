import { describe, expect, it } from '@jest/globals';
import { isCoreError } from '../../core-error.js';
import type { CoreError } from '../../core-error.js';
import { formatConfigPath } from './config-issues.js';
import { CONFIG_FILE_NAMES, parseProjectConfig, projectConfigSchema } from './project-config.js';

function configError(data: unknown): CoreError {
  try {
    parseProjectConfig(data);
  } catch (error) {
    if (isCoreError(error)) return error;
    throw error;
  }
  throw new Error('expected a CoreError');
}

describe('parseProjectConfig', () => {
  it('turns every form of duration into milliseconds', () => {
    const forms: [number | string, number][] = [
      [30, 30_000],
      [1.5, 1500],
      ['500ms', 500],
      ['90s', 90_000],
      ['.5s', 500],
      ['30m', 1_800_000],
      ['2h', 7_200_000],
      ['1.5h', 5_400_000],
    ];
    for (const [timeout, ms] of forms) {
      const { run } = parseProjectConfig({ run: { timeout, stallWindow: timeout, breaker: { cooldown: timeout } } });
      expect([run.timeoutMs, run.stallWindowMs, run.breaker?.cooldownMs]).toEqual([ms, ms, ms]);
    }
  });

  it.each<[string, unknown, string]>([
    ['a string without a unit', '30', 'run.timeout: expected a duration: a number of seconds, or a string such as "500ms", "90s", "30m", "1.5h", got "30"'],
    ['an unknown unit', '2d', 'got "2d"'],
    ['a space before the unit', '30 m', 'got "30 m"'],
    ['a negative string', '-1s', 'got "-1s"'],
    ['a boolean', true, 'run.timeout: expected a duration: a number of seconds, or a string such as "500ms", "90s", "30m", "1.5h", got true'],
    ['a list', ['30m'], 'got a list'],
    ['zero seconds', 0, 'run.timeout: expected a duration greater than 0, got 0'],
    ['a negative number', -5, 'run.timeout: expected a duration greater than 0, got -5'],
    ['zero with a unit', '0s', 'run.timeout: expected a duration greater than 0, got "0s"'],
    ['less than a millisecond', '0.1ms', 'expected a duration greater than 0, got "0.1ms"'],
    ['endless', Number.POSITIVE_INFINITY, 'expected a duration: a number of seconds, or a string such as "500ms", "90s", "30m", "1.5h", got Infinity'],
    ['too long to count', `${'9'.repeat(20)}h`, 'run.timeout: expected a shorter duration, got "99999999999999999999h"'],
  ])('rejects a duration that is %s', (_case, timeout, message) => {
    expect(configError({ run: { timeout } }).message).toContain(message);
  });

  it.each<[string, unknown, string]>([
    ['workers below 1', { run: { workers: 0 } }, 'run.workers: expected a whole number of at least 1, got 0'],
    ['a fractional retry count', { run: { retries: 1.5 } }, 'run.retries: expected a whole number of at least 0, got 1.5'],
    ['a breaker threshold as text', { run: { breaker: { threshold: 'five' } } }, 'run.breaker.threshold: expected a whole number of at least 0, got "five"'],
    ['an unknown mode', { run: { mode: 'fast' } }, 'run.mode: expected one of sequential, parallel, interactive, dry-run, dry_run, got "fast"'],
    ['keepGoing as "yes"', { run: { keepGoing: 'yes' } }, 'run.keepGoing: expected true or false, got "yes"'],
    ['report as "always"', { run: { report: 'always' } }, 'run.report: expected true or false, got "always"'],
    ['a run section that is a list', { run: [] }, 'run: expected a mapping, got a list'],
    ['a profile that is a number', { agents: { x: 5 } }, 'agents.x: expected a mapping, got 5'],
    ['a profile name with a slash', { agents: { 'a/b': { extends: 'claude' } } }, 'agents.a/b: expected a profile name (letters, digits, ".", "_" and "-", starting with a letter or digit), got "a/b"'],
    ['an unknown promptVia', { agents: { claude: { promptVia: 'pipe' } } }, 'agents.claude.promptVia: expected one of argument, stdin, auto, got "pipe"'],
    ['a tool that is not a string', { agents: { claude: { allowedTools: ['Edit', 5] } } }, 'agents.claude.allowedTools[1]: expected a string, got 5'],
    ['an empty model', { agents: { claude: { model: '' } } }, 'agents.claude.model: must not be empty'],
    ['a negative budget', { agents: { claude: { maxBudgetUsd: -1 } } }, 'agents.claude.maxBudgetUsd: expected a number greater than 0, got -1'],
    ['an output rule without a match', { agents: { claude: { outputRules: [{ outcome: 'fatal' }] } } }, 'agents.claude.outputRules[0].match: is required'],
    ['a placeholder inside an argument', { agents: { x: { command: 'x', args: ['--p={prompt}'] } } }, 'agents.x.args[0]: a placeholder ({prompt}, {maxTurns}) must be a whole argument'],
    ['a top level that is a list', ['run'], 'expected a mapping of settings (run, agents, routing), got a list'],
    ['a top level that is text', 'run', 'expected a mapping of settings (run, agents, routing), got "run"'],
  ])('rejects %s, naming the setting', (_case, data, message) => {
    const error = configError(data);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe(message);
  });

  it.each<[string, unknown, readonly (string | number)[], string]>([
    ['a close run setting', { run: { worker: 2 } }, ['run', 'worker'], 'unknown setting (did you mean "workers"?)'],
    ['a snake_case setting', { run: { keep_going: true } }, ['run', 'keep_going'], 'unknown setting (did you mean "keepGoing"?)'],
    ['a swapped pair of letters', { run: { mdoe: 'parallel' } }, ['run', 'mdoe'], 'unknown setting (did you mean "mode"?)'],
    ['a misspelt breaker setting', { run: { breaker: { cooldownMs: 5 } } }, ['run', 'breaker', 'cooldownMs'], 'unknown setting (did you mean "cooldown"?)'],
    ['a far-off section', { queue: [] }, ['queue'], 'unknown setting (the settings here are: run, agents, routing)'],
    ['a far-off breaker setting', { run: { breaker: { enabled: true } } }, ['run', 'breaker', 'enabled'], 'unknown setting (the settings here are: threshold, cooldown)'],
    ['a profile setting', { agents: { claude: { modle: 'opus' } } }, ['agents', 'claude', 'modle'], 'unknown setting (did you mean "model"?)'],
    ['an output rule setting', { agents: { claude: { outputRules: [{ match: 'x', outcome: 'fatal', streams: 'both' }] } } }, ['agents', 'claude', 'outputRules', 0, 'streams'], 'unknown setting (did you mean "stream"?)'],
    ['a routing rule', { routing: [{ model: 'opus', agnet: 'claude' }] }, ['routing', 0, 'agnet'], 'unknown setting (did you mean "agent"?)'],
    ['a routing condition', { routing: [{ model: 'opus', when: { group: 'api', tag: ['db'] } }] }, ['routing', 0, 'when', 'tag'], 'unknown setting (did you mean "tags"?)'],
  ])('rejects an unknown key in %s, with its path', (_case, data, path, problem) => {
    const error = configError(data);
    expect(error.message).toBe(`${formatConfigPath(path)}: ${problem}`);
    expect(error.context).toEqual({ path });
  });

  it.each<[string, unknown, readonly (string | number)[], string]>([
    ['a setting the kind does not take', { agents: { codex: { allowedTools: ['Edit'] } } }, ['agents', 'codex', 'allowedTools'], 'a codex profile has no such setting'],
    ['a new profile with no base', { agents: { x: { model: 'm' } } }, ['agents', 'x'], 'a new profile needs "extends" (one of: claude, codex, gemini, shell) or "command" and "args"'],
    ['an extends of an unknown profile', { agents: { x: { extends: 'gpt' } } }, ['agents', 'x', 'extends'], 'no profile "gpt" to extend (known: claude, codex, gemini, shell)'],
    ['an extends of a later profile', { agents: { x: { extends: 'y' }, y: { extends: 'claude' } } }, ['agents', 'x', 'extends'], 'no profile "y" to extend'],
    ['a permission mode of another CLI', { agents: { gemini: { permissionMode: 'acceptEdits' } } }, ['agents', 'gemini', 'permissionMode'], '"acceptEdits" is not a gemini permission mode'],
    ['a default agent that is not a profile', { run: { agent: 'gpt' }, agents: { opus: { extends: 'claude' } } }, ['run', 'agent'], 'no agent profile "gpt" (known: claude, codex, gemini, shell, opus)'],
    ['a routing rule whose agent is not a profile', { routing: [{ model: 'o3' }, { when: { effort: 'L' }, agent: 'gpt' }] }, ['routing', 1, 'agent'], 'no agent profile "gpt" (known: claude, codex, gemini, shell)'],
  ])('rejects %s as a problem of its entry', (_case, data, path, problem) => {
    const error = configError(data);
    expect(error.message.startsWith(`${formatConfigPath(path)}: `)).toBe(true);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain('invalid agent profile');
    expect(error.context).toEqual({ path });
  });

  it('keeps the profile error as the cause', () => {
    const error = configError({ agents: { codex: { allowedTools: ['Edit'] } } });
    expect(isCoreError(error.cause) && error.cause.context).toMatchObject({ index: 0, profile: 'codex', field: 'allowedTools' });
  });

  it('reads an empty file, and empty sections, as an empty config', () => {
    const empty = { run: {}, agents: [], routing: [] };
    expect(parseProjectConfig(null)).toEqual(empty);
    expect(parseProjectConfig(undefined)).toEqual(empty);
    expect(parseProjectConfig({ run: null, agents: null, routing: null })).toEqual(empty);
  });

  it('lists the profiles in file order with their names, and accepts a default agent it defines', () => {
    const config = parseProjectConfig({
      run: { agent: 'opus', mode: 'dry-run' },
      agents: { claude: { model: 'sonnet' }, opus: { extends: 'claude', model: 'opus' }, aider: { command: 'aider', args: ['{prompt}'] } },
    });
    expect(config.run).toEqual({ agent: 'opus', mode: 'dry-run' });
    expect(config.agents).toEqual([
      { name: 'claude', model: 'sonnet' },
      { name: 'opus', extends: 'claude', model: 'opus' },
      { name: 'aider', command: 'aider', args: ['{prompt}'] },
    ]);
  });

  it('leaves out settings that are not given, and fills in the output rule defaults', () => {
    const config = parseProjectConfig({ run: { breaker: {} }, agents: { claude: { outputRules: [{ match: 'quota', outcome: 'fatal' }] } } });
    expect(config.run).toEqual({ breaker: {} });
    expect(Object.keys(config.run)).toEqual(['breaker']);
    expect(Object.keys(config.run.breaker ?? { missing: true })).toEqual([]);
    expect(config.agents[0]?.outputRules).toEqual([{ match: 'quota', outcome: 'fatal', stream: 'both' }]);
  });

  it('reads the budget in US dollars and whether retries start a fresh session', () => {
    expect(parseProjectConfig({ run: { maxCost: 12.5, retryFreshSession: true } }).run).toEqual({ maxCostUsd: 12.5, retryFreshSession: true });
    expect(configError({ run: { maxCost: -3 } }).message).toBe('run.maxCost: expected an amount of US dollars greater than 0, got -3');
    expect(configError({ run: { maxCost: '$5' } }).message).toBe('run.maxCost: expected an amount of US dollars greater than 0, got "$5"');
  });

  it('reads how many runs keep all their learning events', () => {
    expect(parseProjectConfig({ run: { events: { keepRuns: 20 } } }).run).toEqual({ events: { keepRuns: 20 } });
    expect(parseProjectConfig({ run: { events: {} } }).run).toEqual({ events: {} });
    expect(configError({ run: { events: { keepRuns: 2.5 } } }).message).toBe('run.events.keepRuns: expected a whole number of at least 1, got 2.5');
    expect(configError({ run: { events: { keepRuns: '50' } } }).message).toBe('run.events.keepRuns: expected a whole number of at least 1, got "50"');
    expect(configError({ run: { events: 50 } }).message).toBe('run.events: expected a mapping, got 50');
  });

  it('reads the routing rules in order: one size or a list, an empty or absent when matching every phase', () => {
    const config = parseProjectConfig({
      agents: { opus: { extends: 'claude', model: 'opus' } },
      routing: [
        { when: { effort: 'XL' }, agent: 'opus' },
        { when: { effort: ['XS', 'S'], title: '^fix', body: 'migration', group: 'db', tags: ['sql', 'schema'] }, agent: 'codex', model: 'o3' },
        { when: {}, model: 'sonnet' },
        { when: null, model: 'haiku' },
        { agent: 'gemini' },
      ],
    });
    expect(config.routing).toEqual([
      { when: { effort: ['XL'] }, agent: 'opus' },
      { when: { effort: ['XS', 'S'], title: '^fix', body: 'migration', group: 'db', tags: ['sql', 'schema'] }, agent: 'codex', model: 'o3' },
      { when: {}, model: 'sonnet' },
      { when: {}, model: 'haiku' },
      { when: {}, agent: 'gemini' },
    ]);
    expect(Object.isFrozen(config.routing[1]?.when.tags)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['a rule that sets neither agent nor model', [{ when: { effort: 'L' } }], 'routing[0]: a rule needs an agent, a model or both'],
    ['an unknown size', [{ when: { effort: 'XXL' }, model: 'm' }], 'routing[0].when.effort: expected a size (XS, S, M, L, XL) or a list of sizes, got "XXL"'],
    ['an empty list of sizes', [{ when: { effort: [] }, model: 'm' }], 'routing[0].when.effort: must list at least one size'],
    ['an empty list of tags', [{ when: { tags: [] }, model: 'm' }], 'routing[0].when.tags: must list at least one tag'],
    ['a tag that is not a string', [{ when: { tags: ['db', 3] }, model: 'm' }], 'routing[0].when.tags[1]: expected a string, got 3'],
    ['a group that is a list', [{ when: { group: ['a'] }, model: 'm' }], 'routing[0].when.group: expected a string, got a list'],
    ['a body pattern that is not a regular expression', [{ model: 'm' }, { when: { body: '[a-' }, model: 'm' }], 'routing[1].when.body: not a valid regular expression (Unterminated character class)'],
    ['an agent name with a space', [{ agent: 'my agent' }], 'routing[0].agent: expected a profile name (letters, digits, ".", "_" and "-", starting with a letter or digit), got "my agent"'],
    ['an empty model', [{ model: '' }], 'routing[0].model: must not be empty'],
    ['rules that are a mapping', { first: { model: 'm' } }, 'routing: expected a list, got a mapping'],
  ])('rejects %s in a routing rule, naming the rule and field', (_case, routing, message) => {
    expect(configError({ routing }).message).toBe(message);
  });

  it('hands out frozen data', () => {
    const config = parseProjectConfig({ run: { breaker: { threshold: 1 } }, agents: { claude: { allowedTools: ['Edit'] } } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.run.breaker)).toBe(true);
    expect(Object.isFrozen(config.agents)).toBe(true);
    expect(Object.isFrozen(config.agents[0]?.allowedTools)).toBe(true);
  });

  it('keeps the zod error as the cause of a schema problem', () => {
    const error = configError({ run: { workers: 0 } });
    expect(error.cause).toBeInstanceOf(Error);
    expect(projectConfigSchema.safeParse({ run: { workers: 0 } }).success).toBe(false);
  });
});

describe('CONFIG_FILE_NAMES', () => {
  it('names the YAML spellings before the JSON one', () => {
    expect(CONFIG_FILE_NAMES).toEqual(['hypervisor.config.yaml', 'hypervisor.config.yml', 'hypervisor.config.json']);
  });
});
