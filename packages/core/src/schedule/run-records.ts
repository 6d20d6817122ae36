import type { EventError, PhaseResult, PhaseStatus, RunSummary } from '@kazuba/hypervisor-v2';
import { PHASE_STATUSES } from '@kazuba/hypervisor-v2';
import type { PhaseCheckpoint } from '@kazuba/toon';
import { PHASE_CHECKPOINT_KIND } from '@kazuba/toon';
import type { Phase, Plan } from '../plan/plan.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { AttemptIsolation } from './ports.js';

/** The facts a record needs besides the phase and its run. */
export interface RecordContext {
  readonly runId: string;
  readonly hypervisorVersion: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The checkpoint record of a phase that ran at least one attempt. */
export function buildPhaseRecord(phase: Phase, run: PhaseRun, status: FinishedStatus, context: RecordContext): PhaseCheckpoint {
  const started = run.startedAtMs ?? 0;
  const finished = run.finishedAtMs ?? started;
  return {
    kind: PHASE_CHECKPOINT_KIND,
    schema_version: 1,
    phase_id: phase.id,
    phase_title: phase.title,
    status,
    attempts: run.attempts,
    started_at: iso(started),
    finished_at: iso(finished),
    duration_ms: finished - started,
    phase_hash: phase.hash,
    hypervisor_version: context.hypervisorVersion,
    run_id: context.runId,
    ...(run.agent === undefined ? {} : { agent: agentOf(run.agent) }),
    ...(run.validation === undefined
      ? {}
      : { validation: { script: run.validation.script, passed: run.validation.passed, exit_code: run.validation.exitCode, output_tail: run.validation.outputTail } }),
    ...(run.quality === undefined ? {} : { quality: run.quality }),
    // As in `phase:finished`: the error of an earlier attempt is not the error of a phase that succeeded.
    ...(run.error === undefined || status === 'success' ? {} : { error: { code: run.error.code ?? run.error.name, message: run.error.message } }),
    ...(run.scriptCheckpoint === undefined ? {} : { script_checkpoint: run.scriptCheckpoint as PhaseCheckpoint['script_checkpoint'] }),
    ...(run.isolation === undefined ? {} : { isolation: isolationOf(run.isolation) }),
  };
}

function isolationOf(isolation: AttemptIsolation): NonNullable<PhaseCheckpoint['isolation']> {
  return {
    branch: isolation.branch,
    ...(isolation.commit === undefined ? {} : { commit: isolation.commit }),
    ...(isolation.mergeCommit === undefined ? {} : { merge_commit: isolation.mergeCommit }),
  };
}

function agentOf(agent: NonNullable<PhaseRun['agent']>): NonNullable<PhaseCheckpoint['agent']> {
  return {
    profile: agent.profile,
    exit_code: agent.exitCode,
    ...(agent.isError === undefined ? {} : { is_error: agent.isError }),
    ...(agent.subtype === undefined ? {} : { subtype: agent.subtype }),
    ...(agent.turns === undefined ? {} : { turns: agent.turns }),
    ...(agent.costUsd === undefined ? {} : { cost_usd: agent.costUsd }),
    ...(agent.sessionId === undefined ? {} : { session_id: agent.sessionId }),
    ...(agent.model === undefined ? {} : { model: agent.model }),
    ...(agent.permissionDenials === undefined ? {} : { permission_denials: [...agent.permissionDenials] }),
    ...(agent.resumedSession === undefined ? {} : { resumed_session: agent.resumedSession }),
  };
}

/** Phases by status, every status present. */
export function countStatuses(runs: Iterable<PhaseRun>): Record<PhaseStatus, number> {
  const counts = Object.fromEntries(PHASE_STATUSES.map((status) => [status, 0])) as Record<PhaseStatus, number>;
  for (const run of runs) counts[run.status] += 1;
  return counts;
}

/** How a run ended, besides its phases. */
export interface RunEnding {
  readonly cancelled: boolean;
  readonly durationMs: number;
  /** The fatal answer that stopped the run. */
  readonly fatal?: { readonly phaseId: number; readonly error: EventError };
  /** What the attempts cost, when an agent reported any cost. */
  readonly costUsd?: number;
  readonly budgetUsd?: number;
}

/** What the run did: `succeeded` when every phase succeeded, was already complete, or may be skipped. */
export function buildSummary(plan: Plan, runs: ReadonlyMap<number, PhaseRun>, ending: RunEnding): RunSummary {
  const { cancelled, durationMs, fatal, costUsd, budgetUsd } = ending;
  const phases: PhaseResult[] = plan.phases.map((phase) => {
    const run = runs.get(phase.id) as PhaseRun;
    const status = run.status as FinishedStatus;
    const duration = run.startedAtMs === undefined ? 0 : (run.finishedAtMs ?? run.startedAtMs) - run.startedAtMs;
    return { phaseId: phase.id, status, attempts: run.attempts, durationMs: duration, ...(run.reason === undefined ? {} : { reason: run.reason }) };
  });
  const fine = plan.phases.every((phase) => {
    const run = runs.get(phase.id) as PhaseRun;
    return run.status === 'success' || run.satisfies || phase.canSkip;
  });
  return {
    outcome: cancelled ? 'cancelled' : fine && fatal === undefined ? 'succeeded' : 'failed',
    durationMs,
    countsByStatus: countStatuses(runs.values()),
    phases,
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(budgetUsd === undefined ? {} : { budgetUsd }),
    ...(fatal === undefined ? {} : { fatal: { phaseId: fatal.phaseId, error: fatal.error } }),
  };
}
