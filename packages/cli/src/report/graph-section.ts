import { formatDuration } from '@kazuba/core';
import type { ReportPath, RunReport } from '@kazuba/core';

function pathLine(label: string, path: ReportPath): string {
  if (path.phaseIds.length === 0) return `<p>${label}: none.</p>`;
  const links = path.phaseIds.map((id) => `<a href="#phase-${id}">${id}</a>`).join(' → ');
  return `<p>${label} (${formatDuration(path.lengthMs)}): ${links}</p>`;
}

/**
 * The dependency-graph section. For now it names the plan's critical path by the estimates and the chain that set
 * the real end, as links to their phases' rows; the laid-out graph (nodes with `data-phase-id`, coloured by
 * status, critical edges emphasised) goes in the `graph-canvas` element of this section.
 */
export function renderGraphSection(report: RunReport): string {
  return [
    '<section id="graph" aria-labelledby="graph-h"><h2 id="graph-h">Dependencies</h2>',
    `<p class="muted">${report.phases.length} phases, ${report.edges.length} dependency edges.</p>`,
    '<div id="graph-canvas"></div>',
    pathLine('Critical path by the estimates', report.criticalPath),
    pathLine('Observed path (what set the real end)', report.observedPath),
    '</section>',
  ].join('');
}
