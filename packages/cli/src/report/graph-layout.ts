import { Graph, layout } from '@dagrejs/dagre';
import type { EdgeLabel, GraphLabel, NodeLabel } from '@dagrejs/dagre';
import type { ReportEdge } from '@kazuba/core';

/** The size of a phase's box in the graph, in SVG user units (pixels): room for its id, status and a short title. */
export const GRAPH_NODE_WIDTH = 160;
export const GRAPH_NODE_HEIGHT = 38;
/** Space between two phases of one rank (stacked vertically) and between two ranks (side by side). */
const NODE_GAP = 14;
const RANK_GAP = 48;
const MARGIN = 8;
/** How far a routed edge runs level out of its dependency and into its dependent: well within half a rank gap. */
const STUB = 8;

/**
 * How much work dagre may be given, in boxes and bend points: the phases, plus the hidden nodes dagre routes edges
 * through (it halves the rank gap and doubles each edge's length to leave room for labels, so an edge that spans `s`
 * ranks passes `2s − 1` of them), with ranks estimated by dependency depth. Its time grows with them, with the
 * edges and with the crossings it reduces. Measured with the `tight-tree` ranker on a busy 2-core machine: plans
 * estimated at up to 8,000 units took at most 2.3 s (1,000 phases in chains: 2,000 units, 1 s; 1,000 phases in
 * layers, 1–3 dependencies each: 4,800 units, 2–2.3 s), random plans with far-reaching dependencies estimated at
 * 11,000–33,000 units took 3–4 s, and one of 47,000 (1,000 phases, up to 4 dependencies each) 7–9 s. Above the
 * budget the graph is drawn in columns by dependency depth with straight edges, in milliseconds at any size.
 */
export const ROUTING_BUDGET = 8_000;

/** A point of the graph, in SVG user units, integers. */
export interface GraphPoint {
  readonly x: number;
  readonly y: number;
}

/** A phase's box: its top-left corner; every box is {@link GRAPH_NODE_WIDTH} by {@link GRAPH_NODE_HEIGHT}. */
export interface PlacedPhase extends GraphPoint {
  readonly phaseId: number;
}

/** A dependency edge as drawn: from the dependency's box to its dependent's, through `points`. */
export interface RoutedEdge extends ReportEdge {
  /** At least two; the last touches the dependent's box, where the arrowhead goes. */
  readonly points: readonly GraphPoint[];
}

/**
 * Where the dependency graph's boxes and edges go, dependencies left of their dependents. `routed` when dagre laid
 * it out (edges bent around boxes, crossings kept few); `columns` when the plan was over the {@link ROUTING_BUDGET}
 * and it was drawn by dependency depth with straight edges.
 */
export interface GraphLayout {
  readonly method: 'routed' | 'columns';
  /** What the graph costs dagre, in the units of {@link ROUTING_BUDGET}. */
  readonly work: number;
  readonly width: number;
  readonly height: number;
  /** In the order of the phase ids given. */
  readonly phases: readonly PlacedPhase[];
  /** In the order of the edges given. */
  readonly edges: readonly RoutedEdge[];
}

/**
 * An edge's points: out of the middle of its dependency's right side and into the middle of its dependent's left
 * side, level for a few pixels at both ends so that its arrowhead points into the box however steeply it comes,
 * through `between`.
 */
function levelEnds(from: PlacedPhase, between: readonly GraphPoint[], to: PlacedPhase): GraphPoint[] {
  const out = { x: from.x + GRAPH_NODE_WIDTH, y: from.y + GRAPH_NODE_HEIGHT / 2 };
  const into = { x: to.x, y: to.y + GRAPH_NODE_HEIGHT / 2 };
  return [out, { x: out.x + STUB, y: out.y }, ...between, { x: into.x - STUB, y: into.y }, into];
}

/** Appends `value` to the list under `key`. */
function append(lists: Map<number, number[]>, key: number, value: number): void {
  const list = lists.get(key);
  if (list === undefined) lists.set(key, [value]);
  else list.push(value);
}

/** A number for each phase: its depth (0 without dependencies, else one more than its deepest one), column or row. */
type ByPhase = (phaseId: number) => number;

/** Each phase's depth, in Kahn's order: a phase is taken once all its dependencies are, so its depth is final then. */
function depthsOf(phaseIds: readonly number[], edges: readonly ReportEdge[]): ByPhase {
  const depths = new Map(phaseIds.map((id) => [id, 0]));
  const waiting = new Map(phaseIds.map((id) => [id, 0]));
  const dependents = new Map<number, number[]>();
  for (const edge of edges) {
    waiting.set(edge.to, (waiting.get(edge.to) as number) + 1);
    append(dependents, edge.from, edge.to);
  }
  const ready = phaseIds.filter((id) => waiting.get(id) === 0);
  for (let index = 0; index < ready.length; index += 1) {
    const id = ready[index] as number;
    for (const next of dependents.get(id) ?? []) {
      depths.set(next, Math.max(depths.get(next) as number, (depths.get(id) as number) + 1));
      const left = (waiting.get(next) as number) - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return (phaseId) => depths.get(phaseId) as number;
}

/** The phases plus the hidden nodes of dagre's edges, with ranks estimated by dependency depth. */
function workOf(phaseIds: readonly number[], edges: readonly ReportEdge[], depthOf: ByPhase): number {
  return edges.reduce((sum, edge) => sum + Math.max(1, 2 * (depthOf(edge.to) - depthOf(edge.from)) - 1), phaseIds.length);
}

/** The smallest width and height that hold every box and edge point, plus the margin. */
function boundsOf(phases: readonly PlacedPhase[], edges: readonly RoutedEdge[]): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const phase of phases) {
    width = Math.max(width, phase.x + GRAPH_NODE_WIDTH);
    height = Math.max(height, phase.y + GRAPH_NODE_HEIGHT);
  }
  for (const point of edges.flatMap((edge) => edge.points)) {
    width = Math.max(width, point.x);
    height = Math.max(height, point.y);
  }
  return { width: width + MARGIN, height: height + MARGIN };
}

