import type { PlanAnalysis } from '../graph/analyze-plan.js';
import type { EstimateSource } from '../graph/estimator.js';
import type { GroupPolicy } from '../schedule/dispatcher.js';

/** A {@link PlanAnalysis} as plain JSON data: the maps become objects keyed by phase id. */
export interface PlanAnalysisJson {
  readonly plan: string;
  readonly workers: number;
  readonly groupPolicy: GroupPolicy;
  readonly order: number[];
  readonly levels: number[][];
  readonly widestLevel: { readonly level: number; readonly width: number };
  readonly estimates: Record<string, { readonly durationMs: number; readonly source: EstimateSource }>;
  readonly totalWorkMs: number;
  readonly criticalPath: { readonly phaseIds: number[]; readonly lengthMs: number };
  readonly slackMs: Record<string, number>;
  readonly lowerBoundMs: number;
  readonly makespanMs: number;
  readonly peakConcurrency: number;
}

function byId<T, U>(map: ReadonlyMap<number, T>, toValue: (value: T) => U): Record<string, U> {
  const entries = [...map].sort(([a], [b]) => a - b);
  return Object.fromEntries(entries.map(([id, value]) => [String(id), toValue(value)]));
}

/**
 * The analysis as a plain, JSON-serialisable object for tools: the same fields as {@link PlanAnalysis} in the
 * same order, maps turned into objects keyed by phase id (in id order), every array copied.
 * @example
 * const json = renderAnalysisJson(analyzePlan(plan, { estimator: createHintEstimator({ msPerToken: 1 }) })); // plans-v2
 * json.slackMs['12']; // 37000
 * json.criticalPath; // { phaseIds: [11, 13, 14, 15, 18, 19, 21, 22], lengthMs: 91000 }
 */
export function renderAnalysisJson(analysis: PlanAnalysis): PlanAnalysisJson {
  return {
    plan: analysis.plan,
    workers: analysis.workers,
    groupPolicy: analysis.groupPolicy,
    order: [...analysis.order],
    levels: analysis.levels.map((ids) => [...ids]),
    widestLevel: { level: analysis.widestLevel.level, width: analysis.widestLevel.width },
    estimates: byId(analysis.estimates, (estimate) => ({ durationMs: estimate.durationMs, source: estimate.source })),
    totalWorkMs: analysis.totalWorkMs,
    criticalPath: { phaseIds: [...analysis.criticalPath.phaseIds], lengthMs: analysis.criticalPath.lengthMs },
    slackMs: byId(analysis.slackMs, (ms) => ms),
    lowerBoundMs: analysis.lowerBoundMs,
    makespanMs: analysis.makespanMs,
    peakConcurrency: analysis.peakConcurrency,
  };
}

/**
 * The analysis as JSON text, two-space indented and ending with a newline: what `plan analyze --json` prints.
 * @example
 * process.stdout.write(renderAnalysisJsonText(analyzePlan(plan)));
 */
export function renderAnalysisJsonText(analysis: PlanAnalysis): string {
  return `${JSON.stringify(renderAnalysisJson(analysis), null, 2)}\n`;
}
