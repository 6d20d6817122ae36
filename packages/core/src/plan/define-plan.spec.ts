import { describe, expect, it } from '@jest/globals';
import { definePlan } from './define-plan.js';
import type { PhaseDefinition } from './define-plan.js';
import type { Phase } from './plan.js';
import { formatProblem, isPlanError } from './plan-error.js';
import type { PlanError } from './plan-error.js';

function errorOf(build: () => unknown): PlanError {
  try {
    build();
  } catch (error) {
    expect(isPlanError(error)).toBe(true);
    return error as PlanError;
  }
  throw new Error('expected a PlanError, but the plan was built');
}

function only(definitions: readonly PhaseDefinition[]): Phase {
  const [phase] = definePlan(definitions).phases;
  if (phase === undefined) throw new Error('no phase');
  return phase;
}

describe('definePlan', () => {
  it('fills in every field a definition leaves out', () => {
    const phase = only([{ id: 3 }]);

    expect(phase).toEqual({
      id: 3,
      title: 'Phase 3',
      dependsOn: [],
      parallelGroup: null,
      checkpoint: 'checkpoints/phase_03.toon',
      prompt: '',
      canSkip: false,
      estimates: {},
      crossRefs: [],
      extra: {},
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(Object.keys(phase)).not.toContain('file');
    expect(Object.keys(phase)).not.toContain('validationScript');
  });

  it('keeps every field a definition gives', () => {
    const phase = only([
      {
        id: 1,
        name: 'Build',
        parallelGroup: 'ci',
        validationScript: 'scripts/check.sh',
        checkpoint: 'out/build.toon',
        prompt: 'Build it.',
        maxTurns: 5,
        canSkip: true,
        run: 'npm run build',
        estimates: { effort: 'L', estimatedTokens: 4000, durationMs: 60_000 },
        memoryMb: 256,
        recoveryPlan: 'Clean and rebuild',
        agentExecutionSpec: 'shell',
        tags: ['ci', 'build'],
      },
    ]);

    expect(phase).toEqual({
      id: 1,
      title: 'Build',
      dependsOn: [],
      parallelGroup: 'ci',
      validationScript: 'scripts/check.sh',
      checkpoint: 'out/build.toon',
      prompt: 'Build it.',
      maxTurns: 5,
      canSkip: true,
      run: 'npm run build',
      estimates: { effort: 'L', estimatedTokens: 4000, durationMs: 60_000 },
      memoryMb: 256,
      recoveryPlan: 'Clean and rebuild',
      agentExecutionSpec: 'shell',
      tags: ['ci', 'build'],
      crossRefs: [],
      extra: {},
      hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('orders phases by id, indexes them, and lists each dependency once', () => {
    const plan = definePlan([{ id: 2, dependsOn: [1, 1] }, { id: 1 }], { name: 'ci' });

    expect(plan.name).toBe('ci');
    expect(plan.dir).toBeUndefined();
    expect(plan.phases.map((phase) => phase.id)).toEqual([1, 2]);
    expect(plan.byId.get(2)?.dependsOn).toEqual([1]);
  });

  it('refuses a tag that is empty or not a string', () => {
    expect(errorOf(() => definePlan([{ id: 1, tags: ['db', ''] }])).message).toMatch(/^phases\[0\]\.tags\.1: /);
    expect(errorOf(() => definePlan([{ id: 1, tags: 'db' as unknown as string[] }])).message).toMatch(/^phases\[0\]\.tags: /);
  });

  it('names a plan "plan" unless told otherwise', () => {
    expect(definePlan([{ id: 1 }]).name).toBe('plan');
  });

  it('reports a wrong field as invalid_field naming phases[i].field', () => {
    const error = errorOf(() => definePlan([{ id: 1 }, { id: 2, dependsOn: [1, -1] }]));

    expect(error.code).toBe('invalid_field');
    expect(error.file).toBeUndefined();
    expect(error.message).toMatch(/^phases\[1\]\.dependsOn\.1: /);
  });

  it('reports a wrong nested field and an unknown key with their paths', () => {
    const error = errorOf(() => definePlan([{ id: 1, estimates: { effort: 'XXL' } } as unknown as PhaseDefinition, { id: 2, title: 'x' } as PhaseDefinition]));

    expect(error.code).toBe('invalid_plan');
    expect(error.problems.map((problem) => problem.code)).toEqual(['invalid_field', 'invalid_field']);
    expect(error.problems[0]?.message).toMatch(/^phases\[0\]\.estimates\.effort: /);
    expect(error.problems[1]?.message).toBe('phases[1]: Unrecognized key: "title"');
  });

  it('reports a definition that is not an object without a dangling dot', () => {
    const error = errorOf(() => definePlan([null as unknown as PhaseDefinition]));

    expect(error.message).toBe('phases[0]: Invalid input: expected object, received null');
  });

  it('reports a missing or fractional id', () => {
    const error = errorOf(() => definePlan([{} as PhaseDefinition, { id: 1.5 }]));

    expect(error.problems.map(formatProblem)).toEqual([
      'phases[0].id: Invalid input: expected number, received undefined',
      'phases[1].id: Invalid input: expected int, received number',
    ]);
  });

  it('does not tell the dependents of an invalid definition that the phase is absent', () => {
    const error = errorOf(() => definePlan([{ id: 1, canSkip: 'yes' } as unknown as PhaseDefinition, { id: 2, dependsOn: [1] }]));

    expect(error.problems.map((problem) => problem.code)).toEqual(['invalid_field']);
  });

  it('reports the graph errors of a plan built in code', () => {
    const error = errorOf(() =>
      definePlan([
        { id: 1 },
        { id: 1 },
        { id: 2, dependsOn: [2] },
        { id: 3, dependsOn: [9] },
        { id: 4, dependsOn: [5] },
        { id: 5, dependsOn: [4] },
      ]),
    );

    expect(error.code).toBe('invalid_plan');
    expect(error.problems).toEqual([
      { code: 'duplicate_phase_id', message: 'phase 1 is defined twice' },
      { code: 'self_dependency', message: 'phase 2 depends on itself' },
      { code: 'unknown_dependency', message: 'phase 3 depends on phase 9, which the plan does not have' },
      { code: 'dependency_cycle', message: 'dependency cycle 4 -> 5 -> 4 (each phase depends on the next)' },
    ]);
    expect(error.message).toMatch(/^4 problems in plan: phase 1 is defined twice; /);
  });

  it('reports a plan without phases as empty, naming it', () => {
    const error = errorOf(() => definePlan([], { name: 'ci' }));

    expect(error.code).toBe('empty_plan');
    expect(error.message).toBe('plan ci has no phase (no file with a `phase` in its front matter)');
  });

  it('hashes a definition so that the same definition gives the same hash and a changed one another', () => {
    const hashOf = (definition: PhaseDefinition): string => only([definition]).hash;
    const base = hashOf({ id: 1, run: 'npm test', name: 'Test' });

    expect(hashOf({ name: 'Test', run: 'npm test', id: 1 })).toBe(base);
    expect(hashOf({ id: 1, run: 'npm test', name: 'Test', canSkip: false })).toBe(base);
    expect(hashOf({ id: 1, run: 'npm run test', name: 'Test' })).not.toBe(base);
    expect(hashOf({ id: 1, run: 'npm test', name: 'Tests' })).not.toBe(base);
    expect(hashOf({ id: 1, run: 'npm test', name: 'Test', estimates: { effort: 'S' } })).not.toBe(base);
  });

  it('returns a frozen plan', () => {
    const plan = definePlan([{ id: 1, estimates: { effort: 'S' } }, { id: 2, dependsOn: [1] }]);
    const [first, second] = plan.phases;

    for (const part of [plan, plan.phases, first, second, second?.dependsOn, first?.estimates, first?.extra]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => Object.assign(first as Phase, { prompt: 'changed' })).toThrow(TypeError);
  });
});
