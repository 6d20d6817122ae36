import { describe, expect, it } from '@jest/globals';
import type { SkillRoute } from '../routing/skill-router.js';
import { createStaticSkillRouter } from './static-skill-router.js';

describe('createStaticSkillRouter', () => {
  const route: SkillRoute = { target: 'claude', kind: 'agent', confidence: 0.9, rule: 'fixed' };

  it('returns the same route for every task', () => {
    const router = createStaticSkillRouter(route);

    const first = router.route({ description: 'write the tests' });
    const second = router.route({ description: 'something else', agentExecutionSpec: 'k8s' });

    expect(first).toEqual(route);
    expect(second).toBe(first);
  });

  it('returns a frozen copy, unaffected by later changes to the route it was given', () => {
    const given = { ...route };
    const router = createStaticSkillRouter(given);
    given.target = 'changed';

    const answer = router.route({ description: 'x' });

    expect(answer.target).toBe('claude');
    expect(Object.isFrozen(answer)).toBe(true);
  });

  it('records the tasks it was asked about, in order', () => {
    const router = createStaticSkillRouter(route);
    const tasks = [{ description: 'first' }, { description: 'second', agentExecutionSpec: 'spec' }];

    for (const task of tasks) router.route(task);

    expect(router.tasks).toEqual(tasks);
    expect(router.tasks[0]).toBe(tasks[0]);
  });

  it('has recorded nothing before it is asked', () => {
    expect(createStaticSkillRouter(route).tasks).toEqual([]);
  });
});
