import { RESUMED_REASON } from '@kazuba/hypervisor-v2';
import type { HypervisorEvent, HypervisorEventOf } from '@kazuba/hypervisor-v2';
import { createHintEstimator } from '../graph/estimator.js';
import type { Estimator } from '../graph/estimator.js';
import type { Phase, Plan } from '../plan/plan.js';
import type { GroupPolicy } from '../schedule/dispatcher.js';
import { simulatePlan } from '../schedule/simulate-plan.js';
import { observedPath, planCriticalPath, planEdges } from './plan-paths.js';
import { replayRun } from './replay-run.js';
import type { PhaseTrack, ReplayedRun } from './replay-run.js';
import type { AttemptBar, ReportBar, ReportLane, ReportPhaseRow, ReportPhaseStatus, RunReport, RunReportHeader, RunReportOutcome } from './run-report.js';

/** What {@link buildRunReport} reads. */
export interface BuildRunReportInput {
  readonly plan: Plan;
  /** The run's lifecycle events in the order it emitted them; those of other runs are ignored. */
  readonly events: readonly HypervisorEvent[];
  /**
   * The estimates the run used: an estimator, or milliseconds by phase id (a phase not listed has no estimate and
   * takes no time in the prediction).
   * @default createHintEstimator()
   */
  readonly estimates?: Estimator | ReadonlyMap<number, number>;
  /**
   * The run's `parallel_group` policy, for the predicted makespan (the events do not carry it).
   * @default 'strict'
   */
  readonly groupPolicy?: GroupPolicy;
  /**
   * For a run without `run:finished`: when the snapshot was taken, in milliseconds since the epoch. Open attempts
   * and waits end there. Ignored once the run has finished.
   * @default the last event's time
   */
  readonly snapshotAt?: number;
}

const REPORT_STATUSES: readonly ReportPhaseStatus[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'running', 'waiting', 'queued', 'pending'];

function estimatesOf(plan: Plan, estimates: BuildRunReportInput['estimates']): ReadonlyMap<number, number> {
  if (estimates === undefined || 'estimate' in estimates) {
    const estimator = estimates ?? createHintEstimator();
    return new Map(plan.phases.map((phase) => [phase.id, estimator.estimate(phase).durationMs]));
  }
  return estimates;
}

const isAttempt = (bar: ReportBar): bar is AttemptBar => bar.kind === 'attempt';

/** The sum of a field over attempts; undefined when no attempt reported it. */
function total(bars: readonly ReportBar[], field: 'costUsd' | 'turns'): number | undefined {
  let sum: number | undefined;
  for (const bar of bars) {
    const value = isAttempt(bar) ? bar[field] : undefined;
    if (value !== undefined) sum = (sum ?? 0) + value;
  }
  return sum;
}

