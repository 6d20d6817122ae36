import type { AttemptOutcome } from '../bridge/translate-event.js';
import type { LearningEventMetadata } from '../learning-event.js';
import type { LearningRecord, RlmState } from './learning-record.js';
import type { Reward } from './reward-calculator.js';

// Every attempt before this one failed (a rate limit does not count as an attempt).
function nextStateOf(attempt: AttemptOutcome): RlmState {
  const { phaseId: phase_id, attempt: number, outcome } = attempt;
  if (!attempt.final) return { phase_id, attempt: number + 1, consecutive_failures: number, status: 'queued' };
  return { phase_id, attempt: number, consecutive_failures: outcome === 'failed' ? number : 0, status: outcome };
}

/**
 * Builds the learning record of one attempt: the phase queued for it (`state`), `run` or `retry`, its reward,
 * and where the phase stands after it (`next_state`).
 */
export function buildLearningRecord(attempt: AttemptOutcome, reward: Reward, estimateMs: number | undefined): LearningRecord {
  const metadata: LearningEventMetadata = {
    ...(attempt.costUsd === undefined ? {} : { cost_usd: attempt.costUsd }),
    run_id: attempt.runId,
    ...(attempt.planName === undefined ? {} : { plan_name: attempt.planName }),
    ...(attempt.phaseHash === undefined ? {} : { phase_hash: attempt.phaseHash }),
    ...(attempt.durationMs === undefined ? {} : { duration_ms: attempt.durationMs }),
    ...(estimateMs === undefined ? {} : { estimate_ms: estimateMs }),
    reward_components: { ...reward.components },
  };
  return {
    state: { phase_id: attempt.phaseId, attempt: attempt.attempt, consecutive_failures: attempt.attempt - 1, status: 'queued' },
    action: attempt.attempt === 1 ? 'run' : 'retry',
    reward: reward.value,
    next_state: nextStateOf(attempt),
    timestamp: new Date(attempt.endedAt).toISOString(),
    metadata,
  };
}
