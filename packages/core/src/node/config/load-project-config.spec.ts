import { chmod, copyFile, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ZodError } from 'zod';
import { isCoreError } from '../../core-error.js';
import type { CoreError } from '../../core-error.js';
import { createConfigDir } from './__fixtures__/config-dir.js';
import type { ConfigDir } from './__fixtures__/config-dir.js';
import { loadProjectConfig } from './load-project-config.js';
import type { LoadProjectConfigOptions } from './load-project-config.js';

const FULL_EXAMPLE = fileURLToPath(new URL('./__fixtures__/hypervisor.config.yaml', import.meta.url));
const YAML = 'hypervisor.config.yaml';
const lines = (...text: string[]): string => `${text.join('\n')}\n`;

let dir: ConfigDir;

beforeEach(async () => {
  dir = await createConfigDir();
});

afterEach(async () => {
  await dir.remove();
});

async function loadError(options: Partial<LoadProjectConfigOptions> = {}): Promise<CoreError> {
  try {
    await loadProjectConfig({ root: dir.root, ...options });
  } catch (error) {
    if (isCoreError(error)) return error;
    throw error;
  }
  throw new Error('expected a CoreError');
}

describe('loadProjectConfig', () => {
  it.each<[string, string, string]>([
    ['malformed YAML', lines('run:', '  workers: [1, 2', 'agents: {}'), 'hypervisor.config.yaml:3: malformed YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a key given twice', lines('run:', '  workers: 2', '  workers: 3'), 'hypervisor.config.yaml:3: malformed YAML: Map keys must be unique'],
    ['an unknown key close to a setting', lines('# defaults', 'run:', '  worker: 2'), 'hypervisor.config.yaml:3: run.worker: unknown setting (did you mean "workers"?)'],
    ['an unknown key far from any', lines('run:', '  mode: parallel', '  colour: red'), 'hypervisor.config.yaml:3: run.colour: unknown setting (the settings here are: mode, workers, timeout, retries, keepGoing, groupPolicy, checkpointFormat, stallWindow, breaker, agent, maxTurns, deniedEdits, maxCost, retryFreshSession, isolation, events, report)'],
    ['an unknown section', lines('run: {}', '', 'queue:', '  - x'), 'hypervisor.config.yaml:3: queue: unknown setting (the settings here are: run, agents, routing)'],
    ['a value of the wrong type', lines('run:', '  mode: parallel', '  retries: 2', '  keepGoing: true', '  groupPolicy: strict', '  checkpointFormat: toon', '  workers: 0'), 'hypervisor.config.yaml:7: run.workers: expected a whole number of at least 1, got 0'],
    ['a bad duration', lines('run:', '  timeout: 30 minutes'), 'hypervisor.config.yaml:2: run.timeout: expected a duration: a number of seconds, or a string such as "500ms", "90s", "30m", "1.5h", got "30 minutes"'],
    ['a bad duration in a flow mapping', lines('run:', '  breaker: { threshold: 5, cooldown: 0 }'), 'hypervisor.config.yaml:2: run.breaker.cooldown: expected a duration greater than 0, got 0'],
    ['a bad enum value', lines('run:', '  mode: fast'), 'hypervisor.config.yaml:2: run.mode: expected one of sequential, parallel, interactive, dry-run, dry_run, got "fast"'],
    ['an empty value', lines('run:', '  retries:'), 'hypervisor.config.yaml:2: run.retries: expected a whole number of at least 0, got an empty value'],
    ['a bad list item', lines('agents:', '  claude:', '    allowedTools:', '      - Edit', '      - 5'), 'hypervisor.config.yaml:5: agents.claude.allowedTools[1]: expected a string, got 5'],
    ['a setting the kind does not take', lines('agents:', '  codex:', '    model: o3', '    allowedTools: [Edit]'), 'hypervisor.config.yaml:4: agents.codex.allowedTools: a codex profile has no such setting (it takes: command, promptVia, model, permissionMode, skipGitRepoCheck, extraArgs, outputRules)'],
    ['a profile with no base', lines('agents:', '  claude: { model: opus }', '  x:', '    model: m'), 'hypervisor.config.yaml:3: agents.x: a new profile needs "extends" (one of: claude, codex, gemini, shell) or "command" and "args"'],
    ['an extends of an unknown profile', lines('agents:', '  x:', '    model: m', '    extends: gpt'), 'hypervisor.config.yaml:4: agents.x.extends: no profile "gpt" to extend (known: claude, codex, gemini, shell)'],
    ['a template without {prompt}', lines('agents:', '  aider:', '    command: aider', '    args: [--yes]'), 'hypervisor.config.yaml:4: agents.aider.args: must contain "{prompt}" unless promptVia is "stdin"'],
    ['a default agent with no profile', lines('run:', '  agent: gpt'), 'hypervisor.config.yaml:2: run.agent: no agent profile "gpt" (known: claude, codex, gemini, shell)'],
    ['a budget of nothing', lines('run:', '  maxCost: 0'), 'hypervisor.config.yaml:2: run.maxCost: expected an amount of US dollars greater than 0, got 0'],
    ['a number of runs to keep below 1', lines('run:', '  workers: 2', '  events:', '    keepRuns: 0'), 'hypervisor.config.yaml:4: run.events.keepRuns: expected a whole number of at least 1, got 0'],
    ['an unknown events setting', lines('run:', '  events: { keepRun: 5 }'), 'hypervisor.config.yaml:2: run.events.keepRun: unknown setting (did you mean "keepRuns"?)'],
    ['a retryFreshSession that is not a boolean', lines('run:', '  retryFreshSession: sometimes'), 'hypervisor.config.yaml:2: run.retryFreshSession: expected true or false, got "sometimes"'],
    [
      'a routing rule with an unknown agent',
      lines('agents:', '  opus: { extends: claude }', 'routing:', '  - when: { effort: L }', '    agent: opus', '  - when:', '      tags: [db]', '    agent: x'),
      'hypervisor.config.yaml:8: routing[1].agent: no agent profile "x" (known: claude, codex, gemini, shell, opus)',
    ],
    ['an unknown key in a routing rule', lines('routing:', '  - when:', '      effort: L', '      titel: fix', '    model: opus'), 'hypervisor.config.yaml:4: routing[0].when.titel: unknown setting (did you mean "title"?)'],
    ['a bad size in a routing rule', lines('routing:', '  - when:', '      effort: [S, XXL]', '    model: opus'), 'hypervisor.config.yaml:3: routing[0].when.effort[1]: expected one of XS, S, M, L, XL, got "XXL"'],
    ['a routing rule that sets nothing', lines('routing:', '  - model: opus', '  - when: { group: api }'), 'hypervisor.config.yaml:3: routing[1]: a rule needs an agent, a model or both'],
    ['a routing pattern that is not a regular expression', lines('routing:', '  - when: { title: "fix(" }', '    model: opus'), 'hypervisor.config.yaml:2: routing[0].when.title: not a valid regular expression (Unterminated group)'],
    ['a top-level list', lines('# settings', '- run'), 'hypervisor.config.yaml:2: expected a mapping of settings (run, agents, routing), got a list'],
    ['a top-level scalar', 'workers\n', 'hypervisor.config.yaml:1: expected a mapping of settings (run, agents, routing), got "workers"'],
  ])('reports %s with its file and line', async (_case, text, message) => {
    await dir.write(YAML, text);
    const error = await loadError();
    expect(error.code).toBe('invalid_config');
    expect(error.message).toBe(message);
  });

  it('locates errors in a JSON file too', async () => {
    await dir.write('hypervisor.config.json', '{\n  "run": {\n    "workers": 2,\n    "timeout": "soon"\n  }\n}\n');
    expect((await loadError()).message).toMatch(/^hypervisor\.config\.json:4: run\.timeout: expected a duration/);
  });

  it('puts the file, line and path in the context, and the zod error as the cause', async () => {
    await dir.write(YAML, lines('run:', '  workers: 0'));
    const error = await loadError();
    expect(error.context).toEqual({ file: YAML, line: 2, path: ['run', 'workers'] });
    expect(error.cause).toBeInstanceOf(ZodError);
  });

  it('reports an alias bomb as malformed YAML', async () => {
    const row = (anchor: string, of: string): string => `${anchor}: &${anchor} [${Array(10).fill(of).join(', ')}]`;
    await dir.write(YAML, lines(row('a', 'x'), row('b', '*a'), row('c', '*b'), row('d', '*c')));
    expect((await loadError()).message).toMatch(/^hypervisor\.config\.yaml:1: malformed YAML: Excessive alias count/);
  });

  it('refuses two config files, naming both', async () => {
    await dir.write(YAML, 'run: {}\n');
    await dir.write('hypervisor.config.json', '{}\n');
    const error = await loadError();
    expect(error.message).toBe('hypervisor.config.yaml and hypervisor.config.json: found 2 config files, keep one');
    expect(error.context).toEqual({ files: [YAML, 'hypervisor.config.json'] });
  });

  it('refuses a --config file that does not exist, named as given', async () => {
    await mkdir(join(dir.root, 'sub'));
    const error = await loadError({ displayBase: join(dir.root, 'sub'), file: 'conf/missing.yaml' });
    expect(error.message).toBe('conf/missing.yaml: config file not found');
    expect(error.context).toEqual({ file: 'conf/missing.yaml' });
  });

  it('reports a config file that is a directory', async () => {
    await mkdir(join(dir.root, YAML));
    expect((await loadError()).message).toBe('hypervisor.config.yaml: cannot read the config file: it is a directory');
  });

  (process.getuid?.() === 0 ? it.skip : it)('reports a config file it may not read', async () => {
    const file = await dir.write(YAML, 'run: {}\n');
    await chmod(file, 0o000);
    expect((await loadError()).message).toBe('hypervisor.config.yaml: cannot read the config file: permission denied');
  });

  it('reports a config file it cannot stat', async () => {
    await symlink(YAML, join(dir.root, YAML));
    expect((await loadError()).message).toMatch(/^hypervisor\.config\.yaml: cannot read the config file: ELOOP/);
  });

  it('refuses a --config path through a file as not found', async () => {
    await dir.write('ci.yaml', 'run: {}\n');
    expect((await loadError({ file: 'ci.yaml/x.yaml' })).message).toBe('ci.yaml/x.yaml: config file not found');
  });

  it('returns undefined when the root has no config file', async () => {
    await dir.write('hypervisor.yaml', 'run: {}\n');
    await expect(loadProjectConfig({ root: dir.root })).resolves.toBeUndefined();
  });

  it('finds a .yml and a .json file, and reads an empty file as an empty config', async () => {
    const yml = await dir.write('hypervisor.config.yml', '# nothing yet\n');
    await expect(loadProjectConfig({ root: dir.root })).resolves.toMatchObject({ file: yml, displayName: 'hypervisor.config.yml', config: { run: {}, agents: [], routing: [] } });
    await dir.remove();
    dir = await createConfigDir();
    const json = await dir.write('hypervisor.config.json', '{ "run": { "timeout": 90, "keepGoing": true } }');
    await expect(loadProjectConfig({ root: dir.root })).resolves.toMatchObject({ file: json, config: { run: { timeoutMs: 90_000, keepGoing: true } } });
  });

  it('reads a --config file, absolute or relative to the display base, whatever its name', async () => {
    const file = await dir.write('ci.yaml', 'run: { workers: 8 }\n');
    await dir.write(YAML, 'run: { workers: 2 }\n');
    const relativeLoad = await loadProjectConfig({ root: '/elsewhere', displayBase: dir.root, file: 'ci.yaml' });
    expect(relativeLoad).toMatchObject({ file, displayName: 'ci.yaml', config: { run: { workers: 8 } } });
    await expect(loadProjectConfig({ root: dir.root, file })).resolves.toMatchObject({ config: { run: { workers: 8 } } });
  });

  it('names the file relative to the display base', async () => {
    await mkdir(join(dir.root, 'project'));
    await dir.write(join('project', YAML), 'run: { workers: -1 }\n');
    const error = await loadError({ root: join(dir.root, 'project'), displayBase: dir.root });
    expect(error.message).toBe('project/hypervisor.config.yaml:1: run.workers: expected a whole number of at least 1, got -1');
  });

  it('parses the full example into the config the run uses', async () => {
    await copyFile(FULL_EXAMPLE, join(dir.root, YAML));
    const loaded = await loadProjectConfig({ root: dir.root });
    expect(loaded?.config).toEqual({
      run: {
        mode: 'parallel',
        workers: 4,
        timeoutMs: 1_800_000,
        retries: 3,
        keepGoing: false,
        groupPolicy: 'strict',
        checkpointFormat: 'toon',
        stallWindowMs: 1_800_000,
        breaker: { threshold: 5, cooldownMs: 60_000 },
        agent: 'opus',
        maxTurns: 50,
        deniedEdits: 'partial',
        maxCostUsd: 25,
        retryFreshSession: false,
      },
      agents: [
        { name: 'claude', permissionMode: 'acceptEdits', model: 'sonnet', allowedTools: ['Edit', 'Bash(npm test:*)'] },
        { name: 'opus', extends: 'claude', model: 'opus' },
        { name: 'aider', command: 'aider', args: ['--yes', '--message', '{prompt}'] },
      ],
      routing: [
        { when: { effort: ['XS', 'S'] }, agent: 'claude', model: 'haiku' },
        { when: { title: 'docs?|readme', tags: ['docs'] }, agent: 'gemini' },
        { when: { group: 'backend' }, model: 'opus' },
        { when: {}, model: 'sonnet' },
      ],
    });
    expect(Object.isFrozen(loaded)).toBe(true);
  });

  it('tells the line of a setting, or of its nearest ancestor when it is absent', async () => {
    await copyFile(FULL_EXAMPLE, join(dir.root, YAML));
    const loaded = await loadProjectConfig({ root: dir.root });
    const lineOf = loaded?.lineOf ?? (() => undefined);
    expect(lineOf(['run', 'workers'])).toBe(4);
    expect(lineOf(['run', 'breaker', 'cooldown'])).toBe(11);
    expect(lineOf(['agents', 'opus', 'model'])).toBe(19);
    expect(lineOf(['agents', 'aider'])).toBe(20);
    expect(lineOf(['agents', 'aider', 'args', 2])).toBe(22);
    expect(lineOf(['run', 'stall'])).toBe(2);
    expect(lineOf(['agents', 'claude', 'allowedTools', 7])).toBe(18);
    expect(lineOf(['routing', 1, 'when', 'title'])).toBe(28);
    expect(lineOf(['routing', 3])).toBe(33);
    expect(lineOf([])).toBe(2);
    expect(lineOf(['queue'])).toBe(2);
  });

  it('has no lines to tell for an empty file', async () => {
    await dir.write(YAML, '');
    const loaded = await loadProjectConfig({ root: dir.root });
    expect(loaded?.config).toEqual({ run: {}, agents: [], routing: [] });
    expect(loaded?.lineOf([])).toBeUndefined();
    expect(loaded?.lineOf(['run', 'workers'])).toBeUndefined();
  });
});
