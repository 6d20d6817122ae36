import type { PlanAnalysis } from '../graph/analyze-plan.js';
import type { Estimate } from '../graph/estimator.js';
import type { Plan } from '../plan/plan.js';
import { formatDuration } from './format-duration.js';

// A title on one line: line breaks and other control characters would break the table.
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

// Pads every column but the last to its widest cell, so the free-width title goes last.
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] as number))).join('  ').trimEnd());
}

// The analysis comes from analyzePlan, so every id of its order has a level, an estimate and a slack.
function phaseRows(analysis: PlanAnalysis, plan: Plan): string[] {
  const critical = new Set(analysis.criticalPath.phaseIds);
  const levelOf = new Map(analysis.levels.flatMap((ids, level) => ids.map((id) => [id, level] as const)));
  const rows = analysis.order.map((id) => {
    const estimate = analysis.estimates.get(id) as Estimate;
    return [
      critical.has(id) ? '*' : ' ',
      String(id),
      String(levelOf.get(id)),
      `${formatDuration(estimate.durationMs)} (${estimate.source})`,
      formatDuration(analysis.slackMs.get(id) as number),
      oneLine(plan.byId.get(id)?.title ?? ''),
    ];
  });
  return table([[' ', 'id', 'level', 'estimate', 'slack', 'title'], ...rows]).map((line) => `  ${line}`);
}

/**
 * The analysis for people: the order, the levels, every phase with its estimate (and where it came from) and
 * slack, the critical path marked with `*`, the lower bound and the estimated makespan, durations such as
 * `2h 05m`. The plan supplies the titles.
 * @example
 * process.stdout.write(renderAnalysisText(analyzePlan(plan, { workers: 2 }), plan)); // plans-v2
 * // Plan plans-v2: 12 phases, 2 workers, group policy strict
 * // …
 * //   *  11  0      8m 00s (tokens)   0s       Shared Infrastructure
 * //      12  1      10m 00s (tokens)  24m 40s  Rust Acceleration Layer
 * // …
 * // Critical path: 11 -> 13 -> 14 -> 15 -> 18 -> 19 -> 21 -> 22 (1h 01m)
 */
export function renderAnalysisText(analysis: PlanAnalysis, plan: Plan): string {
  const { workers } = analysis;
  const perWorker = analysis.totalWorkMs / workers;
  const lines = [
    `Plan ${oneLine(analysis.plan)}: ${analysis.order.length} phases, ${workers} worker${workers === 1 ? '' : 's'}, group policy ${analysis.groupPolicy}`,
    '',
    `Order: ${analysis.order.join(', ')}`,
    '',
    `Levels (widest: level ${analysis.widestLevel.level}, ${analysis.widestLevel.width} phases):`,
    ...analysis.levels.map((ids, level) => `  ${String(level).padStart(String(analysis.levels.length - 1).length)}: ${ids.join(', ')}`),
    '',
    'Phases in order (* on the critical path):',
    ...phaseRows(analysis, plan),
    '',
    `Critical path: ${analysis.criticalPath.phaseIds.join(' -> ')} (${formatDuration(analysis.criticalPath.lengthMs)})`,
    `Total work: ${formatDuration(analysis.totalWorkMs)}`,
    `Lower bound: ${formatDuration(analysis.lowerBoundMs)} (critical path ${formatDuration(analysis.criticalPath.lengthMs)}; total work / ${workers}: ${formatDuration(perWorker)})`,
    `Estimated makespan: ${formatDuration(analysis.makespanMs)} on ${workers} worker${workers === 1 ? '' : 's'}, at most ${analysis.peakConcurrency} at once`,
  ];
  return `${lines.join('\n')}\n`;
}
