import type { EventError, HypervisorEvent, HypervisorEventOf, RunSummary } from '@kazuba/hypervisor-v2';
import { BinaryHeap } from '../graph/binary-heap.js';
import type { Plan } from '../plan/plan.js';
import type { AttemptBar, AttemptOutcome, ReportBar, ReportFinishedStatus, ReportMarker, ReportPhaseStatus, WaitBar } from './run-report.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type AttemptDraft = Mutable<AttemptBar>;
type WaitDraft = Mutable<WaitBar>;

/** What the events say of one phase. */
export interface PhaseTrack {
  status: ReportPhaseStatus;
  attempts: number;
  lane?: number;
  firstStartMs?: number;
  endMs?: number;
  reason?: string;
  error?: EventError;
  /** The validation script's score of its last attempt, from `phase:finished`. */
  quality?: number;
  /** Its attempt bars, in order. */
  readonly bars: AttemptDraft[];
  openAttempt?: AttemptDraft | undefined;
  openWait?: WaitDraft | undefined;
}

/** Everything one pass over a run's events yields. */
export interface ReplayedRun {
  readonly tracks: ReadonlyMap<number, PhaseTrack>;
  readonly bars: readonly ReportBar[];
  readonly markers: readonly ReportMarker[];
  readonly laneCount: number;
  readonly retries: number;
  readonly rateLimitWaits: number;
  /** Milliseconds since the run started at which the report ends: `run:finished`, or the snapshot. */
  readonly endMs: number;
  readonly summary?: RunSummary;
}

