import { describe, expect, it } from '@jest/globals';
import type { ReportEdge } from '@kazuba/core';
import { GRAPH_NODE_HEIGHT, GRAPH_NODE_WIDTH, ROUTING_BUDGET, layoutGraph } from './graph-layout.js';
import type { GraphLayout, PlacedPhase } from './graph-layout.js';

const edge = (from: number, to: number, critical = false): ReportEdge => ({ from, to, critical });

/** A diamond with a tail and a loose phase: 1 → 2, 1 → 3, 2 → 4, 3 → 4, 4 → 5, and 6 on its own. */
const DIAMOND_IDS = [1, 2, 3, 4, 5, 6];
const DIAMOND_EDGES = [edge(1, 2, true), edge(1, 3), edge(2, 4, true), edge(3, 4), edge(4, 5, true)];

/**
 * Over the budget in few phases: a chain 1 → 2 → … → 120 with 1 also feeding every phase from 3 on (edges that cross
 * many ranks), two sources 201, 202 whose dependents 203 (of 202) and 204 (of 201) come in the other order, a source
 * 205 that only 120 needs, and 206 on its own.
 */
function fanOut(): { ids: number[]; edges: ReportEdge[] } {
  const chain = Array.from({ length: 120 }, (_, index) => index + 1);
  const edges = [...chain.slice(1).map((id) => edge(id - 1, id)), ...chain.slice(2).map((id) => edge(1, id)), edge(202, 203), edge(201, 204), edge(205, 120)];
  return { ids: [...chain, 201, 202, 203, 204, 205, 206], edges };
}

function placeOf(layout: GraphLayout, phaseId: number): PlacedPhase {
  const place = layout.phases.find((phase) => phase.phaseId === phaseId);
  if (place === undefined) throw new Error(`phase ${phaseId} is not in the layout`);
  return place;
}

function overlap(a: PlacedPhase, b: PlacedPhase): boolean {
  return a.x < b.x + GRAPH_NODE_WIDTH && b.x < a.x + GRAPH_NODE_WIDTH && a.y < b.y + GRAPH_NODE_HEIGHT && b.y < a.y + GRAPH_NODE_HEIGHT;
}

/** Checks what every layout must hold: each phase once, no two boxes overlapping, dependencies left of dependents. */
function expectReadable(layout: GraphLayout, ids: readonly number[], edges: readonly ReportEdge[]): void {
  expect(layout.phases.map((phase) => phase.phaseId)).toEqual(ids);
  const pairs = layout.phases.flatMap((a, index) => layout.phases.slice(index + 1).map((b) => [a, b] as const));
  expect(pairs.filter(([a, b]) => overlap(a, b))).toEqual([]);
  for (const { from, to } of edges) expect(placeOf(layout, from).x + GRAPH_NODE_WIDTH).toBeLessThan(placeOf(layout, to).x);
  for (const phase of layout.phases) {
    expect(phase.x + GRAPH_NODE_WIDTH).toBeLessThanOrEqual(layout.width);
    expect(phase.y + GRAPH_NODE_HEIGHT).toBeLessThanOrEqual(layout.height);
  }
}

