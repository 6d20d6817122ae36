import type { SchedulerLike } from 'rxjs';
import { toOneLine } from '@kazuba/hypervisor-v2';
import type { EventError } from '@kazuba/hypervisor-v2';
import type { Phase } from '../plan/plan.js';
import { startAttempt } from './attempt.js';
import type { RunningAttempt } from './attempt.js';
import { backoffDelayMs } from './backoff.js';
import type { PhaseBreaker } from './breaker.js';
import type { HypervisorConfig } from './config.js';
import { agentFields, retryPrompt } from './engine-parts.js';
import type { Unstamped } from './engine-parts.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { PhaseWaits } from './phase-waits.js';
import type { AttemptResult, PhaseRunner } from './ports.js';

/** How {@link PhaseAttempts} runs attempts and when it retries them. */
export interface PhaseAttemptsOptions {
  readonly runId: string;
  readonly runner: PhaseRunner;
  readonly scheduler: SchedulerLike;
  /** One attempt's time limit; infinite for none. */
  readonly timeoutMs: number;
  readonly config: Pick<HypervisorConfig, 'maxRetries' | 'backoff' | 'qualityThreshold' | 'rateLimitWaitMs' | 'retryFreshSession'>;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
  readonly breaker: Pick<PhaseBreaker, 'tryAdmit' | 'recordSuccess' | 'recordFailure'>;
  /** Holds a phase between attempts: backoff and rate-limit timers, retries the breaker holds back. */
  readonly waits: Pick<PhaseWaits, 'delay' | 'hold'>;
}

/** What running attempts needs from the run. */
export interface AttemptsHost {
  /** The phase's state in the run, which each attempt fills in. */
  runOf(phaseId: number): PhaseRun;
  emit(event: Unstamped): void;
  /** Why the run starts no attempt any more (cancelled, or stopped by a fatal answer); undefined while it does. */
  haltReason(): string | undefined;
  /** Counts what an attempt cost against the run's budget. */
  spend(costUsd: number): void;
  /** Whether the run's budget is spent: no retry or re-run starts. */
  budgetSpent(): boolean;
  /** Ends the phase. */
  finish(phase: Phase, status: FinishedStatus, reason?: string): void;
  /** A fatal answer: the phase fails and the whole run stops. */
  halt(phase: Phase, error: EventError): void;
}

/**
 * Takes an admitted phase through its attempts until it ends: runs each under the time limit, waits out rate
 * limits without spending a retry, retries failures after a backoff when the breaker admits them, and turns the
 * last result into the phase's status.
 */
export class PhaseAttempts {
  private readonly running = new Map<number, RunningAttempt>();

  constructor(
    private readonly options: PhaseAttemptsOptions,
    private readonly host: AttemptsHost,
  ) {}

  /** How many attempts are running. */
  get count(): number {
    return this.running.size;
  }

  /** Starts the phase's first attempt. */
  start(phase: Phase): void {
    this.attempt(phase, 1, phase.prompt, undefined);
  }

  /** Aborts every running attempt with `reason`, and tells `cancelled` of each phase in turn. */
  cancelAll(reason: string, cancelled?: (phaseId: number) => void): void {
    for (const [id, attempt] of [...this.running]) {
      attempt.cancel(new Error(reason));
      this.running.delete(id);
      cancelled?.(id);
    }
  }

  /** Runs one attempt; `resumeSession` is the agent session it continues, when it is a retry that resumes. */
  private attempt(phase: Phase, attempt: number, prompt: string, resumeSession: string | undefined): void {
    const halted = this.host.haltReason();
    if (halted !== undefined) return this.finish(phase, 'cancelled', halted);
    const run = this.host.runOf(phase.id);
    // Only retries and re-runs after a rate limit get here once the budget is spent: the first attempts never start.
    if (this.host.budgetSpent()) return this.finish(phase, 'failed', `${run.error?.message ?? 'rate limited'}; not tried again: the budget is spent`);
    const { runId, runner, scheduler, timeoutMs } = this.options;
    run.attempts = attempt;
    run.startedAtMs ??= scheduler.now();
    const resumes = resumeSession === undefined ? {} : { resumeSession };
    this.host.emit({ type: 'phase:started', phaseId: phase.id, attempt, ...(resumeSession === undefined ? {} : { resumesSession: resumeSession }) });
    let settled = false;
    const running = startAttempt(runner, { runId, phase, attempt, prompt, ...resumes }, timeoutMs, scheduler, {
      output: (stream, text) => this.host.emit({ type: 'phase:output', phaseId: phase.id, attempt, stream, text }),
      agent: (progress) => this.host.emit({ type: 'phase:agent', phaseId: phase.id, attempt, ...progress }),
      settled: (result) => {
        settled = true;
        this.running.delete(phase.id);
        this.onResult(phase, attempt, prompt, resumeSession, result);
      },
    });
    // A runner may settle before startAttempt returns (an in-memory one does): then there is nothing to track.
    if (!settled) this.running.set(phase.id, running);
  }

