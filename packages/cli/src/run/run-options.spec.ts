import { describe, expect, it } from '@jest/globals';
import { isCliError } from './cli-error.js';
import { parseRunOptions } from './run-options.js';
import type { RawRunOptions } from './run-options.js';
import type { ProjectConfig } from '@kazuba/core/node';

const parse = (raw: RawRunOptions): ReturnType<typeof parseRunOptions> => parseRunOptions('plans/demo', raw, '/home/user/project');

function failure(raw: RawRunOptions): { code: string; message: string } {
  try {
    parse(raw);
  } catch (error) {
    if (isCliError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the options to be rejected');
}

describe('parseRunOptions', () => {
  it('applies the documented defaults and resolves paths against the working directory', () => {
    expect(parse({ history: true })).toEqual({
      planDir: '/home/user/project/plans/demo',
      root: '/home/user/project',
      mode: 'sequential',
      workers: 4,
      agent: 'claude',
      timeoutMs: 600_000,
      retries: 3,
      keepGoing: false,
      force: false,
      selection: { kind: 'all' },
      checkpointFormat: 'toon',
      groupPolicy: 'strict',
      deniedEdits: 'partial',
      retryFreshSession: false,
      isolation: 'auto',
      report: false,
      allowDirty: false,
      profiles: [],
      routing: [],
      sources: Object.fromEntries(
        [
          'maxTurns',
          'maxCost',
          'stallWindow',
          'breaker.threshold',
          'breaker.cooldown',
          'events.keepRuns',
          'mode',
          'workers',
          'agent',
          'timeout',
          'retries',
          'keepGoing',
          'checkpointFormat',
          'groupPolicy',
          'deniedEdits',
          'retryFreshSession',
          'isolation',
          'report',
        ].map((key) => [key, 'default']),
      ),
      eventsFile: '/home/user/project/.hypervisor/learning.jsonl',
      history: true,
      json: false,
      quiet: false,
      verbose: false,
    });
  });

  it('takes the isolation from --isolation over the config file, and --allow-dirty', () => {
    const config: ProjectConfig = { run: { isolation: 'none' }, agents: [], routing: [] };
    expect(parseRunOptions('p', {}, '/repo', config)).toMatchObject({ isolation: 'none', allowDirty: false, sources: { isolation: 'config' } });
    expect(parseRunOptions('p', { isolation: 'worktree', allowDirty: true }, '/repo', config)).toMatchObject({ isolation: 'worktree', allowDirty: true, sources: { isolation: 'flag' } });
    expect(failure({ isolation: 'docker' })).toEqual({ code: 'invalid_option', message: '--isolation: expected one of auto, worktree, none, got "docker"' });
  });

  it('takes each run setting from its flag, else the config file, else the default, and says where from', () => {
    const config: ProjectConfig = {
      run: { mode: 'parallel', workers: 6, timeoutMs: 90_000, retries: 1, keepGoing: true, groupPolicy: 'ignore', stallWindowMs: 5_000, breaker: { cooldownMs: 2_000 }, agent: 'codex', maxTurns: 9, deniedEdits: 'failed' },
      agents: [],
      routing: [],
    };
    const options = parseRunOptions('plans/demo', { workers: '2', timeout: '30', history: true }, '/repo', config);
    expect(options).toMatchObject({
      mode: 'parallel',
      workers: 2,
      timeoutMs: 30_000,
      retries: 1,
      keepGoing: true,
      groupPolicy: 'ignore',
      checkpointFormat: 'toon',
      stallWindowMs: 5_000,
      breaker: { cooldownMs: 2_000 },
      agent: 'codex',
      maxTurns: 9,
      deniedEdits: 'failed',
    });
    expect(options.sources).toMatchObject({ workers: 'flag', timeout: 'flag', mode: 'config', 'breaker.cooldown': 'config', 'breaker.threshold': 'default', checkpointFormat: 'default' });
    expect(parseRunOptions('p', { keepGoing: false, maxTurns: '3' }, '/repo', config)).toMatchObject({ keepGoing: false, maxTurns: 3 });
  });

  it("applies the agent flags to the default agent's profile, over the config file's settings for it", () => {
    const config: ProjectConfig = {
      run: { agent: 'opus' },
      agents: [{ name: 'opus', extends: 'claude', model: 'opus', permissionMode: 'plan' }, { name: 'aider', command: 'aider', args: ['{prompt}'] }],
      routing: [],
    };
    const flags = { model: 'opus-4', permissionMode: 'acceptEdits', allowedTools: 'Edit, Bash(git log:*,git diff:*)', disallowedTools: 'WebFetch' };
    expect(parseRunOptions('p', flags, '/repo', config).profiles).toEqual([
      { name: 'opus', extends: 'claude', model: 'opus-4', permissionMode: 'acceptEdits', allowedTools: ['Edit', 'Bash(git log:*,git diff:*)'], disallowedTools: ['WebFetch'] },
      { name: 'aider', command: 'aider', args: ['{prompt}'] },
    ]);
    expect(parseRunOptions('p', { model: 'sonnet' }, '/repo').profiles).toEqual([{ name: 'claude', model: 'sonnet' }]);
    expect(parseRunOptions('p', {}, '/repo', config).profiles).toEqual(config.agents);
  });

  it('takes the budget from --max-cost, else the config file, else none, and says where from', () => {
    const config: ProjectConfig = { run: { maxCostUsd: 40, retryFreshSession: true }, agents: [], routing: [] };
    const fromFlag = parseRunOptions('p', { maxCost: '12.50' }, '/repo', config);
    expect([fromFlag.maxCostUsd, fromFlag.sources['maxCost']]).toEqual([12.5, 'flag']);
    const fromConfig = parseRunOptions('p', {}, '/repo', config);
    expect([fromConfig.maxCostUsd, fromConfig.sources['maxCost']]).toEqual([40, 'config']);
    expect([fromConfig.retryFreshSession, fromConfig.sources['retryFreshSession']]).toEqual([true, 'config']);
    const none = parse({});
    expect(['maxCostUsd' in none, none.sources['maxCost']]).toEqual([false, 'default']);
    expect(parse({ maxCost: '.5' }).maxCostUsd).toBe(0.5);
  });

  it('takes --report over run.report of the config file, and run.events.keepRuns from the config file, saying where from', () => {
    const config: ProjectConfig = { run: { report: true, events: { keepRuns: 7 } }, agents: [], routing: [] };
    const fromConfig = parseRunOptions('p', {}, '/repo', config);
    expect([fromConfig.report, fromConfig.sources['report'], fromConfig.eventsKeepRuns, fromConfig.sources['events.keepRuns']]).toEqual([true, 'config', 7, 'config']);
    expect([parse({ report: true }).report, parse({ report: true }).sources['report']]).toEqual([true, 'flag']);
    expect(parse({}).report).toBe(false);
  });

  it("refuses --report with a dry run, which keeps no event log; run.report of the config file does not stop a dry run", () => {
    for (const mode of ['dry-run', 'dry_run']) {
      expect(failure({ report: true, mode })).toEqual({
        code: 'invalid_option',
        message: '--report: a dry run starts nothing and keeps no event log, so it has no report; drop --report or --mode dry-run',
      });
    }
    const config: ProjectConfig = { run: { report: true, mode: 'dry-run' }, agents: [], routing: [] };
    expect(parseRunOptions('p', {}, '/repo', config)).toMatchObject({ mode: 'dry_run', report: true });
    expect(() => parseRunOptions('p', { report: true }, '/repo', config)).toThrow('--report: a dry run starts nothing');
  });

  it("hands on the config file's routing rules and --verbose", () => {
    const routing = [{ when: { effort: ['L' as const] }, model: 'opus' }];
    expect(parseRunOptions('p', { verbose: true }, '/repo', { run: {}, agents: [], routing })).toMatchObject({ routing, verbose: true });
  });

  it('takes every flag', () => {
    const options = parse({
      mode: 'parallel',
      workers: '8',
      agent: 'codex',
      root: '../repo',
      timeout: '1.5',
      retries: '0',
      keepGoing: true,
      force: true,
      from: '3',
      checkpointFormat: 'kazuba',
      events: 'learn.jsonl',
      history: false,
      json: true,
      quiet: true,
    });
    expect(options).toMatchObject({
      root: '/home/user/repo',
      mode: 'parallel',
      workers: 8,
      agent: 'codex',
      timeoutMs: 1500,
      retries: 0,
      keepGoing: true,
      force: true,
      selection: { kind: 'from', id: 3 },
      checkpointFormat: 'kazuba',
      eventsFile: '/home/user/project/learn.jsonl',
      history: false,
      json: true,
      quiet: true,
    });
  });

  it('puts the default events file under --root', () => {
    expect(parse({ root: '/elsewhere' }).eventsFile).toBe('/elsewhere/.hypervisor/learning.jsonl');
  });

  it.each(['dry-run', 'dry_run'])('reads --mode %s as the dry_run mode', (mode) => {
    expect(parse({ mode }).mode).toBe('dry_run');
  });

  it('reads --only as a list of distinct ids, commas or spaces between them', () => {
    expect(parse({ only: '3,4, 7 3' }).selection).toEqual({ kind: 'only', ids: [3, 4, 7] });
  });

  it.each([
    [{ mode: 'fast' }, '--mode: expected one of sequential, parallel, interactive, dry-run, dry_run, got "fast"'],
    [{ workers: '0' }, '--workers: expected a whole number ≥ 1, got "0"'],
    [{ workers: 'four' }, '--workers: expected a whole number ≥ 1, got "four"'],
    [{ workers: '99999999999999999999' }, '--workers: expected a whole number ≥ 1, got "99999999999999999999"'],
    [{ agent: ' ' }, '--agent: expected an agent profile name, got " "'],
    [{ root: '' }, '--root: expected a path, got ""'],
    [{ timeout: '0' }, '--timeout: expected a number of seconds > 0, got "0"'],
    [{ timeout: '-5' }, '--timeout: expected a number of seconds > 0, got "-5"'],
    [{ timeout: '9999999' }, '--timeout: expected at most 2000000 seconds, got "9999999"'],
    [{ retries: '1.5' }, '--retries: expected a whole number, got "1.5"'],
    [{ only: '3;4' }, '--only: expected phase ids separated by commas, e.g. 3,4,7, got "3;4"'],
    [{ from: 'x' }, '--from: expected a whole number, got "x"'],
    [{ checkpointFormat: 'json' }, '--checkpoint-format: expected one of toon, kazuba, got "json"'],
    [{ events: '' }, '--events: expected a path, got ""'],
    [{ groupPolicy: 'loose' }, '--group-policy: expected one of strict, ignore, got "loose"'],
    [{ maxTurns: '0' }, '--max-turns: expected a whole number ≥ 1, got "0"'],
    [{ maxCost: '0' }, '--max-cost: expected an amount of US dollars > 0, got "0"'],
    [{ maxCost: '0.00' }, '--max-cost: expected an amount of US dollars > 0, got "0.00"'],
    [{ maxCost: '$5' }, '--max-cost: expected an amount of US dollars > 0, got "$5"'],
    [{ maxCost: '-2' }, '--max-cost: expected an amount of US dollars > 0, got "-2"'],
    [{ maxCost: '1e3' }, '--max-cost: expected an amount of US dollars > 0, got "1e3"'],
    [{ maxCost: '9999999999' }, '--max-cost: expected at most 1000000000 US dollars, got "9999999999"'],
    [{ model: ' ' }, '--model: expected a model name, got " "'],
    [{ allowedTools: ' , ' }, '--allowed-tools: expected tool names separated by commas, got " , "'],
    [{ config: '' }, '--config: expected a path, got ""'],
    [{ only: '1', from: '2' }, '--only and --from cannot be used together: pick the phases one way'],
  ] as [RawRunOptions, string][])('rejects %j in one line naming the flag', (raw, message) => {
    expect(failure(raw)).toEqual({ code: 'invalid_option', message });
  });

  it('names an unexpected flag by its key', () => {
    expect(failure({ json: 'yes' } as unknown as RawRunOptions).message).toMatch(/^--json: /);
  });
});