describe('layoutGraph', () => {
  it('routes a small plan with dagre: every phase once, no overlap, each dependency left of its dependent', () => {
    const layout = layoutGraph(DIAMOND_IDS, DIAMOND_EDGES);
    expect(layout.method).toBe('routed');
    expectReadable(layout, DIAMOND_IDS, DIAMOND_EDGES);
    expect(layout.phases.every((phase) => Number.isInteger(phase.x) && Number.isInteger(phase.y))).toBe(true);
  });

  it("runs each edge from the middle of its dependency's right side to the middle of its dependent's left side, bending between, level at both ends", () => {
    const layout = layoutGraph(DIAMOND_IDS, DIAMOND_EDGES);
    expect(layout.edges.map(({ from, to, critical }) => [from, to, critical])).toEqual(DIAMOND_EDGES.map(({ from, to, critical }) => [from, to, critical]));
    for (const route of layout.edges) {
      const from = placeOf(layout, route.from);
      const to = placeOf(layout, route.to);
      expect(route.points[0]).toEqual({ x: from.x + GRAPH_NODE_WIDTH, y: from.y + GRAPH_NODE_HEIGHT / 2 });
      expect(route.points.at(-1)).toEqual({ x: to.x, y: to.y + GRAPH_NODE_HEIGHT / 2 });
      // Level out of the dependency and into the dependent, so that the arrowhead points into the box.
      expect(route.points[1]?.y).toBe(from.y + GRAPH_NODE_HEIGHT / 2);
      expect(route.points.at(-2)?.y).toBe(to.y + GRAPH_NODE_HEIGHT / 2);
      expect(route.points.length).toBeGreaterThanOrEqual(5);
      expect(route.points.every((point) => Number.isInteger(point.x) && point.x <= layout.width && point.y <= layout.height)).toBe(true);
    }
  });

  it('lays out the same plan the same way every time', () => {
    const { ids, edges } = fanOut();
    expect(layoutGraph(DIAMOND_IDS, DIAMOND_EDGES)).toEqual(layoutGraph(DIAMOND_IDS, DIAMOND_EDGES));
    expect(layoutGraph(ids, edges)).toEqual(layoutGraph(ids, edges));
  });

  it('counts the work of a plan as its phases plus the bend points of its edges, by dependency depth', () => {
    // The diamond's 5 edges each join neighbouring depths: one hidden node each.
    expect(layoutGraph(DIAMOND_IDS, DIAMOND_EDGES).work).toBe(6 + 5);
    // An edge that skips two ranks costs 2 × 3 − 1 = 5.
    expect(layoutGraph([1, 2, 3, 4], [edge(1, 2), edge(2, 3), edge(3, 4), edge(1, 4)]).work).toBe(4 + 3 + 5);
  });

  it('draws a plan over the routing budget in columns by dependency depth, with straight edges level at their ends', () => {
    const { ids, edges } = fanOut();
    const layout = layoutGraph(ids, edges);
    expect(layout.work).toBeGreaterThan(ROUTING_BUDGET);
    expect(layout.method).toBe('columns');
    expectReadable(layout, ids, edges);
    const columnOf = (id: number): number => placeOf(layout, id).x;
    expect(new Set([1, 201, 202, 206].map(columnOf)).size).toBe(1);
    // A phase without dependencies stands just before its dependent, not in the first column.
    expect(columnOf(205)).toBe(columnOf(119));
    expect(new Set([2, 203, 204].map(columnOf)).size).toBe(1);
    expect(columnOf(120)).toBeGreaterThan(columnOf(119));
    expect(layout.edges.every((route) => route.points.length === 4)).toBe(true);
    const [from, to] = [placeOf(layout, 1), placeOf(layout, 120)];
    const [out, into] = [from.y + GRAPH_NODE_HEIGHT / 2, to.y + GRAPH_NODE_HEIGHT / 2];
    expect(layout.edges.find((route) => route.from === 1 && route.to === 120)?.points).toEqual([
      { x: from.x + GRAPH_NODE_WIDTH, y: out },
      { x: from.x + GRAPH_NODE_WIDTH + 8, y: out },
      { x: to.x - 8, y: into },
      { x: to.x, y: into },
    ]);
  });

  it('stacks a column in the order of its phases’ dependencies, not in plan order, so that edges cross less', () => {
    const layout = layoutGraph(fanOut().ids, fanOut().edges);
    // Sources in plan order: 1, 201, 202. 204 (of 201) goes above 203 (of 202) though it comes later in the plan.
    expect(placeOf(layout, 201).y).toBeLessThan(placeOf(layout, 202).y);
    expect(placeOf(layout, 204).y).toBeLessThan(placeOf(layout, 203).y);
  });

  it('lays out phases without dependencies, and an empty plan as an empty picture', () => {
    const loose = layoutGraph([3, 1, 2], []);
    expectReadable(loose, [3, 1, 2], []);
    expect(loose.edges).toEqual([]);
    const empty = layoutGraph([], []);
    expect(empty.phases).toEqual([]);
    expect(empty.width).toBeGreaterThanOrEqual(0);
    expect(empty.height).toBeGreaterThanOrEqual(0);
  });
});
