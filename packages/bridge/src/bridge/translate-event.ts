import { RESUMED_REASON, toOneLine } from '@kazuba/hypervisor-v2';
import type { EventError, HypervisorEvent, HypervisorEventOf } from '@kazuba/hypervisor-v2';
import type { LearningEvent, LearningEventMetadata } from '../learning-event.js';

/** How one attempt of a phase ended, for the RLM records; rate-limit waits and cancelled attempts are not outcomes. */
export interface AttemptOutcome {
  readonly runId: string;
  readonly planName: string | undefined;
  readonly phaseId: number;
  readonly phaseHash: string | undefined;
  /** The attempt that ended, 1 for the first; the attempts before it all failed. */
  readonly attempt: number;
  readonly outcome: 'success' | 'partial' | 'failed';
  /** False when a retry follows. */
  readonly final: boolean;
  /** From this attempt's `phase:started` to its end; undefined when that is not known. */
  readonly durationMs: number | undefined;
  readonly costUsd: number | undefined;
  /** When the attempt ended, epoch ms. */
  readonly endedAt: number;
}

type AttemptEnd = Pick<AttemptOutcome, 'outcome' | 'final' | 'durationMs' | 'costUsd' | 'endedAt'>;

/** What one lifecycle event becomes: a learning event, an attempt outcome, both or neither. */
export interface Translation {
  readonly event?: LearningEvent;
  readonly attempt?: AttemptOutcome;
}

/** The metadata every learning event of a run carries. */
interface ContextMetadata {
  readonly run_id: string;
  readonly plan_name?: string;
  readonly phase_hash?: string;
  readonly dry_run?: true;
}

interface RunContext {
  readonly planName: string | undefined;
  readonly dryRun: boolean;
  /** Start of each attempt of each running phase, epoch ms; a rate-limited attempt's restart replaces it. */
  readonly starts: Map<number, Map<number, number>>;
  readonly agents: Map<number, string>;
}

/**
 * How many runs' contexts are kept. A run is not forgotten at `run:finished`, since an event mesh delivers a
 * lagging subscriber's backlog most urgent first and `run:finished` can overtake the run's last events.
 */
const KEPT_RUNS = 32;

/**
 * Whether a phase ended without an attempt because resume found it complete. Such a phase did no work and teaches
 * a learning system nothing, and a resume of a big plan would add one line per phase to the history each time: its
 * run's `run_end` counts them instead (`metadata.resumed`).
 */
function isResumed(result: { readonly status: string; readonly attempts: number; readonly reason?: string | undefined }): boolean {
  return result.status === 'skipped' && result.attempts === 0 && result.reason === RESUMED_REASON;
}

function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function errorMetadata(error: EventError): { [key: string]: string } {
  return error.code === undefined ? { name: error.name, message: error.message } : { name: error.name, code: error.code, message: error.message };
}

/** What the agent reported of an attempt, under the learning events' metadata names. */
function agentMetadata(event: {
  readonly turns?: number | undefined;
  readonly costUsd?: number | undefined;
  readonly sessionId?: string | undefined;
  readonly model?: string | undefined;
}): { turns?: number; cost_usd?: number; session_id?: string; model?: string } {
  return {
    ...(event.turns === undefined ? {} : { turns: event.turns }),
    ...(event.costUsd === undefined ? {} : { cost_usd: event.costUsd }),
    ...(event.sessionId === undefined ? {} : { session_id: event.sessionId }),
    ...(event.model === undefined ? {} : { model: event.model }),
  };
}

/**
 * Turns lifecycle events into learning events. It remembers each run's plan name and mode from `run:started`,
 * and the start and agent of each attempt of a running phase, and is otherwise stateless, so that events
 * delivered out of order (as an event mesh may) are still translated right. Events a learning system has no
 * use for (queued, output, breaker, mode, failures of handlers, checkpoints and plugins) become nothing, and so does
 * the end of a phase that resume skipped as already complete (the run's `run_end` counts those). A
 * `reason` goes on one line (`toOneLine`), whichever version or embedder emitted the event; an `error` keeps its
 * whole message.
 */
