import { describe, expect, it } from '@jest/globals';
import { isCliError } from './cli-error.js';
import { parseRunOptions } from './run-options.js';
import type { RawRunOptions } from './run-options.js';

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
      eventsFile: '/home/user/project/.hypervisor/learning.jsonl',
      history: true,
      json: false,
      quiet: false,
    });
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
    [{ only: '1', from: '2' }, '--only and --from cannot be used together: pick the phases one way'],
  ] as [RawRunOptions, string][])('rejects %j in one line naming the flag', (raw, message) => {
    expect(failure(raw)).toEqual({ code: 'invalid_option', message });
  });

  it('names an unexpected flag by its key', () => {
    expect(failure({ json: 'yes' } as unknown as RawRunOptions).message).toMatch(/^--json: /);
  });
});
