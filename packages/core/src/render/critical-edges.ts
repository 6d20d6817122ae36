import type { PlanAnalysis } from '../graph/analyze-plan.js';
import type { Plan } from '../plan/plan.js';

/** An edge of the plan drawn from a dependency to its dependent. */
export interface PlanEdge {
  readonly from: number;
  readonly to: number;
  readonly critical: boolean;
}

/** The plan's edges, ordered by dependency then dependent, each marked when it joins two steps of the critical path. */
export function planEdges(plan: Plan, analysis?: PlanAnalysis): PlanEdge[] {
  const path = analysis?.criticalPath.phaseIds ?? [];
  const next = new Map(path.slice(0, -1).map((id, index) => [id, path[index + 1]]));
  const edges = plan.phases.flatMap((phase) => phase.dependsOn.map((from) => ({ from, to: phase.id, critical: next.get(from) === phase.id })));
  return edges.sort((a, b) => a.from - b.from || a.to - b.to);
}

/** The ids of the critical path's phases, empty without an analysis. */
export function criticalPhases(analysis?: PlanAnalysis): ReadonlySet<number> {
  return new Set(analysis?.criticalPath.phaseIds ?? []);
}
