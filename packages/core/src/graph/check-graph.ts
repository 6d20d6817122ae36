import type { PlanProblem } from '../plan/plan-error.js';

/** The part of a phase the graph checks look at. */
export interface GraphNode {
  readonly id: number;
  readonly dependsOn: readonly number[];
  readonly file?: string;
}

function located(node: GraphNode): { file?: string } {
  return node.file === undefined ? {} : { file: node.file };
}

function checkEdges(node: GraphNode, ids: ReadonlySet<number>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const dependency of node.dependsOn) {
    if (dependency === node.id) {
      problems.push({ code: 'self_dependency', ...located(node), message: `phase ${node.id} depends on itself` });
    } else if (!ids.has(dependency)) {
      problems.push({ code: 'unknown_dependency', ...located(node), message: `phase ${node.id} depends on phase ${dependency}, which the plan does not have` });
    }
  }
  return problems;
}

/** Phase ids that Kahn's algorithm cannot order: those on or behind a cycle. */
function unorderable(nodes: ReadonlyMap<number, GraphNode>): Set<number> {
  const waiting = new Map<number, number>();
  const dependents = new Map<number, number[]>();
  for (const node of nodes.values()) {
    const deps = node.dependsOn.filter((d) => d !== node.id && nodes.has(d));
    waiting.set(node.id, deps.length);
    for (const d of deps) {
      const list = dependents.get(d);
      if (list === undefined) dependents.set(d, [node.id]);
      else list.push(node.id);
    }
  }
  const ready = [...waiting].filter(([, count]) => count === 0).map(([id]) => id);
  for (let id = ready.pop(); id !== undefined; id = ready.pop()) {
    waiting.delete(id);
    for (const dependent of dependents.get(id) ?? []) {
      const left = (waiting.get(dependent) ?? 0) - 1;
      waiting.set(dependent, left);
      if (left === 0) ready.push(dependent);
    }
  }
  return new Set(waiting.keys());
}

// Walks depends_on edges inside the stuck set, always taking the smallest id, until a phase repeats.
function cyclesAmong(stuck: Set<number>, nodes: ReadonlyMap<number, GraphNode>): number[][] {
  const cycles: number[][] = [];
  const handled = new Set<number>();
  for (const start of [...stuck].sort((a, b) => a - b)) {
    if (handled.has(start)) continue;
    const path: number[] = [];
    const position = new Map<number, number>();
    let current: number | undefined = start;
    while (current !== undefined && !position.has(current) && !handled.has(current)) {
      position.set(current, path.length);
      path.push(current);
      const node: GraphNode | undefined = nodes.get(current);
      current = node?.dependsOn.filter((d) => d !== node.id && stuck.has(d)).sort((a, b) => a - b)[0];
    }
    if (current !== undefined && position.has(current)) cycles.push([...path.slice(position.get(current)), current]);
    for (const id of path) handled.add(id);
  }
  return cycles;
}

/**
 * Checks the dependency graph: duplicate ids (naming both files), dependencies on absent phases,
 * self-dependencies, and cycles (each printed as a path, `12 -> 14 -> 13 -> 12`, every phase depending on the
 * next). Returns every problem found, in a stable order.
 */
export function checkGraph(graph: readonly GraphNode[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const nodes = new Map<number, GraphNode>();
  for (const node of graph) {
    const first = nodes.get(node.id);
    if (first === undefined) {
      nodes.set(node.id, node);
    } else {
      const files = [first.file, node.file].filter((file) => file !== undefined).join(' and ');
      problems.push({ code: 'duplicate_phase_id', ...located(node), message: `phase ${node.id} is defined twice${files === '' ? '' : `, in ${files}`}` });
    }
  }
  const ids = new Set(nodes.keys());
  for (const node of nodes.values()) problems.push(...checkEdges(node, ids));
  for (const cycle of cyclesAmong(unorderable(nodes), nodes)) {
    const first = nodes.get(cycle[0] as number) as GraphNode;
    problems.push({ code: 'dependency_cycle', ...located(first), message: `dependency cycle ${cycle.join(' -> ')} (each phase depends on the next)` });
  }
  return problems;
}
