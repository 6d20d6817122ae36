import type { GPUSkillRouter, SkillRoute, SkillTask } from '../routing/skill-router.js';

/** A test double of {@link GPUSkillRouter} that always answers the same and records what it was asked. */
export interface StaticSkillRouter extends GPUSkillRouter {
  /** Every task it was asked to route, in order, as passed. */
  readonly tasks: readonly SkillTask[];
}

/**
 * Creates a router that returns `route` (a frozen copy, the same object every time) for every task, for tests
 * of code that routes tasks.
 * @example
 * const router = createStaticSkillRouter({ target: 'claude', kind: 'agent', confidence: 1 });
 * router.route({ description: 'write the tests' }).target; // 'claude'
 * router.tasks; // [{ description: 'write the tests' }]
 */
export function createStaticSkillRouter(route: SkillRoute): StaticSkillRouter {
  const answer: SkillRoute = Object.freeze({ ...route });
  const tasks: SkillTask[] = [];
  return {
    tasks,
    route(task) {
      tasks.push(task);
      return answer;
    },
  };
}