/** The last value of a field that an attempt reported. */
function latest(bars: readonly AttemptBar[], field: 'agent' | 'model'): string | undefined {
  for (let index = bars.length - 1; index >= 0; index -= 1) {
    const value = bars[index]?.[field];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Drops the keys whose value is undefined, so that optional fields are absent rather than undefined. */
function defined<T extends object>(value: { [K in keyof T]-?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function rowOf(phase: Phase, track: PhaseTrack | undefined, estimateMs: number | undefined, critical: boolean, endMs: number): ReportPhaseRow {
  const bars = track?.bars ?? [];
  const firstStartMs = track?.firstStartMs;
  return defined<ReportPhaseRow>({
    phaseId: phase.id,
    title: phase.title,
    status: track?.status ?? 'pending',
    attempts: track?.attempts ?? 0,
    durationMs: firstStartMs === undefined ? undefined : (track?.endMs ?? endMs) - firstStartMs,
    estimateMs,
    costUsd: total(bars, 'costUsd'),
    turns: total(bars, 'turns'),
    agent: latest(bars, 'agent'),
    model: latest(bars, 'model'),
    checkpoint: phase.checkpoint,
    reason: track?.reason,
    error: track?.error,
    quality: track?.quality,
    critical,
  });
}

function lanesOf(replayed: ReplayedRun): ReportLane[] {
  const lanes = Array.from({ length: replayed.laneCount }, (_, lane) => ({ lane, phaseIds: [] as number[], busyMs: 0 }));
  for (const bar of replayed.bars) {
    const lane = lanes[bar.lane];
    if (lane === undefined || bar.kind !== 'attempt') continue;
    if (bar.attempt === 1 && lane.phaseIds.at(-1) !== bar.phaseId) lane.phaseIds.push(bar.phaseId);
    lane.busyMs += bar.endMs - bar.startMs;
  }
  return lanes;
}

function outcomeOf(replayed: ReplayedRun): RunReportOutcome {
  const outcome = replayed.summary?.outcome;
  if (outcome === undefined) return 'running';
  return outcome === 'cancelled' ? 'interrupted' : outcome;
}

/** What `simulatePlan` predicts with the run's estimates, workers and mode; phases resumed as complete take no time. */
function predictMakespan(input: BuildRunReportInput, estimates: ReadonlyMap<number, number>, workers: number, tracks: ReadonlyMap<number, PhaseTrack>): number {
  const durations = new Map(estimates);
  for (const [id, track] of tracks) if (track.attempts === 0 && track.reason === RESUMED_REASON) durations.set(id, 0);
  return simulatePlan(input.plan, { workers, durations, groupPolicy: input.groupPolicy ?? 'strict' }).makespanMs;
}

function headerOf(started: HypervisorEventOf<'run:started'>, replayed: ReplayedRun, rows: readonly ReportPhaseRow[], predictedMs: number): RunReportHeader {
  const phasesByStatus = Object.fromEntries(REPORT_STATUSES.map((status) => [status, 0])) as Record<ReportPhaseStatus, number>;
  for (const row of rows) phasesByStatus[row.status] += 1;
  return defined<RunReportHeader>({
    plan: started.plan,
    runId: started.runId,
    outcome: outcomeOf(replayed),
    startedAt: started.timestamp,
    wallMs: replayed.endMs,
    workers: workersOf(started),
    mode: started.mode,
    phasesByStatus,
    retries: replayed.retries,
    rateLimitWaits: replayed.rateLimitWaits,
    costUsd: total(replayed.bars, 'costUsd'),
    turns: total(replayed.bars, 'turns'),
    makespanMs: { predicted: predictedMs, real: replayed.endMs },
    fatal: replayed.summary?.fatal,
  });
}

/** Only a parallel run (or the dry run that rehearses one) uses more than one worker. */
const workersOf = (started: HypervisorEventOf<'run:started'>): number => (started.mode === 'parallel' || started.mode === 'dry_run' ? started.maxWorkers : 1);

/**
 * Turns a plan and the events of one of its runs into the data of the run report: header, Gantt lanes and bars
 * (attempts, backoff and rate-limit waits), run-wide markers, the dependency edges with the critical path, the
 * path that set the real end, and one row per phase. Pure: no clock, no file system. A run without `run:finished`
 * is a snapshot (outcome `running`); a cancelled one is `interrupted`. O(events + (phases + edges) log phases),
 * plus one simulation of the plan for the predicted makespan.
 * @throws RangeError when the events hold no `run:started`.
 * @example
 * const report = buildRunReport({ plan, events, estimates: createHintEstimator() });
 * report.header.makespanMs; // { predicted: 1_800_000, real: 2_040_000 }
 */
export function buildRunReport(input: BuildRunReportInput): RunReport {
  const started = input.events.find((event): event is HypervisorEventOf<'run:started'> => event.type === 'run:started');
  if (started === undefined) throw new RangeError(`the events of plan ${input.plan.name} hold no run:started: nothing to report`);
  const estimates = estimatesOf(input.plan, input.estimates);
  const criticalPath = planCriticalPath(input.plan, estimates);
  const critical = new Set(criticalPath.phaseIds);
  const replayed = replayRun(started, { plan: input.plan, events: input.events, critical, snapshotAt: input.snapshotAt });
  const phases = input.plan.phases.map((phase) => rowOf(phase, replayed.tracks.get(phase.id), estimates.get(phase.id), critical.has(phase.id), replayed.endMs));
  const predictedMs = predictMakespan(input, estimates, workersOf(started), replayed.tracks);
  return {
    header: headerOf(started, replayed, phases, predictedMs),
    lanes: lanesOf(replayed),
    bars: replayed.bars,
    markers: replayed.markers,
    edges: planEdges(input.plan, criticalPath),
    criticalPath,
    observedPath: observedPath(input.plan, replayed.tracks),
    phases,
  };
}
