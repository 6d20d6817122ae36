import type { PlanAnalysis } from '../graph/analyze-plan.js';
import type { Plan } from '../plan/plan.js';
import { criticalPhases, planEdges } from './critical-edges.js';
import { formatDuration } from './format-duration.js';

// Inside a DOT quoted string only `"` and `\` are special (a backslash starts escapes such as `\N` or `\l`).
// A line break becomes DOT's centred `\n`, other control characters a space.
function quote(text: string): string {
  const escaped = text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n')
    .replace(/\p{Cc}/gu, ' ');
  return `"${escaped}"`;
}

/**
 * The plan as a Graphviz digraph, edges from each dependency to its dependent. With an analysis, each node also
 * shows its estimate, and the critical path's nodes and edges are drawn bold and red. Labels are quoted and
 * escaped, so titles with quotes, backslashes, brackets, line breaks or any Unicode keep the file valid.
 * @example
 * writeFileSync('plan.dot', renderDot(plan, analyzePlan(plan)));
 * // then: dot -Tsvg plan.dot > plan.svg
 */
export function renderDot(plan: Plan, analysis?: PlanAnalysis): string {
  const critical = criticalPhases(analysis);
  const lines = [
    `digraph ${quote(plan.name)} {`,
    '  rankdir=TB;',
    '  node [shape=box, style=rounded];',
  ];
  for (const phase of plan.phases) {
    const estimate = analysis?.estimates.get(phase.id);
    const label = `${phase.id}: ${phase.title}${estimate === undefined ? '' : `\n${formatDuration(estimate.durationMs)}`}`;
    const emphasis = critical.has(phase.id) ? ', color=red, fontcolor=red, penwidth=2, style="rounded,bold"' : '';
    lines.push(`  p${phase.id} [label=${quote(label)}${emphasis}];`);
  }
  for (const edge of planEdges(plan, analysis)) {
    lines.push(`  p${edge.from} -> p${edge.to}${edge.critical ? ' [color=red, penwidth=2, style=bold]' : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