export class EventTranslator {
  readonly #runs = new Map<string, RunContext>();

  constructor(private readonly hashes: ReadonlyMap<number, string>) {}

  translate(event: HypervisorEvent): Translation {
    switch (event.type) {
      case 'run:started':
        return this.#runStarted(event);
      case 'phase:started':
        return this.#phaseStarted(event);
      case 'phase:retrying':
        return this.#phaseRetrying(event);
      case 'phase:finished':
        return this.#phaseFinished(event);
      case 'run:finished':
        return this.#runFinished(event);
      default:
        return {};
    }
  }

  #remember(runId: string, run: RunContext): RunContext {
    this.#runs.delete(runId);
    this.#runs.set(runId, run);
    for (const oldest of this.#runs.keys()) {
      if (this.#runs.size <= KEPT_RUNS) break;
      this.#runs.delete(oldest);
    }
    return run;
  }

  #run(runId: string): RunContext {
    // Joined after the run started (or forgot it): record what is known, without a plan name.
    return this.#runs.get(runId) ?? this.#remember(runId, { planName: undefined, dryRun: false, starts: new Map(), agents: new Map() });
  }

  #context(runId: string, run: RunContext, phaseId: number | null): ContextMetadata {
    const hash = phaseId === null ? undefined : this.hashes.get(phaseId);
    return {
      run_id: runId,
      ...(run.planName === undefined ? {} : { plan_name: run.planName }),
      ...(hash === undefined ? {} : { phase_hash: hash }),
      ...(run.dryRun ? { dry_run: true } : {}),
    };
  }

  #attemptDuration(run: RunContext, phaseId: number, attempt: number, endedAt: number): number | undefined {
    const startedAt = run.starts.get(phaseId)?.get(attempt);
    return startedAt === undefined ? undefined : Math.max(0, endedAt - startedAt);
  }

  #runStarted(event: HypervisorEventOf<'run:started'>): Translation {
    const planName = event.plan === '' ? undefined : event.plan;
    const run = this.#remember(event.runId, { planName, dryRun: event.mode === 'dry_run', starts: new Map(), agents: new Map() });
    const metadata = { ...this.#context(event.runId, run, null), mode: event.mode, max_workers: event.maxWorkers, phase_ids: [...event.phaseIds] };
    return { event: { event_type: 'run_start', phase_id: null, duration_ms: null, success: null, metadata, timestamp: toIso(event.timestamp) } };
  }

  #phaseStarted(event: HypervisorEventOf<'phase:started'>): Translation {
    const run = this.#run(event.runId);
    const starts = run.starts.get(event.phaseId) ?? new Map<number, number>();
    run.starts.set(event.phaseId, starts.set(event.attempt, event.timestamp));
    if (event.agent !== undefined) run.agents.set(event.phaseId, event.agent);
    const metadata: LearningEventMetadata = {
      attempt: event.attempt,
      status: 'running',
      ...(event.agent === undefined ? {} : { agent: event.agent }),
      ...this.#context(event.runId, run, event.phaseId),
    };
    return {
      event: { event_type: 'phase_start', phase_id: event.phaseId, duration_ms: null, success: null, metadata, timestamp: toIso(event.timestamp) },
    };
  }

  #phaseRetrying(event: HypervisorEventOf<'phase:retrying'>): Translation {
    const run = this.#run(event.runId);
    const durationMs = this.#attemptDuration(run, event.phaseId, event.attempt, event.timestamp);
    const metadata: LearningEventMetadata = {
      attempt: event.attempt,
      ...this.#context(event.runId, run, event.phaseId),
      next_attempt: event.rateLimited ? event.attempt : event.attempt + 1,
      delay_ms: event.delayMs,
      rate_limited: event.rateLimited,
      reason: toOneLine(event.reason),
      ...agentMetadata(event),
    };
    const learning: LearningEvent = {
      event_type: 'phase_retry',
      phase_id: event.phaseId,
      duration_ms: durationMs ?? null,
      success: false,
      metadata,
      timestamp: toIso(event.timestamp),
    };
    // A rate limit is not the phase's failure: the same attempt runs again and no retry is spent.
    if (event.rateLimited) return { event: learning };
    const end = { outcome: 'failed', final: false, durationMs, costUsd: event.costUsd, endedAt: event.timestamp } as const;
    return { event: learning, ...this.#outcome(event.runId, run, event.phaseId, event.attempt, end) };
  }

  #phaseFinished(event: HypervisorEventOf<'phase:finished'>): Translation {
    if (isResumed(event)) return {};
    const run = this.#run(event.runId);
    const agent = run.agents.get(event.phaseId);
    // The first attempt's duration is the phase's, even when its start was not seen.
    const durationMs = this.#attemptDuration(run, event.phaseId, event.attempts, event.timestamp) ?? (event.attempts === 1 ? event.durationMs : undefined);
    run.starts.delete(event.phaseId);
    run.agents.delete(event.phaseId);
    const metadata: LearningEventMetadata = {
      ...(event.attempts > 0 ? { attempt: event.attempts } : {}),
      status: event.status,
      ...(typeof event.exitCode === 'number' ? { exit_code: event.exitCode } : {}),
      ...(agent === undefined ? {} : { agent }),
      ...agentMetadata(event),
      ...(event.quality === undefined ? {} : { quality: event.quality }),
      ...this.#context(event.runId, run, event.phaseId),
      ...(event.reason === undefined ? {} : { reason: toOneLine(event.reason) }),
      ...(event.error === undefined ? {} : { error: errorMetadata(event.error) }),
    };
    const [eventType, success] = finishedType(event.status);
    const learning: LearningEvent = {
      event_type: eventType,
      phase_id: event.phaseId,
      duration_ms: event.durationMs,
      success,
      metadata,
      timestamp: toIso(event.timestamp),
    };
    const { status } = event;
    if (event.attempts === 0 || (status !== 'success' && status !== 'partial' && status !== 'failed')) return { event: learning };
    const end = { outcome: status, final: true, durationMs, costUsd: event.costUsd, endedAt: event.timestamp };
    return { event: learning, ...this.#outcome(event.runId, run, event.phaseId, event.attempts, end) };
  }

  #runFinished(event: HypervisorEventOf<'run:finished'>): Translation {
    const run = this.#run(event.runId);
    const { summary } = event;
    const resumed = summary.phases.filter(isResumed).length;
    const metadata = {
      ...this.#context(event.runId, run, null),
      outcome: summary.outcome,
      counts: { ...summary.countsByStatus },
      ...(resumed === 0 ? {} : { resumed }),
    };
    return {
      event: {
        event_type: 'run_end',
        phase_id: null,
        duration_ms: summary.durationMs,
        success: summary.outcome === 'succeeded',
        metadata,
        timestamp: toIso(event.timestamp),
      },
    };
  }

  // Dry runs play each phase for its estimate: their attempts say nothing about the phase.
  #outcome(runId: string, run: RunContext, phaseId: number, attempt: number, end: AttemptEnd): { attempt?: AttemptOutcome } {
    if (run.dryRun) return {};
    return { attempt: { runId, planName: run.planName, phaseId, phaseHash: this.hashes.get(phaseId), attempt, ...end } };
  }
}

function finishedType(status: HypervisorEventOf<'phase:finished'>['status']): [LearningEvent['event_type'], boolean] {
  switch (status) {
    case 'success':
      return ['phase_end', true];
    case 'partial':
      return ['phase_end', false];
    case 'failed':
      return ['phase_failed', false];
    default:
      return ['phase_skipped', false];
  }
}
