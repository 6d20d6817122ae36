import type { EventError, ExecutionMode, FINISHED_STATUSES } from '@kazuba/hypervisor-v2';

/**
 * How the run ended: `interrupted` when it was cancelled (Ctrl-C), `running` for a snapshot of a run that has not
 * finished (or whose process died before `run:finished`).
 */
export type RunReportOutcome = 'succeeded' | 'failed' | 'interrupted' | 'running';

/** A status a phase can finish with. */
export type ReportFinishedStatus = (typeof FINISHED_STATUSES)[number];

/**
 * Where a phase stands in the report: a finished status, or, in a snapshot, `running` (an attempt is open),
 * `waiting` (between attempts: backoff or rate limit), `queued` or `pending`.
 */
export type ReportPhaseStatus = ReportFinishedStatus | 'running' | 'waiting' | 'queued' | 'pending';

/**
 * How one attempt ended: the phase's status when the attempt was its last, `failed` for one that was retried,
 * `rate-limited` for one the agent's usage limit stopped, `running` for one still open in a snapshot.
 */
export type AttemptOutcome = 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'skipped' | 'rate-limited' | 'running';

/** Why a phase waited between two attempts: the retry backoff, or an agent's usage limit (which spends no retry). */
export type WaitKind = 'backoff' | 'rate-limit';

/** The fields every Gantt bar has. Times are milliseconds since the run started. */
interface BarBase {
  readonly phaseId: number;
  /** Counted from 1 as in the events; a wait carries the attempt it follows. */
  readonly attempt: number;
  readonly startMs: number;
  readonly endMs: number;
  /** The worker slot the phase held, 0 to `lanes.length − 1`. */
  readonly lane: number;
  /** Whether the phase is on the plan's critical path (by the estimates). */
  readonly critical: boolean;
}

/** One attempt of a phase on the timeline. */
export interface AttemptBar extends BarBase {
  readonly kind: 'attempt';
  readonly outcome: AttemptOutcome;
  /** Why it failed, was rate-limited or cancelled, in one line. */
  readonly reason?: string;
  readonly agent?: string;
  readonly model?: string;
  /** What the attempt cost in US dollars: its final report, or its last progress report while it runs. */
  readonly costUsd?: number;
  readonly turns?: number;
}

/** A phase waiting between two attempts, holding its worker slot. */
export interface WaitBar extends BarBase {
  readonly kind: 'wait';
  readonly wait: WaitKind;
  /** The wait announced by `phase:retrying`; the bar is longer when the breaker held the retry back. */
  readonly plannedMs: number;
  /** What ended the attempt before it. */
  readonly reason: string;
  /** Still waiting when the snapshot was taken. */
  readonly open: boolean;
}

/** A bar of the Gantt timeline. */
export type ReportBar = AttemptBar | WaitBar;

/** One worker slot of the timeline. */
export interface ReportLane {
  readonly lane: number;
  /** The phases that held it, in start order. */
  readonly phaseIds: readonly number[];
  /** How long its attempts ran (waits not counted). */
  readonly busyMs: number;
}

/** A dependency edge, from the dependency to its dependent. */
export interface ReportEdge {
  readonly from: number;
  readonly to: number;
  /** It joins two consecutive phases of the plan's critical path. */
  readonly critical: boolean;
}

/** A chain of phases through the dependency graph. */
export interface ReportPath {
  readonly phaseIds: readonly number[];
  readonly lengthMs: number;
}

/** A run-wide event worth a mark on the time axis. */
export interface ReportMarker {
  readonly atMs: number;
  readonly kind: 'breaker-opened' | 'breaker-half-opened' | 'breaker-closed' | 'breaker-restored' | 'budget-reached' | 'mode-fell-back';
  /** What happened, in one line. */
  readonly text: string;
}

/** The summary at the top of the report. */
export interface RunReportHeader {
  readonly plan: string;
  readonly runId: string;
  readonly outcome: RunReportOutcome;
  /** When the run started, in milliseconds since the epoch. */
  readonly startedAt: number;
  /** From `run:started` to `run:finished`, or to the snapshot. */
  readonly wallMs: number;
  readonly workers: number;
  readonly mode: ExecutionMode;
  readonly phasesByStatus: Readonly<Record<ReportPhaseStatus, number>>;
  /** Attempts that followed a failed one (rate-limit re-runs not counted). */
  readonly retries: number;
  /** Waits for an agent's usage limit to reset. */
  readonly rateLimitWaits: number;
  /** What the attempts cost, as the agents reported it; absent when no agent reported a cost. */
  readonly costUsd?: number;
  /** The agents' turns over all attempts; absent when no agent reported turns. */
  readonly turns?: number;
  /**
   * The makespan `simulatePlan` predicts with the estimates, the run's workers and mode (phases resumed as complete
   * take no time), next to the real one (the wall time).
   */
  readonly makespanMs: { readonly predicted: number; readonly real: number };
  /** The failure no retry could fix that stopped the run. */
  readonly fatal?: { readonly phaseId: number; readonly error: EventError };
}

/** One row of the phase table. */
export interface ReportPhaseRow {
  readonly phaseId: number;
  readonly title: string;
  readonly status: ReportPhaseStatus;
  /** The highest attempt number started; 0 when the phase never ran. */
  readonly attempts: number;
  /** From its first attempt's start to its end (or the snapshot); absent when it never ran. */
  readonly durationMs?: number;
  readonly estimateMs?: number;
  readonly costUsd?: number;
  readonly turns?: number;
  /** The agent and model of its last attempt. */
  readonly agent?: string;
  readonly model?: string;
  /** Relative to the project root. */
  readonly checkpoint: string;
  /** Why it failed, was skipped or cancelled, in one line. */
  readonly reason?: string;
  readonly error?: EventError;
  /** The score, from 0 to 1, its validation script gave its last attempt; absent when the script gave none. */
  readonly quality?: number;
  readonly critical: boolean;
}

/**
 * Everything the run report shows, as plain serialisable data: the header, the Gantt timeline (lanes and bars),
 * the dependency graph with the critical path, and one row per phase. Times are milliseconds since the run
 * started unless a name says otherwise.
 */
export interface RunReport {
  readonly header: RunReportHeader;
  readonly lanes: readonly ReportLane[];
  /** Attempts and waits, in the order they started. */
  readonly bars: readonly ReportBar[];
  readonly markers: readonly ReportMarker[];
  readonly edges: readonly ReportEdge[];
  /** The plan's critical path by the estimates. */
  readonly criticalPath: ReportPath;
  /**
   * The chain that set the real end: from the phase that ended last back through, each time, the dependency that
   * ended last; its length is the chain's time on the clock (its phases' real durations added).
   */
  readonly observedPath: ReportPath;
  /** In plan order. */
  readonly phases: readonly ReportPhaseRow[];
}
