import { computePathTimes } from '../graph/critical-path.js';
import { topologicalOrder } from '../graph/topology.js';
import type { Phase, Plan } from '../plan/plan.js';
import type { PhaseTrack } from './replay-run.js';
import type { ReportEdge, ReportPath } from './run-report.js';

/** The plan's critical path under `durations`, computed once in O(V+E). */
export function planCriticalPath(plan: Plan, durations: ReadonlyMap<number, number>): ReportPath {
  const { criticalPath } = computePathTimes(plan, topologicalOrder(plan), durations);
  return { phaseIds: criticalPath.phaseIds, lengthMs: criticalPath.lengthMs };
}

/** Every dependency edge, ordered by dependency then dependent, marked when it joins two steps of `path`. */
export function planEdges(plan: Plan, path: ReportPath): ReportEdge[] {
  const next = new Map<number, number | undefined>(path.phaseIds.slice(0, -1).map((id, index) => [id, path.phaseIds[index + 1]]));
  const edges = plan.phases.flatMap((phase) => phase.dependsOn.map((from) => ({ from, to: phase.id, critical: next.get(from) === phase.id })));
  return edges.sort((a, b) => a.from - b.from || a.to - b.to);
}

/**
 * The chain that set the run's end: the phase that ended last, then, each time, its dependency that ended last,
 * as long as that dependency ran and ended in this run. Ties go to the phase listed first.
 */
export function observedPath(plan: Plan, tracks: ReadonlyMap<number, PhaseTrack>): ReportPath {
  const latestOf = (ids: Iterable<number>): Phase | undefined => {
    let best: Phase | undefined;
    let bestEnd = -1;
    for (const id of ids) {
      const track = tracks.get(id);
      if (track?.firstStartMs === undefined || track.endMs === undefined || track.endMs <= bestEnd) continue;
      best = plan.byId.get(id);
      bestEnd = track.endMs;
      ranMs.set(id, track.endMs - track.firstStartMs);
    }
    return best;
  };
  const ranMs = new Map<number, number>();
  const phaseIds: number[] = [];
  let lengthMs = 0;
  for (let phase = latestOf(plan.phases.map(({ id }) => id)); phase !== undefined; phase = latestOf(phase.dependsOn)) {
    phaseIds.push(phase.id);
    lengthMs += ranMs.get(phase.id) as number;
  }
  return { phaseIds: phaseIds.reverse(), lengthMs };
}
