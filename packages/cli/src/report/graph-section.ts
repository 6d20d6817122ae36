import { formatDuration } from '@kazuba/core';
import type { ReportPath, RunReport } from '@kazuba/core';
import { ROUTING_BUDGET, layoutGraph } from './graph-layout.js';
import type { GraphLayout } from './graph-layout.js';
import { renderGraphSvg } from './graph-svg.js';

function pathLine(label: string, path: ReportPath): string {
  if (path.phaseIds.length === 0) return `<p>${label}: none.</p>`;
  const links = path.phaseIds.map((id) => `<a href="#phase-${id}">${id}</a>`).join(' → ');
  return `<p>${label} (${formatDuration(path.lengthMs)}): ${links}</p>`;
}

const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** How to read the drawing, and why a big plan's is drawn without routed edges. */
function guide(layout: GraphLayout): string {
  const read =
    'Dependencies point right. Boxes are coloured by status, dashed when not started; the critical path is outlined, its edges thick. ' +
    'Hover or focus a box for its details; click it (or press Enter) to jump to its phase.';
  if (layout.method === 'routed') return read;
  const why = `${layout.work.toLocaleString('en-US')} boxes and edge bends to place, over the ${ROUTING_BUDGET.toLocaleString('en-US')} that are routed`;
  return `${read} The plan is too big to route its edges quickly (${why}): phases stand in columns by dependency depth, edges are straight lines.`;
}

/**
 * The dependency-graph section: the plan's graph laid out left to right and drawn as inline SVG in a box that
 * scrolls both ways (a node per phase with `data-phase-id`, coloured by status, the critical path emphasised), then
 * the plan's critical path by the estimates and the chain that set the real end, as links to their phases' rows:
 * the text form of the graph's essentials.
 */
export function renderGraphSection(report: RunReport): string {
  const layout = layoutGraph(
    report.phases.map((row) => row.phaseId),
    report.edges,
  );
  return [
    '<section id="graph" aria-labelledby="graph-h"><h2 id="graph-h">Dependencies</h2>',
    `<p class="muted">${count(report.phases.length, 'phase')}, ${count(report.edges.length, 'dependency edge')}. ${guide(layout)}</p>`,
    `<div id="graph-canvas" class="scroll graph-box">${renderGraphSvg(report.phases, layout)}</div>`,
    pathLine('Critical path by the estimates', report.criticalPath),
    pathLine('Observed path (what set the real end)', report.observedPath),
    '</section>',
  ].join('');
}
