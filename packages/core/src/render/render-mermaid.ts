import type { PlanAnalysis } from '../graph/analyze-plan.js';
import type { Plan } from '../plan/plan.js';
import { criticalPhases, planEdges } from './critical-edges.js';
import { formatDuration } from './format-duration.js';

const CRITICAL_STYLE = 'stroke:#d32f2f,stroke-width:3px';

// Mermaid decodes `#name;` entities before it parses, so `#` itself is escaped too; `<` and `>` would otherwise be
// read as HTML by the default HTML labels. A line break becomes `<br/>`, other control characters a space.
const ENTITIES: Readonly<Record<string, string>> = { '"': '#quot;', '#': '#35;', '<': '#lt;', '>': '#gt;', '&': '#amp;' };

function escapeLabel(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/["#<>&]/g, (c) => ENTITIES[c] as string)
    .replace(/\n/g, '<br/>')
    .replace(/\p{Cc}/gu, ' ');
}

/**
 * The plan as a Mermaid flowchart (top to bottom), edges from each dependency to its dependent. With an
 * analysis, each node also shows its estimate, and the critical path's nodes and edges are drawn red and thick.
 * Titles are escaped so that quotes, brackets, `#`, HTML and line breaks cannot break the diagram.
 * @example
 * renderMermaid(plan, analyzePlan(plan)); // plans-v2
 * // flowchart TD
 * //   p11["11: Shared Infrastructure<br/>8m 00s"]
 * //   …
 * //   p11 --> p12
 * //   p11 --> p13
 * //   …
 * //   classDef critical stroke:#d32f2f,stroke-width:3px
 * //   class p11,p13,p14,p15,p18,p19,p21,p22 critical
 * //   linkStyle 1,9,11,13,18,20,22 stroke:#d32f2f,stroke-width:3px
 */
export function renderMermaid(plan: Plan, analysis?: PlanAnalysis): string {
  const lines = ['flowchart TD'];
  for (const phase of plan.phases) {
    const estimate = analysis?.estimates.get(phase.id);
    const label = escapeLabel(`${phase.id}: ${phase.title}`) + (estimate === undefined ? '' : `<br/>${formatDuration(estimate.durationMs)}`);
    lines.push(`  p${phase.id}["${label}"]`);
  }
  const edges = planEdges(plan, analysis);
  for (const edge of edges) lines.push(`  p${edge.from} --> p${edge.to}`);
  const critical = plan.phases.filter((phase) => criticalPhases(analysis).has(phase.id)).map((phase) => `p${phase.id}`);
  if (critical.length > 0) {
    lines.push(`  classDef critical ${CRITICAL_STYLE}`, `  class ${critical.join(',')} critical`);
  }
  const criticalLinks = edges.flatMap((edge, index) => (edge.critical ? [index] : []));
  if (criticalLinks.length > 0) lines.push(`  linkStyle ${criticalLinks.join(',')} ${CRITICAL_STYLE}`);
  return `${lines.join('\n')}\n`;
}
