import type { JsonValue } from '../json-value.js';
import type { LearningEvent } from '../learning-event.js';

/** The plans of a generated history, each with its phase ids. */
export const historyPlans = { alpha: [1, 2, 3, 4], beta: [1, 2, 5] } as const;

/** The plan name of a generated history's plans. */
export type HistoryPlan = keyof typeof historyPlans;

/** A pseudo-random sequence in [0, 1), the same for the same seed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The hash of a phase in a run: phase 2 of each plan is edited at run 40, so older samples carry another hash. */
export const hashOf = (plan: string, phaseId: number, run: number): string => `sha256:${plan}-${phaseId}-v${phaseId === 2 && run >= 40 ? 2 : 1}`;

const OUTCOMES = ['success', 'success', 'success', 'retried', 'failed', 'partial', 'skipped'] as const;

/**
 * A history as runs of `hypervisor run` append it: `runs` runs (`r-0` … , or another prefix), each of plan alpha or beta, whose phases
 * succeed (some after a retry), fail, end partial or are skipped, with now and then a dry run and a run whose
 * events carry no plan name. Deterministic for a seed.
 */
export function generateHistory(runs: number, seed = 7, runPrefix = 'r-'): LearningEvent[] {
  const random = randomFrom(seed);
  const events: LearningEvent[] = [];
  let clock = Date.UTC(2026, 2, 1);
  const at = (ms: number): string => new Date((clock += ms)).toISOString();
  for (let run = 0; run < runs; run += 1) {
    const plan: HistoryPlan = random() < 0.7 ? 'alpha' : 'beta';
    const extra: Record<string, JsonValue> = random() < 0.08 ? { dry_run: true } : {};
    const context = { run_id: `${runPrefix}${run}`, ...(random() < 0.05 ? {} : { plan_name: plan }), ...extra };
    events.push({ event_type: 'run_start', phase_id: null, duration_ms: null, success: null, metadata: { ...context, mode: 'sequential' }, timestamp: at(1) });
    for (const phaseId of historyPlans[plan]) {
      const outcome = OUTCOMES[Math.floor(random() * OUTCOMES.length)] ?? 'success';
      const durationMs = Math.round(1_000 + random() * phaseId * 60_000);
      const phase = { ...context, phase_hash: hashOf(plan, phaseId, run) };
      if (outcome === 'skipped') {
        events.push({ event_type: 'phase_skipped', phase_id: phaseId, duration_ms: 0, success: false, metadata: { ...phase, status: 'skipped' }, timestamp: at(1) });
        continue;
      }
      events.push({ event_type: 'phase_start', phase_id: phaseId, duration_ms: null, success: null, metadata: { ...phase, attempt: 1, status: 'running' }, timestamp: at(1) });
      if (outcome === 'retried') {
        events.push({ event_type: 'phase_retry', phase_id: phaseId, duration_ms: 900, success: false, metadata: { ...phase, attempt: 1, next_attempt: 2 }, timestamp: at(900) });
      }
      const ended = { duration_ms: durationMs, metadata: { ...phase, attempt: outcome === 'retried' ? 2 : 1, status: outcome === 'retried' ? 'success' : outcome, cost_usd: 0.01 } };
      if (outcome === 'failed') events.push({ event_type: 'phase_failed', phase_id: phaseId, success: false, ...ended, timestamp: at(durationMs) });
      else events.push({ event_type: 'phase_end', phase_id: phaseId, success: outcome !== 'partial', ...ended, timestamp: at(durationMs) });
    }
    events.push({ event_type: 'run_end', phase_id: null, duration_ms: 5_000, success: true, metadata: { ...context, outcome: 'succeeded' }, timestamp: at(1) });
  }
  return events;
}

/** Every phase of every plan of a generated history, in each of its versions, for estimating. */
export const historyPhases: readonly { readonly plan: HistoryPlan; readonly id: number; readonly hash: string }[] = Object.entries(historyPlans).flatMap(
  ([plan, ids]) => ids.flatMap((id) => [{ plan: plan as HistoryPlan, id, hash: hashOf(plan, id, 0) }, { plan: plan as HistoryPlan, id, hash: hashOf(plan, id, 99) }]),
);