function layOutWithDagre(phaseIds: readonly number[], edges: readonly ReportEdge[]): Pick<GraphLayout, 'phases' | 'edges'> {
  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  // Left to right, and the tight-tree ranker: dagre's default (network simplex) took 40–80 s on 1,000 phases.
  graph.setGraph({ rankdir: 'LR', ranker: 'tight-tree', nodesep: NODE_GAP, ranksep: RANK_GAP, edgesep: 8, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const id of phaseIds) graph.setNode(String(id), { width: GRAPH_NODE_WIDTH, height: GRAPH_NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(String(edge.from), String(edge.to));
  layout(graph);
  // dagre gives centres; the boxes are drawn from their top-left corners.
  const phases = phaseIds.map((phaseId) => {
    const node = graph.node(String(phaseId));
    return { phaseId, x: Math.round(Number(node.x) - GRAPH_NODE_WIDTH / 2), y: Math.round(Number(node.y) - GRAPH_NODE_HEIGHT / 2) };
  });
  const placed = new Map(phases.map((phase) => [phase.phaseId, phase]));
  const routed = edges.map((edge) => {
    const points = graph.edge(String(edge.from), String(edge.to)).points as GraphPoint[];
    // dagre's ends sit where the line to the box's centre crosses its border, often a corner: replaced by level ends.
    const between = points.slice(1, -1).map((point) => ({ x: Math.round(point.x), y: Math.round(point.y) }));
    return { ...edge, points: levelEnds(placed.get(edge.from) as PlacedPhase, between, placed.get(edge.to) as PlacedPhase) };
  });
  return { phases, edges: routed };
}

/**
 * Each phase's column and row: columns by depth, except that a phase without dependencies stands just left of its
 * nearest dependent (the first column would otherwise hold all of them, with edges across the whole picture); within
 * a column, phases in the order of their dependencies' mean row (one sweep from the left, which removes most
 * crossings), ties in plan order.
 */
function gridOf(phaseIds: readonly number[], edges: readonly ReportEdge[], depthOf: ByPhase): { columnOf: ByPhase; rowOf: ByPhase } {
  const dependencies = new Map<number, number[]>();
  const dependents = new Map<number, number[]>();
  for (const edge of edges) {
    append(dependencies, edge.to, edge.from);
    append(dependents, edge.from, edge.to);
  }
  const columnOf = (id: number): number => {
    const next = dependents.get(id);
    return dependencies.has(id) || next === undefined ? depthOf(id) : Math.min(...next.map(depthOf)) - 1;
  };
  const columns = new Map<number, number[]>();
  for (const id of phaseIds) append(columns, columnOf(id), id);
  const rows = new Map<number, number>();
  const meanRow = (id: number): number => {
    const above = (dependencies.get(id) ?? []).map((dependency) => rows.get(dependency) as number);
    return above.length === 0 ? 0 : above.reduce((sum, row) => sum + row, 0) / above.length;
  };
  for (const column of [...columns.keys()].sort((a, b) => a - b)) {
    // Array.prototype.sort is stable: equal means keep plan order.
    const ordered = (columns.get(column) as number[]).map((id) => ({ id, key: meanRow(id) })).sort((a, b) => a.key - b.key);
    ordered.forEach(({ id }, row) => rows.set(id, row));
  }
  return { columnOf, rowOf: (id) => rows.get(id) as number };
}

/** The graph in columns (see {@link gridOf}), its edges straight between their level ends. */
function layOutInColumns(phaseIds: readonly number[], edges: readonly ReportEdge[], depthOf: ByPhase): Pick<GraphLayout, 'phases' | 'edges'> {
  const { columnOf, rowOf } = gridOf(phaseIds, edges, depthOf);
  const placed = new Map(
    phaseIds.map((phaseId) => {
      const x = MARGIN + columnOf(phaseId) * (GRAPH_NODE_WIDTH + RANK_GAP);
      return [phaseId, { phaseId, x, y: MARGIN + rowOf(phaseId) * (GRAPH_NODE_HEIGHT + NODE_GAP) }];
    }),
  );
  const straight = edges.map((edge) => ({ ...edge, points: levelEnds(placed.get(edge.from) as PlacedPhase, [], placed.get(edge.to) as PlacedPhase) }));
  return { phases: [...placed.values()], edges: straight };
}

/**
 * Lays out the dependency graph left to right: with dagre while the plan is within the {@link ROUTING_BUDGET}, in
 * columns by dependency depth above it. Deterministic: the same phases and edges, in the same order, give the same
 * layout. Every edge's ends must be among the phases.
 * @example
 * const layout = layoutGraph(report.phases.map((row) => row.phaseId), report.edges);
 */
export function layoutGraph(phaseIds: readonly number[], edges: readonly ReportEdge[]): GraphLayout {
  const depthOf = depthsOf(phaseIds, edges);
  const work = workOf(phaseIds, edges, depthOf);
  const method = work <= ROUTING_BUDGET ? 'routed' : 'columns';
  const placed = method === 'routed' ? layOutWithDagre(phaseIds, edges) : layOutInColumns(phaseIds, edges, depthOf);
  return { method, work, ...boundsOf(placed.phases, placed.edges), ...placed };
}
