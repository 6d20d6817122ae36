import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { describeIssue, describeUnknownKey, describeValue, findClosest, formatConfigPath } from './config-issues.js';

const RUN_KEYS = ['mode', 'workers', 'timeout', 'retries', 'keepGoing', 'stallWindow', 'maxTurns'];

describe('findClosest', () => {
  it.each<[string, string | undefined]>([
    ['worker', 'workers'],
    ['Workers', 'workers'],
    ['mdoe', 'mode'],
    ['keep-going', 'keepGoing'],
    ['stall_window', 'stallWindow'],
    ['timeoutMs', 'timeout'],
    ['max', undefined],
    ['colour', undefined],
    ['retriesCount', undefined],
  ])('takes %s for %s', (word, closest) => {
    expect(findClosest(word, RUN_KEYS)).toBe(closest);
  });

  it('prefers the nearest of two candidates', () => {
    expect(findClosest('moda', ['model', 'mode'])).toBe('mode');
  });
});

describe('formatConfigPath', () => {
  it('joins keys with dots and puts list indexes in brackets', () => {
    expect(formatConfigPath(['run', 'workers'])).toBe('run.workers');
    expect(formatConfigPath(['routing', 1, 'agent'])).toBe('routing[1].agent');
    expect(formatConfigPath(['agents', 'claude', 'outputRules', 0, 'match'])).toBe('agents.claude.outputRules[0].match');
    expect(formatConfigPath([2, 'x'])).toBe('[2].x');
    expect(formatConfigPath([])).toBe('');
  });
});

describe('describeUnknownKey', () => {
  it('suggests a close setting, or lists them all', () => {
    expect(describeUnknownKey('retrys', RUN_KEYS)).toBe('unknown setting (did you mean "retries"?)');
    expect(describeUnknownKey('zzz', ['a', 'b'])).toBe('unknown setting (the settings here are: a, b)');
  });
});

describe('describeValue', () => {
  it.each<[unknown, string]>([
    [undefined, 'nothing'],
    [null, 'an empty value'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    [1.5, '1.5'],
    [false, 'false'],
    ['text', '"text"'],
    ['x'.repeat(50), `"${'x'.repeat(37)}..."`],
  ])('shows %p as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });
});

describe('describeIssue', () => {
  const issue = (fields: object): z.core.$ZodRawIssue => ({ input: 1, path: [], ...fields }) as unknown as z.core.$ZodRawIssue;

  it('names a type it has no word for as zod does', () => {
    expect(describeIssue(issue({ code: 'invalid_type', expected: 'bigint' }))).toBe('expected bigint, got 1');
  });

  it('words an inclusive minimum and leaves other lengths to zod', () => {
    expect(describeIssue(issue({ code: 'too_small', origin: 'number', minimum: 2, inclusive: true }))).toBe('expected a number of at least 2, got 1');
    expect(describeIssue(issue({ code: 'too_small', origin: 'array', minimum: 2 }))).toBeUndefined();
    expect(describeIssue(issue({ code: 'too_big', origin: 'number', maximum: 0 }))).toBeUndefined();
  });

  it('lists no settings for an unknown key of a schema it cannot read', () => {
    expect(describeIssue(issue({ code: 'unrecognized_keys', keys: ['x'] }))).toBe('unknown setting (the settings here are: )');
  });
});