const OUTCOME_OF_STATUS: Readonly<Record<ReportFinishedStatus, AttemptOutcome>> = {
  success: 'succeeded',
  partial: 'partial',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** The agent's report of an attempt that has ended, as `phase:retrying` and `phase:finished` carry it. */
type AgentReportFields = Pick<HypervisorEventOf<'phase:finished'>, 'turns' | 'costUsd' | 'model'>;

/**
 * Replays a run's events once, in order, keeping per-phase state in maps: O(events + phases log phases). A phase
 * takes the lowest free worker slot at its first attempt and keeps it until it ends, waits included, as the
 * dispatcher holds a worker for a phase between its attempts.
 */
class RunReplay {
  readonly tracks = new Map<number, PhaseTrack>();
  readonly bars: ReportBar[] = [];
  readonly markers: ReportMarker[] = [];
  private readonly freeLanes = new BinaryHeap<number>((a, b) => a < b);
  laneCount = 0;
  retries = 0;
  rateLimitWaits = 0;
  summary: RunSummary | undefined;
  finishedAtMs: number | undefined;

  constructor(
    private readonly startedAt: number,
    private readonly critical: ReadonlySet<number>,
    private readonly agentOf: (phaseId: number) => string | undefined,
  ) {}

  apply(event: HypervisorEvent): void {
    const atMs = event.timestamp - this.startedAt;
    switch (event.type) {
      case 'phase:queued':
        return this.onQueued(event.phaseId);
      case 'phase:started':
        return this.onStarted(event, atMs);
      case 'phase:agent':
        return this.onAgent(event);
      case 'phase:retrying':
        return this.onRetrying(event, atMs);
      case 'phase:finished':
        return this.onFinished(event, atMs);
      case 'run:finished':
        this.summary = event.summary;
        this.finishedAtMs = atMs;
        return;
      default:
        return this.onRunWide(event, atMs);
    }
  }

  /** Ends what is still open at `endMs`: attempts as `running`, waits as open. */
  closeOpen(endMs: number): void {
    for (const track of this.tracks.values()) {
      if (track.openAttempt !== undefined) track.openAttempt.endMs = endMs;
      if (track.openWait !== undefined) track.openWait.endMs = endMs;
    }
  }

  private track(phaseId: number): PhaseTrack {
    let track = this.tracks.get(phaseId);
    if (track === undefined) {
      track = { status: 'pending', attempts: 0, bars: [] };
      this.tracks.set(phaseId, track);
    }
    return track;
  }

  private onQueued(phaseId: number): void {
    const track = this.track(phaseId);
    if (track.status === 'pending') track.status = 'queued';
  }

  private onStarted(event: HypervisorEventOf<'phase:started'>, atMs: number): void {
    const track = this.track(event.phaseId);
    if (track.lane === undefined) {
      track.lane = this.freeLanes.pop() ?? this.laneCount++;
      track.firstStartMs = atMs;
    }
    this.endWait(track, atMs);
    if (event.attempt > 1 && event.attempt > track.attempts) this.retries += 1;
    track.attempts = Math.max(track.attempts, event.attempt);
    track.status = 'running';
    const agent = event.agent ?? this.agentOf(event.phaseId);
    const bar: AttemptDraft = {
      kind: 'attempt',
      phaseId: event.phaseId,
      attempt: event.attempt,
      startMs: atMs,
      endMs: atMs,
      lane: track.lane,
      critical: this.critical.has(event.phaseId),
      outcome: 'running',
      ...(agent === undefined ? {} : { agent }),
    };
    track.bars.push(bar);
    track.openAttempt = bar;
    this.bars.push(bar);
  }

  private onAgent(event: HypervisorEventOf<'phase:agent'>): void {
    const bar = this.tracks.get(event.phaseId)?.openAttempt;
    // Progress belongs to the attempt that is open; a stray report (of a phase not started) changes nothing.
    if (bar !== undefined) takeReport(bar, event);
  }

  private onRetrying(event: HypervisorEventOf<'phase:retrying'>, atMs: number): void {
    const track = this.track(event.phaseId);
    this.endAttempt(track, atMs, event.rateLimited ? 'rate-limited' : 'failed', event.reason, event);
    if (event.rateLimited) this.rateLimitWaits += 1;
    track.status = 'waiting';
    const wait: WaitDraft = {
      kind: 'wait',
      phaseId: event.phaseId,
      attempt: event.attempt,
      startMs: atMs,
      endMs: atMs,
      // A retry follows an attempt, which took the phase's lane.
      lane: track.lane as number,
      critical: this.critical.has(event.phaseId),
      wait: event.rateLimited ? 'rate-limit' : 'backoff',
      plannedMs: event.delayMs,
      reason: event.reason,
      open: true,
    };
    track.openWait = wait;
    this.bars.push(wait);
  }

  private onFinished(event: HypervisorEventOf<'phase:finished'>, atMs: number): void {
    const track = this.track(event.phaseId);
    // The agent fields of a phase that ends while it waits describe the attempt `phase:retrying` already reported.
    this.endAttempt(track, atMs, OUTCOME_OF_STATUS[event.status], event.reason, event);
    this.endWait(track, atMs);
    track.status = event.status;
    track.endMs = atMs;
    if (event.reason !== undefined) track.reason = event.reason;
    if (event.error !== undefined) track.error = event.error;
    if (event.quality !== undefined) track.quality = event.quality;
    if (track.lane !== undefined) this.freeLanes.push(track.lane);
  }

  private endAttempt(track: PhaseTrack, atMs: number, outcome: AttemptOutcome, reason: string | undefined, report: AgentReportFields): void {
    const bar = track.openAttempt;
    if (bar === undefined) return;
    bar.endMs = atMs;
    bar.outcome = outcome;
    if (reason !== undefined) bar.reason = reason;
    takeReport(bar, report);
    track.openAttempt = undefined;
  }

  private endWait(track: PhaseTrack, atMs: number): void {
    const wait = track.openWait;
    if (wait === undefined) return;
    wait.endMs = atMs;
    wait.open = false;
    track.openWait = undefined;
  }

  private onRunWide(event: HypervisorEvent, atMs: number): void {
    const marker = markerOf(event);
    if (marker !== undefined) this.markers.push({ atMs, ...marker });
  }
}

// A later report of the same attempt (progress, then its result) replaces what an earlier one said.
function takeReport(bar: AttemptDraft, report: AgentReportFields): void {
  if (report.costUsd !== undefined) bar.costUsd = report.costUsd;
  if (report.turns !== undefined) bar.turns = report.turns;
  if (report.model !== undefined) bar.model = report.model;
}

function markerOf(event: HypervisorEvent): Omit<ReportMarker, 'atMs'> | undefined {
  switch (event.type) {
    case 'breaker:opened':
      return { kind: 'breaker-opened', text: `breaker opened after ${event.consecutiveFailures} consecutive failures` };
    case 'breaker:half-opened':
      return { kind: 'breaker-half-opened', text: 'breaker half-open: one probe phase may run' };
    case 'breaker:closed':
      return { kind: 'breaker-closed', text: 'breaker closed' };
    case 'breaker:restored':
      return { kind: 'breaker-restored', text: `breaker ${event.state}, as run ${event.fromRunId} left it` };
    case 'budget:reached':
      return { kind: 'budget-reached', text: `budget reached: $${event.spentUsd.toFixed(2)} of $${event.budgetUsd.toFixed(2)}` };
    case 'mode:fell-back':
      return { kind: 'mode-fell-back', text: `${event.from} → ${event.to}: ${event.reason}` };
    default:
      return undefined;
  }
}

/** What {@link replayRun} reads besides the run's `run:started`. */
export interface ReplayInput {
  readonly plan: Plan;
  readonly events: readonly HypervisorEvent[];
  /** The phases on the plan's critical path, whose bars are marked. */
  readonly critical: ReadonlySet<number>;
  readonly snapshotAt?: number | undefined;
}

/**
 * Replays the events of the run `started` opened (events of other runs are ignored), up to `run:finished` or,
 * for a snapshot, to `snapshotAt` (default: the last event). An attempt's agent is the one `phase:started` names,
 * else the phase's own `agent`.
 */
export function replayRun(started: HypervisorEventOf<'run:started'>, input: ReplayInput): ReplayedRun {
  const { plan, events, critical, snapshotAt } = input;
  const replay = new RunReplay(started.timestamp, critical, (id) => plan.byId.get(id)?.agent);
  let lastAt = started.timestamp;
  for (const event of events) {
    if (event.runId !== started.runId) continue;
    replay.apply(event);
    lastAt = Math.max(lastAt, event.timestamp);
  }
  const endMs = replay.finishedAtMs ?? Math.max(lastAt, snapshotAt ?? lastAt) - started.timestamp;
  replay.closeOpen(endMs);
  return {
    tracks: replay.tracks,
    bars: replay.bars,
    markers: replay.markers,
    laneCount: replay.laneCount,
    retries: replay.retries,
    rateLimitWaits: replay.rateLimitWaits,
    endMs,
    ...(replay.summary === undefined ? {} : { summary: replay.summary }),
  };
}
