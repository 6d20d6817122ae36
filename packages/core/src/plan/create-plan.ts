import { checkGraph } from '../graph/check-graph.js';
import type { Phase, Plan } from './plan.js';
import { PlanError } from './plan-error.js';
import type { PlanProblem } from './plan-error.js';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Checks the phases as a graph and assembles the frozen plan, or throws every problem found so far plus the
 * graph's own. `invalid` holds the ids of phases that exist but failed validation (already among `problems`), so
 * that their dependents are not also told the phase is absent.
 * @throws PlanError with every problem.
 */
export function assemblePlan(
  name: string,
  phases: readonly Phase[],
  problems: readonly PlanProblem[],
  dir: string | undefined,
  invalid: ReadonlySet<number>,
): Plan {
  const all = [...problems, ...checkGraph(phases, invalid)];
  if (phases.length === 0 && all.length === 0) {
    all.push({ code: 'empty_plan', message: `plan ${dir ?? name} has no phase (no file with a \`phase\` in its front matter)` });
  }
  if (all.length > 0) throw new PlanError(all, { plan: dir ?? name });
  const sorted = [...phases].sort((a, b) => a.id - b.id);
  const plan: Plan = { name, phases: sorted, byId: new Map(sorted.map((phase) => [phase.id, phase])), ...(dir === undefined ? {} : { dir }) };
  deepFreeze(sorted);
  return Object.freeze(plan);
}
