import { Subscription, defer, from } from 'rxjs';
import type { ObservableInput, SchedulerLike } from 'rxjs';
import type { ExecutionMode, HookType, HypervisorEvent, HypervisorState } from '@kazuba/hypervisor-v2';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { Phase, Plan } from '../plan/plan.js';
import { dependentsOf } from '../graph/topology.js';
import { startAttempt } from './attempt.js';
import type { RunningAttempt } from './attempt.js';
import { backoffDelayMs } from './backoff.js';
import { createPhaseBreaker } from './breaker.js';
import type { BreakerState, PhaseBreaker } from './breaker.js';
import type { HypervisorConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { finishedEvent, leaseOf, retryPrompt } from './engine-parts.js';
import type { Unstamped } from './engine-parts.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { AttemptResult, RunPorts } from './ports.js';
import type { PhaseResumeDecision } from './resume-decisions.js';
import { buildPhaseRecord, buildSummary, countStatuses } from './run-records.js';

/** Everything the engine is built from. */
export interface EngineSetup {
  readonly plan: Plan;
  readonly config: HypervisorConfig;
  readonly ports: RunPorts;
  readonly scheduler: SchedulerLike;
  readonly runId: string;
  readonly resume: ReadonlyMap<number, PhaseResumeDecision>;
  /** Remaining critical path of each phase: the dispatch priority. */
  readonly priority: ReadonlyMap<number, number>;
  /** Dry runs do not write records or call plugins. */
  readonly dryRun: boolean;
  readonly emit: (event: HypervisorEvent) => void;
  readonly complete: () => void;
}

const TERMINAL = new Set(['success', 'partial', 'failed', 'skipped', 'cancelled']);
const ARMED_THRESHOLD = 5;

/**
 * One run of a plan: decides what starts when, runs attempts through the runner, retries, honours the breaker,
 * the watchdog, the approver and the memory manager, records each phase's end, and emits every lifecycle event.
 * Effects come only through the ports and the scheduler.
 */
export class RunEngine {
  private readonly runs = new Map<number, PhaseRun>();
  private readonly attempts = new Map<number, RunningAttempt>();
  private readonly heldRetries = new Map<number, () => void>();
  private readonly delayed = new Map<number, Subscription>();
  private readonly work = new Subscription();
  private readonly waits = new Map<number, Subscription>();
  private readonly dependents: ReadonlyMap<number, readonly number[]>;
  private readonly dispatcher: Dispatcher;
  private readonly breaker: PhaseBreaker;
  private readonly startedAtMs: number;
  private mode: ExecutionMode;
  private askApprover: boolean;
  private stopped: 'fail-fast' | 'cancelled' | undefined;
  private pending = 0;
  private ended = 0;
  private seq = 0;
  private finished = false;
  private finishing = false;
  private pumpScheduled = false;
  private watchdog: Subscription | undefined;
  /** Set while endNotStarted ends the phases that have not started. */
  private sweep: { readonly status: FinishedStatus; readonly reason: string } | undefined;

  constructor(private readonly setup: EngineSetup) {
    const { plan, config } = setup;
    this.mode = config.mode;
    this.askApprover = config.mode === 'interactive';
    this.startedAtMs = setup.scheduler.now();
    this.dependents = dependentsOf(plan);
    const parallel = config.mode === 'parallel' || config.mode === 'dry_run';
    this.dispatcher = new Dispatcher({
      workers: parallel ? config.maxWorkers : 1,
      groupPolicy: parallel ? config.groupPolicy : 'ignore',
      priorityOf: (id) => setup.priority.get(id) ?? 0,
      groupOf: (id) => plan.byId.get(id)?.parallelGroup ?? null,
    });
    this.breaker = createPhaseBreaker({ ...config.breaker, scheduler: setup.scheduler, onChange: (state, failures) => this.onBreaker(state, failures) });
    for (const phase of plan.phases) this.runs.set(phase.id, { status: 'pending', attempts: 0, waitingOn: phase.dependsOn.length, satisfies: false });
  }

  /** Emits `run:started`, settles resumed phases, and starts what is ready. */
  start(): void {
    const { plan, config } = this.setup;
    this.emit({ type: 'run:started', plan: plan.name, phaseIds: plan.phases.map((phase) => phase.id), mode: config.mode, maxWorkers: config.maxWorkers });
    for (const phase of plan.phases) {
      if (this.setup.resume.get(phase.id)?.run === false) this.finishPhase(phase, 'skipped', 'already complete', true);
    }
    if (this.setup.ports.signal?.aborted === true) return this.cancel('cancelled');
    for (const phase of plan.phases) if (this.runOf(phase.id).status === 'pending' && this.runOf(phase.id).waitingOn === 0) this.enqueue(phase.id);
    this.resetWatchdog();
    this.pump();
    this.maybeFinish();
  }

  /** Stops gracefully: running attempts are aborted and recorded as cancelled, nothing new starts. */
  cancel(reason: string): void {
    if (this.stopped === 'cancelled' || this.finished) return;
    this.stopped = 'cancelled';
    // Not-started phases first: ended after the running ones, their dependents would end `skipped`.
    this.endNotStarted('cancelled', reason);
    for (const [id, attempt] of [...this.attempts]) {
      attempt.cancel(new Error(reason));
      this.attempts.delete(id);
      this.finishPhase(this.phaseOf(id), 'cancelled', reason);
    }
    for (const id of [...this.heldRetries.keys(), ...this.waits.keys(), ...this.delayed.keys()]) this.finishPhase(this.phaseOf(id), 'cancelled', reason);
    this.maybeFinish();
  }

  /** Tears everything down without further events (the subscriber left). */
  dispose(): void {
    this.finished = true;
    for (const attempt of this.attempts.values()) attempt.cancel(new Error('the run was unsubscribed'));
    this.attempts.clear();
    for (const run of this.runs.values()) if (run.lease !== undefined && !TERMINAL.has(run.status)) this.setup.ports.memory?.free(run.lease);
    for (const wait of this.waits.values()) wait.unsubscribe();
    for (const timer of this.delayed.values()) timer.unsubscribe();
    this.work.unsubscribe();
    this.watchdog?.unsubscribe();
    this.breaker.dispose();
  }

  private emit(event: Unstamped): void {
    if (this.finished) return;
    this.setup.emit({ ...event, runId: this.setup.runId, seq: this.seq++, timestamp: this.setup.scheduler.now() } as HypervisorEvent);
  }

  private runOf(id: number): PhaseRun {
    return this.runs.get(id) as PhaseRun;
  }

  private phaseOf(id: number): Phase {
    return this.setup.plan.byId.get(id) as Phase;
  }

  private enqueue(id: number): void {
    this.runOf(id).status = 'queued';
    this.dispatcher.markReady(id);
    this.emit({ type: 'phase:queued', phaseId: id });
  }

  /** Starts every ready phase that the workers, the group policy and the breaker allow. */
  private pump(): void {
    while (this.stopped === undefined && this.breaker.state !== 'open') {
      const id = this.dispatcher.next();
      if (id === undefined) return;
      // A phase can end while it waits in the dispatcher (resumed as complete, skipped when the breaker opened).
      if (this.runOf(id).status !== 'queued') {
        this.dispatcher.finished(id);
        continue;
      }
      if (!this.breaker.tryAdmit()) {
        this.dispatcher.finished(id);
        this.dispatcher.markReady(id);
        return;
      }
      this.runOf(id).status = 'running';
      this.beginPhase(this.phaseOf(id));
    }
  }

  /** The steps before a phase's first attempt: the approver, memory, the pre_phase hook. */
  private beginPhase(phase: Phase): void {
    const steps: (() => void)[] = [];
    const next = (): void => steps.shift()?.();
    if (this.askApprover && this.setup.ports.approver !== undefined) {
      const approver = this.setup.ports.approver;
      // Deferred, so that an approver that throws fails the phase like one whose answer errors.
      const decision$ = defer(() => approver.decide({ phase, state: this.snapshot(phase.id) }));
      steps.push(() => this.waitFor(phase.id, decision$, (decision) => this.onDecision(phase, decision, next)));
    }
    const memory = this.setup.ports.memory;
    if (phase.memoryMb !== undefined && memory !== undefined && !this.setup.dryRun) {
      const request = { owner: `phase-${phase.id}`, mb: phase.memoryMb };
      steps.push(() => this.waitFor(phase.id, leaseOf(memory, request), (lease) => ((this.runOf(phase.id).lease = lease), next())));
    }
    steps.push(() => this.callPlugins('pre_phase', phase.id, next));
    steps.push(() => this.attempt(phase, 1, phase.prompt));
    next();
  }

  private onDecision(phase: Phase, decision: string, next: () => void): void {
    if (decision === 'skip') return this.finishPhase(phase, 'skipped', 'skipped by the user');
    if (decision === 'abort') {
      this.cancel('aborted by the user');
      return this.finishPhase(phase, 'cancelled', 'aborted by the user');
    }
    if (decision === 'run_all') this.askApprover = false;
    next();
  }

  /** Follows one asynchronous step of a phase; a failure of the step fails the phase. */
  private waitFor<T>(id: number, input: ObservableInput<T>, then: (value: T) => void): void {
    let settled = false;
    const wait = new Subscription();
    this.waits.set(id, wait);
    wait.add(
      from(input).subscribe({
        next: (value) => {
          if (settled) return;
          settled = true;
          this.waits.delete(id);
          wait.unsubscribe();
          then(value);
        },
        error: (error: unknown) => {
          this.waits.delete(id);
          this.runOf(id).error = toEventError(error);
          this.finishPhase(this.phaseOf(id), 'failed', 'could not start');
        },
      }),
    );
  }

  private attempt(phase: Phase, attempt: number, prompt: string): void {
    if (this.stopped === 'cancelled') return this.finishPhase(phase, 'cancelled', 'the run was cancelled');
    const run = this.runOf(phase.id);
    run.attempts = attempt;
    run.startedAtMs ??= this.setup.scheduler.now();
    this.emit({ type: 'phase:started', phaseId: phase.id, attempt });
    const request = { runId: this.setup.runId, phase, attempt, prompt };
    // A dry run plays each phase for its estimate, which is a guess of its length, not a prediction of a timeout.
    const timeoutMs = this.setup.dryRun ? Number.POSITIVE_INFINITY : this.setup.config.timeoutPerPhaseMs;
    let settled = false;
    const running = startAttempt(this.setup.ports.runner, request, timeoutMs, this.setup.scheduler, {
      output: (stream, text) => this.emit({ type: 'phase:output', phaseId: phase.id, attempt, stream, text }),
      settled: (result) => {
        settled = true;
        this.attempts.delete(phase.id);
        this.onResult(phase, attempt, prompt, result);
      },
    });
    // A runner may settle before startAttempt returns (an in-memory one does): then there is nothing to track.
    if (!settled) this.attempts.set(phase.id, running);
  }

  private onResult(phase: Phase, attempt: number, prompt: string, result: AttemptResult): void {
    const run = this.runOf(phase.id);
    if (result.agent !== undefined) run.agent = result.agent;
    if (result.outcome === 'rate_limited') {
      const resetIn = result.resetAt === undefined ? this.setup.config.rateLimitWaitMs : Math.max(0, result.resetAt - this.setup.scheduler.now());
      this.emit({ type: 'phase:retrying', phaseId: phase.id, attempt, delayMs: resetIn, reason: result.message, rateLimited: true });
      return this.later(phase.id, resetIn, () => this.attempt(phase, attempt, prompt));
    }
    if ('validation' in result && result.validation !== undefined) run.validation = result.validation;
    if (result.outcome === 'succeeded') {
      this.breaker.recordSuccess();
      if (result.scriptCheckpoint !== undefined) run.scriptCheckpoint = result.scriptCheckpoint;
      const threshold = this.setup.config.qualityThreshold;
      const partial = threshold !== null && result.quality !== undefined && result.quality < threshold;
      return this.finishPhase(phase, partial ? 'partial' : 'success', partial ? `quality ${result.quality} below ${threshold}` : undefined);
    }
    run.error = result.error;
    this.breaker.recordFailure();
    if (attempt > this.setup.config.maxRetries || this.stopped === 'cancelled') return this.finishPhase(phase, 'failed', result.error.message);
    const delayMs = backoffDelayMs(attempt, this.setup.config.backoff, (this.setup.ports.random ?? Math.random)());
    this.emit({ type: 'phase:retrying', phaseId: phase.id, attempt, delayMs, reason: result.error.message, rateLimited: false });
    this.later(phase.id, delayMs, () => this.retryWhenAdmitted(phase, attempt + 1, retryPrompt(phase, result.error.message)));
  }

  private retryWhenAdmitted(phase: Phase, attempt: number, prompt: string): void {
    if (this.breaker.tryAdmit()) return this.attempt(phase, attempt, prompt);
    // Released by onBreaker once admitted: asking the breaker again would take a second probe slot and fail.
    this.heldRetries.set(phase.id, () => this.attempt(phase, attempt, prompt));
  }

  /** Runs a phase's next step after a wait (backoff, rate limit); cancelling the run ends the wait at once. */
  private later(id: number, delayMs: number, action: () => void): void {
    const timer = this.setup.scheduler.schedule(() => {
      this.delayed.delete(id);
      action();
    }, delayMs);
    if (!timer.closed) this.delayed.set(id, timer);
  }

  /** Ends a phase: records it, tells plugins, releases its dependents or skips them, and starts what can start. */
  private finishPhase(phase: Phase, status: FinishedStatus, reason?: string, resumed = false): void {
    const run = this.runOf(phase.id);
    if (TERMINAL.has(run.status)) return;
    const wasDispatched = run.status === 'running';
    this.waits.get(phase.id)?.unsubscribe();
    this.waits.delete(phase.id);
    this.heldRetries.delete(phase.id);
    this.delayed.get(phase.id)?.unsubscribe();
    this.delayed.delete(phase.id);
    run.status = status;
    this.ended += 1;
    if (reason !== undefined) run.reason = reason;
    run.finishedAtMs = this.setup.scheduler.now();
    run.satisfies = resumed || status === 'success' || (status === 'partial' && this.setup.config.partialSatisfiesDependents);
    if (wasDispatched) this.dispatcher.finished(phase.id);
    if (run.lease !== undefined) this.setup.ports.memory?.free(run.lease);
    this.emit(finishedEvent(phase, run));
    if (run.attempts > 0) this.record(phase, run, status);
    if (status === 'success') this.callPlugins('post_phase', phase.id);
    if (status === 'failed') this.callPlugins('on_failure', phase.id);
    this.release(phase, run);
    if (status === 'failed' && !phase.canSkip && !this.setup.config.keepGoing && this.stopped === undefined) {
      this.stopped = 'fail-fast';
      this.endNotStarted('skipped', `not started: phase ${phase.id} failed`);
    }
    this.resetWatchdog();
    this.requestPump();
    this.maybeFinish();
  }

  // Phases ending at the same instant all free their workers before the next choice is made, as in the
  // simulation: the choice runs as the instant's last action.
  private requestPump(): void {
    if (this.pumpScheduled || this.finished) return;
    this.pumpScheduled = true;
    this.work.add(
      this.setup.scheduler.schedule(() => {
        this.pumpScheduled = false;
        this.pump();
        this.maybeFinish();
      }, 0),
    );
  }

  private release(phase: Phase, run: PhaseRun): void {
    for (const dependentId of this.dependents.get(phase.id) ?? []) {
      const dependent = this.runOf(dependentId);
      if (dependent.status !== 'pending') continue;
      if (!run.satisfies) {
        // During a sweep the dependent ends for the sweep's reason, not for a dependency the sweep just ended.
        this.finishPhase(this.phaseOf(dependentId), this.sweep?.status ?? 'skipped', this.sweep?.reason ?? `dependency ${phase.id} ${run.status}`);
        continue;
      }
      dependent.waitingOn -= 1;
      // A dependent that resume settles as complete is not queued first (start() ends it before anything runs).
      const resumed = this.setup.resume.get(dependentId)?.run === false;
      if (dependent.waitingOn === 0 && this.stopped === undefined && this.breaker.state !== 'open' && !resumed) this.enqueue(dependentId);
    }
  }

  /** Ends every phase that has not started, with one status and reason, whatever order their dependencies end in. */
  private endNotStarted(status: FinishedStatus, reason: string): void {
    const outer = this.sweep;
    this.sweep = { status, reason };
    for (const phase of this.setup.plan.phases) {
      const current = this.runOf(phase.id).status;
      if (current === 'pending' || current === 'queued') this.finishPhase(phase, status, reason);
    }
    this.sweep = outer;
  }

  private record(phase: Phase, run: PhaseRun, status: FinishedStatus): void {
    const store = this.setup.ports.store;
    if (store === undefined || this.setup.dryRun) return;
    const record = buildPhaseRecord(phase, run, status, { runId: this.setup.runId, hypervisorVersion: this.setup.ports.hypervisorVersion ?? '0.0.0' });
    // Deferred, so that a store that throws instead of rejecting is reported like one that rejects.
    this.track(defer(() => store.write(phase, record)), (error) => {
      this.emit({ type: 'checkpoint:failed', phaseId: phase.id, error: toEventError(error) });
    });
  }

  private callPlugins(hook: HookType, phaseId: number | null, then?: () => void): void {
    const host = this.setup.ports.plugins;
    if (host === undefined || this.setup.dryRun) return then?.();
    this.track(
      host.runHook(hook, this.snapshot(phaseId)),
      undefined,
      (reports) => {
        for (const report of reports) {
          if (report.outcome === 'ok') continue;
          const error = toEventError(report.error);
          this.emit({ type: 'plugin:failed', plugin: report.plugin, hook, timedOut: report.outcome === 'timed-out', error });
        }
        then?.();
      },
    );
  }

  /** Counts an asynchronous side effect, so the run finishes only after it. */
  private track<T>(input: ObservableInput<T>, onError?: (error: unknown) => void, onValue?: (value: T) => void): void {
    this.pending += 1;
    const done = (): void => {
      this.pending -= 1;
      this.maybeFinish();
    };
    this.work.add(
      from(input).subscribe({
        next: (value) => onValue?.(value),
        error: (error: unknown) => {
          onError?.(error);
          done();
        },
        complete: done,
      }),
    );
  }

  private onBreaker(state: BreakerState, failures: number): void {
    if (state === 'open') {
      this.emit({ type: 'breaker:opened', consecutiveFailures: failures, cooldownMs: this.setup.config.breaker.cooldownMs });
      this.endNotStarted('skipped', 'circuit-open');
      return;
    }
    this.emit({ type: state === 'half-open' ? 'breaker:half-opened' : 'breaker:closed' });
    for (const [id, retry] of [...this.heldRetries]) {
      if (!this.breaker.tryAdmit()) break;
      this.heldRetries.delete(id);
      retry();
    }
    this.requestPump();
  }

  private resetWatchdog(): void {
    // A run that ended while starting (everything resumed as complete) must leave no timer behind.
    if (this.mode !== 'parallel' || this.finished) return;
    this.watchdog?.unsubscribe();
    this.watchdog = this.setup.scheduler.schedule(() => this.fallBack(), this.setup.config.stallWindowMs);
  }

  private fallBack(): void {
    if (this.finished || this.mode !== 'parallel') return;
    this.mode = 'sequential';
    this.dispatcher.setWorkers(1);
    this.breaker.arm(ARMED_THRESHOLD);
    const windowMs = this.setup.config.stallWindowMs;
    this.emit({ type: 'mode:fell-back', from: 'parallel', to: 'sequential', reason: `no phase finished for ${windowMs} ms` });
  }

  private snapshot(phaseId: number | null): HypervisorState {
    return {
      currentPhase: phaseId,
      mode: this.mode,
      activeWorkers: this.attempts.size,
      memoryInUseMb: this.setup.ports.memory?.usedMb() ?? 0,
      countsByStatus: countStatuses(this.runs.values()),
    };
  }

  private maybeFinish(): void {
    if (this.finished || this.finishing || this.pending > 0) return;
    if (this.attempts.size > 0 || this.waits.size > 0 || this.heldRetries.size > 0 || this.delayed.size > 0) return;
    if (this.ended < this.runs.size) return;
    this.finishing = true;
    const summary = buildSummary(this.setup.plan, this.runs, this.stopped === 'cancelled', this.setup.scheduler.now() - this.startedAtMs);
    const end = (): void => {
      this.emit({ type: 'run:finished', summary });
      this.dispose();
      this.setup.complete();
    };
    if (summary.outcome === 'succeeded') this.callPlugins('on_success', null, end);
    else end();
  }
}

