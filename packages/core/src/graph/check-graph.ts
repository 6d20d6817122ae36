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

function checkEdges(node: GraphNode, ids: ReadonlySet<number>, invalid: ReadonlySet<number>): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const dependency of node.dependsOn) {
    if (dependency === node.id) {
      problems.push({ code: 'self_dependency', ...located(node), message: `phase ${node.id} depends on itself` });
    } else if (!ids.has(dependency) && !invalid.has(dependency)) {
      problems.push({ code: 'unknown_dependency', ...located(node), message: `phase ${node.id} depends on phase ${dependency}, which the plan does not have` });
    }
  }
  return problems;
}

function edgesOf(node: GraphNode, nodes: ReadonlyMap<number, GraphNode>): number[] {
  return node.dependsOn.filter((d) => d !== node.id && nodes.has(d));
}

interface Visit {
  readonly id: number;
  readonly edges: readonly number[];
  next: number;
}

/**
 * The groups of phases that reach each other through depends_on (strongly connected components of more than one
 * phase), found with Tarjan's algorithm, iteratively so that a long chain cannot overflow the stack.
 */
function circularGroups(nodes: ReadonlyMap<number, GraphNode>): number[][] {
  const order = new Map<number, { index: number; low: number }>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const groups: number[][] = [];
  const open = (id: number, work: Visit[]): void => {
    order.set(id, { index: order.size, low: order.size });
    stack.push(id);
    onStack.add(id);
    work.push({ id, edges: edgesOf(nodes.get(id) as GraphNode, nodes), next: 0 });
  };
  for (const root of nodes.keys()) {
    if (order.has(root)) continue;
    const work: Visit[] = [];
    open(root, work);
    for (let visit = work.at(-1); visit !== undefined; visit = work.at(-1)) {
      const mine = order.get(visit.id) as { index: number; low: number };
      const dependency = visit.edges[visit.next++];
      if (dependency !== undefined) {
        const seen = order.get(dependency);
        if (seen === undefined) open(dependency, work);
        else if (onStack.has(dependency)) mine.low = Math.min(mine.low, seen.index);
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent !== undefined) {
        const theirs = order.get(parent.id) as { index: number; low: number };
        theirs.low = Math.min(theirs.low, mine.low);
      }
      if (mine.low !== mine.index) continue;
      const group = stack.splice(stack.lastIndexOf(visit.id));
      for (const id of group) onStack.delete(id);
      if (group.length > 1) groups.push(group);
    }
  }
  return groups;
}

// The shortest cycle through the smallest id of a circular group, found breadth-first along depends_on edges
// taken in id order, so the same plan always prints the same path.
function cycleIn(group: readonly number[], nodes: ReadonlyMap<number, GraphNode>): number[] {
  const members = new Set(group);
  const start = Math.min(...group);
  const parent = new Map<number, number>([[start, start]]);
  const queue = [start];
  // Every member of a circular group reaches the start, so the search always ends on a phase depending on it.
  let closing = start;
  for (const id of queue) {
    const edges = edgesOf(nodes.get(id) as GraphNode, nodes).filter((d) => members.has(d)).sort((a, b) => a - b);
    if (edges.includes(start)) {
      closing = id;
      break;
    }
    for (const dependency of edges) {
      if (parent.has(dependency)) continue;
      parent.set(dependency, id);
      queue.push(dependency);
    }
  }
  const between: number[] = [];
  for (let at = closing; at !== start; at = parent.get(at) as number) between.push(at);
  return [start, ...between.reverse(), start];
}

/**
 * Checks the dependency graph: duplicate ids (naming both files), dependencies on absent phases,
 * self-dependencies, and cycles (one per group of phases that reach each other, printed as a path,
 * `12 -> 14 -> 13 -> 12`, every phase depending on the next). Returns every problem found, in a stable order.
 *
 * @param invalid ids of phases that exist but failed validation: depending on them is not an unknown dependency.
 */
export function checkGraph(graph: readonly GraphNode[], invalid: ReadonlySet<number> = new Set()): PlanProblem[] {
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
  for (const node of nodes.values()) problems.push(...checkEdges(node, ids, invalid));
  const cycles = circularGroups(nodes).map((group) => cycleIn(group, nodes));
  for (const cycle of cycles.sort((a, b) => (a[0] as number) - (b[0] as number))) {
    const first = nodes.get(cycle[0] as number) as GraphNode;
    problems.push({ code: 'dependency_cycle', ...located(first), message: `dependency cycle ${cycle.join(' -> ')} (each phase depends on the next)` });
  }
  return problems;
}
