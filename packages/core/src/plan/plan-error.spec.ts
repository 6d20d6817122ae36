import { describe, expect, it } from '@jest/globals';
import { CoreError, isCoreError } from '../core-error.js';
import { PLAN_ERROR_CODES, PlanError, formatProblem, isPlanError } from './plan-error.js';
import type { PlanProblem } from './plan-error.js';

const cycle: PlanProblem = { code: 'dependency_cycle', file: 'b.md', message: 'dependency cycle 1 -> 2 -> 1 (each phase depends on the next)' };
const yaml: PlanProblem = { code: 'malformed_yaml', file: 'a.md', line: 3, message: 'malformed YAML: bad' };
const empty: PlanProblem = { code: 'empty_plan', message: 'plan x has no phase' };

describe('formatProblem', () => {
  it('prefixes the message with the file and line it knows', () => {
    expect(formatProblem(yaml)).toBe('a.md:3: malformed YAML: bad');
    expect(formatProblem(cycle)).toBe('b.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)');
    expect(formatProblem(empty)).toBe('plan x has no phase');
  });
});

describe('PlanError', () => {
  it('takes the code, file and message of its only problem', () => {
    const error = new PlanError([yaml]);

    expect(error.code).toBe('malformed_yaml');
    expect(error.file).toBe('a.md');
    expect(error.message).toBe('a.md:3: malformed YAML: bad');
    expect(error.name).toBe('PlanError');
    expect(error).toBeInstanceOf(Error);
  });

  it('has the code invalid_plan for several problems and counts them, naming the plan', () => {
    const error = new PlanError([yaml, cycle], { plan: 'plans/v2' });

    expect(error.code).toBe('invalid_plan');
    expect(error.problems.map((problem) => problem.code)).toEqual(['malformed_yaml', 'dependency_cycle']);
    expect(error.message).toBe(`2 problems in plans/v2: a.md:3: malformed YAML: bad; ${formatProblem(cycle)}`);
  });

  it('shows the first three problems in one line and counts the rest', () => {
    const error = new PlanError([yaml, cycle, empty, yaml, cycle]);

    expect(error.message).toBe(`5 problems: ${formatProblem(yaml)}; ${formatProblem(cycle)}; ${formatProblem(empty)}; and 2 more`);
    expect(error.problems).toHaveLength(5);
  });

  it('has no file when its first problem has none', () => {
    expect(new PlanError([empty]).file).toBeUndefined();
  });

  it('keeps its cause and freezes its problems', () => {
    const cause = new Error('EACCES');
    const error = new PlanError([yaml], { cause });

    expect(error.cause).toBe(cause);
    expect(Object.isFrozen(error.problems)).toBe(true);
    expect(Object.isFrozen(error.problems[0])).toBe(true);
    expect(error.problems[0]).not.toBe(yaml);
  });

  it('is the package base error, with the plan it names as context', () => {
    const error = new PlanError([yaml, cycle], { plan: 'plans/v2' });

    expect(error).toBeInstanceOf(CoreError);
    expect(isCoreError(error)).toBe(true);
    expect(error.context).toEqual({ plan: 'plans/v2' });
    expect(new PlanError([yaml]).context).toEqual({});
  });

  it('describes itself in a plan folder as the user typed it, each file joined to the folder', () => {
    expect(new PlanError([yaml]).describeIn('plans/v2')).toBe('plans/v2/a.md:3: malformed YAML: bad');
    expect(new PlanError([yaml]).describeIn('plans/v2/')).toBe('plans/v2/a.md:3: malformed YAML: bad');
    expect(new PlanError([yaml, cycle], { plan: '/abs/plans/v2' }).describeIn('./v2//')).toBe(
      '2 problems in ./v2: ./v2/a.md:3: malformed YAML: bad; ./v2/b.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)',
    );
    expect(new PlanError([empty]).describeIn('plans/v2')).toBe('plan x has no phase');
  });

  it('refuses to be built without a problem', () => {
    expect(() => new PlanError([])).toThrow(TypeError);
  });
});

describe('isPlanError', () => {
  it('recognises a PlanError', () => {
    expect(isPlanError(new PlanError([empty]))).toBe(true);
  });

  it('recognises a PlanError from another copy of the package by its brand and code', () => {
    const foreign = Object.assign(new Error('x'), { code: 'empty_plan', [Symbol.for('kazuba.core.plan-error')]: true });

    expect(isPlanError(foreign)).toBe(true);
  });

  it('rejects other errors, look-alikes with an unknown code, and non-objects', () => {
    const unbranded = Object.assign(new Error('x'), { code: 'empty_plan' });
    const unknownCode = { code: 'nope', [Symbol.for('kazuba.core.plan-error')]: true };

    for (const value of [new Error('x'), unbranded, unknownCode, null, undefined, 'empty_plan', 42]) expect(isPlanError(value)).toBe(false);
  });

  it('knows every code of the closed union', () => {
    for (const code of PLAN_ERROR_CODES) expect(isPlanError({ code, [Symbol.for('kazuba.core.plan-error')]: true })).toBe(true);
  });
});