  private onResult(phase: Phase, attempt: number, prompt: string, resumeSession: string | undefined, result: AttemptResult): void {
    const { config, breaker, waits, scheduler } = this.options;
    const run = this.host.runOf(phase.id);
    if (result.agent !== undefined) run.agent = result.agent;
    if (result.agent?.costUsd !== undefined) this.host.spend(result.agent.costUsd);
    if (result.outcome === 'rate_limited') {
      const resetIn = result.resetAt === undefined ? config.rateLimitWaitMs : Math.max(0, result.resetAt - scheduler.now());
      this.host.emit({ type: 'phase:retrying', phaseId: phase.id, attempt, delayMs: resetIn, reason: toOneLine(result.message), rateLimited: true, ...agentFields(result.agent) });
      return waits.delay(phase.id, resetIn, () => this.attempt(phase, attempt, prompt, resumeSession));
    }
    if (result.outcome === 'fatal') return this.host.halt(phase, result.error);
    if ('validation' in result && result.validation !== undefined) run.validation = result.validation;
    if (result.outcome === 'succeeded') {
      breaker.recordSuccess();
      if (result.scriptCheckpoint !== undefined) run.scriptCheckpoint = result.scriptCheckpoint;
      if (result.isolation !== undefined) run.isolation = result.isolation;
      if (result.quality !== undefined) run.quality = result.quality;
      const threshold = config.qualityThreshold;
      const lowQuality = threshold !== null && result.quality !== undefined && result.quality < threshold;
      const partial = result.partialReason ?? (lowQuality ? `quality ${result.quality} below ${threshold}` : undefined);
      return this.finish(phase, partial === undefined ? 'success' : 'partial', partial);
    }
    run.error = result.error;
    breaker.recordFailure();
    if (attempt > config.maxRetries || result.final === true || this.host.haltReason() !== undefined) return this.finish(phase, 'failed', result.error.message);
    if (this.host.budgetSpent()) return this.finish(phase, 'failed', `${result.error.message}; not retried: the budget is spent`);
    const random = this.options.random;
    const delayMs = backoffDelayMs(attempt, config.backoff, random());
    this.host.emit({ type: 'phase:retrying', phaseId: phase.id, attempt, delayMs, reason: toOneLine(result.error.message), rateLimited: false, ...agentFields(result.agent) });
    const resume = this.sessionToResume(result.error.code, run.agent?.sessionId);
    const next = retryPrompt(phase, result.error.message, resume !== undefined, result.conflict);
    waits.delay(phase.id, delayMs, () => this.retryWhenAdmitted(phase, attempt + 1, next, resume));
  }

  /**
   * Ends the phase. Its reason goes on one line (events, the summary and the progress lines all show it), cut in
   * the middle when long; the error keeps the whole message, and the phase's log the whole output.
   */
  private finish(phase: Phase, status: FinishedStatus, reason: string | undefined): void {
    this.host.finish(phase, status, reason === undefined ? undefined : toOneLine(reason));
  }

  /**
   * The session a retry resumes, so that the agent keeps what it learned: the failed attempt's, unless the failure
   * made it worthless (a timeout, a crash, a context overflow, a session the agent no longer knows) or the config
   * asks for fresh sessions.
   */
  private sessionToResume(code: string | undefined, sessionId: string | undefined): string | undefined {
    if (sessionId === undefined || this.options.config.retryFreshSession) return undefined;
    if (code === undefined || FRESH_SESSION_CODES.has(code) || /^(?:exit|signal)_/.test(code)) return undefined;
    return sessionId;
  }

  private retryWhenAdmitted(phase: Phase, attempt: number, prompt: string, resume: string | undefined): void {
    if (this.options.breaker.tryAdmit()) return this.attempt(phase, attempt, prompt, resume);
    // The run releases it once the breaker has admitted it: asking again would take a second probe slot and fail.
    this.options.waits.hold(phase.id, () => this.attempt(phase, attempt, prompt, resume));
  }
}

/** Failures after which the agent's session is worth nothing to a retry: it starts a fresh one. */
const FRESH_SESSION_CODES: ReadonlySet<string> = new Set([
  'timeout',
  'stopped',
  'context_overflow',
  'session_not_found',
  'launch_failed',
  'no_result',
  'runner_error',
  'unparseable_result',
]);
