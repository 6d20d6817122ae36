import { analyzePlan } from '../../graph/analyze-plan.js';
import type { PlanAnalysis } from '../../graph/analyze-plan.js';
import { createHintEstimator } from '../../graph/estimator.js';
import { definePlan } from '../../plan/define-plan.js';
import type { Plan } from '../../plan/plan.js';

/**
 * The companion plan of the graph specs, with titles and every kind of estimate. Critical path
 * 10 -> 20 -> 60 -> 1 (15 s); on 2 workers under `strict` it ends at 21 s.
 */
export const companion: Plan = definePlan(
  [
    { id: 1, name: 'Release', dependsOn: [60, 50], estimates: { estimatedTokens: 1000 } },
    { id: 5, name: 'Schema', dependsOn: [10], parallelGroup: 'b', estimates: { estimatedTokens: 4000 } },
    { id: 7, name: 'Docs', parallelGroup: 'b', estimates: { estimatedTokens: 2500 } },
    { id: 10, name: 'Setup', estimates: { estimatedTokens: 3000 } },
    { id: 20, name: 'Core', dependsOn: [10], parallelGroup: 'a', estimates: { estimatedTokens: 5000 } },
    { id: 30, name: 'Parser', dependsOn: [10], parallelGroup: 'a', estimates: { estimatedTokens: 2000 } },
    { id: 40, name: 'Lint', dependsOn: [30], parallelGroup: 'b', estimates: { estimatedTokens: 1000 } },
    { id: 50, name: 'CLI', dependsOn: [40], parallelGroup: 'a', estimates: { effort: 'XS' } },
    { id: 60, name: 'Integration', dependsOn: [20, 5], estimates: { durationMs: 6000 } },
  ],
  { name: 'companion' },
);

export const companionAnalysis: PlanAnalysis = analyzePlan(companion, { workers: 2, estimator: createHintEstimator({ msPerToken: 1, effortMs: { XS: 2000 } }) });

/** Titles that would break a naive renderer: quotes, brackets, markup, entities, backslashes, line breaks, Unicode. */
export const nastyTitles: Readonly<Record<number, string>> = {
  1: 'Say "hi" [now] {ok} (x) <b>bold</b> & #quot; ; | --> \\ back\\slash',
  2: 'line one\nline two\r\nline three\u2028line four',
  3: '日本語 — émoji 🚀 ünïcødé',
  4: 'tab\there\u0007bell end]"',
};

/** What a label shows of each of {@link nastyTitles}: line breaks kept as breaks, other control characters as spaces. */
export const nastyShown: Readonly<Record<number, string>> = {
  1: nastyTitles[1] as string,
  2: 'line one\nline two\nline three\nline four',
  3: nastyTitles[3] as string,
  4: 'tab here bell end]"',
};

/** 1 -> 2 -> 3 is the critical path (every phase takes the default 10 minutes); 4 hangs off 1. */
export const nasty: Plan = definePlan(
  [
    { id: 1, name: nastyTitles[1] },
    { id: 2, dependsOn: [1], name: nastyTitles[2] },
    { id: 3, dependsOn: [2], name: nastyTitles[3] },
    { id: 4, dependsOn: [1], name: nastyTitles[4] },
  ],
  { name: 'nasty "plan"\n{x}' },
);

export const nastyAnalysis: PlanAnalysis = analyzePlan(nasty);
