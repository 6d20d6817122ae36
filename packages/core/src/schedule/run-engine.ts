import type { SchedulerLike } from 'rxjs';
import type { EventError, HypervisorEvent, HypervisorState } from '@kazuba/hypervisor-v2';
import { RESUMED_REASON, toEventError } from '@kazuba/hypervisor-v2';
import type { Phase, Plan } from '../plan/plan.js';
import { dependentsOf } from '../graph/topology.js';
import { createPhaseBreaker } from './breaker.js';
import type { BreakerState, PhaseBreaker, RestoredBreaker } from './breaker.js';
import type { HypervisorConfig } from './config.js';
import type { DispatchLoop } from './dispatch-loop.js';
import { finishedEvent } from './engine-parts.js';
import type { Unstamped } from './engine-parts.js';
import type { PhaseAdmission } from './phase-admission.js';
import type { PhaseAttempts } from './phase-attempts.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import { PhaseWaits } from './phase-waits.js';
import type { RunPorts } from './ports.js';
import type { PhaseResumeDecision } from './resume-decisions.js';
import type { RunEffects } from './run-effects.js';
import { buildSummary, countStatuses } from './run-records.js';
import { StallWatchdog } from './stall-watchdog.js';
import { createAdmission, createAttempts, createEffects, createLoop } from './engine-collaborators.js';
import type { EngineHost } from './engine-collaborators.js';

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
  /** The breaker an earlier run left open, as this run starts from it; none: it starts closed. */
  readonly restoredBreaker?: RestoredBreaker;
  /** Dry runs do not write records or call plugins. */
  readonly dryRun: boolean;
  readonly emit: (event: HypervisorEvent) => void;
  readonly complete: () => void;
}

const TERMINAL = new Set(['success', 'partial', 'failed', 'skipped', 'cancelled']);

/**
 * One run of a plan: moves each phase from pending to its end, releases or skips its dependents, reacts to the
 * breaker, stops on a failure, a cancel or a fatal answer, and emits every lifecycle event. Its collaborators
 * choose what starts ({@link DispatchLoop}), admit a phase ({@link PhaseAdmission}), run its attempts
 * ({@link PhaseAttempts}), hold it between steps ({@link PhaseWaits}), carry out records and plugin hooks
 * ({@link RunEffects}), and fall back from a stalled parallel run ({@link StallWatchdog}).
 * Effects come only through the ports and the scheduler.
 */
export class RunEngine {
  private readonly runs = new Map<number, PhaseRun>();
  private readonly dependents: ReadonlyMap<number, readonly number[]>;
  private readonly breaker: PhaseBreaker;
  private readonly loop: DispatchLoop;
  private readonly watchdog: StallWatchdog;
  private readonly waits: PhaseWaits;
  private readonly effects: RunEffects;
  private readonly attempts: PhaseAttempts;
  private readonly admission: PhaseAdmission;
  private readonly startedAtMs: number;
  private stopped: 'fail-fast' | 'cancelled' | 'fatal' | 'budget' | undefined;
  /** What the attempts have cost so far, as the agents reported it. */
  private spentUsd = 0;
  private costReported = false;
  private budgetReached = false;
  /** The fatal answer that stopped the run, if one did. */
  private fatal: { readonly phaseId: number; readonly error: EventError } | undefined;
  private ended = 0;
  private seq = 0;
  private finished = false;
  private finishing = false;
  /** Set while endNotStarted ends the phases that have not started. */
  private sweep: { readonly status: FinishedStatus; readonly reason: string } | undefined;

  constructor(private readonly setup: EngineSetup) {
    const { plan, config, scheduler } = setup;
    this.startedAtMs = scheduler.now();
    this.dependents = dependentsOf(plan);
    const initial = setup.restoredBreaker?.state === 'half-open' ? 'half-open' : 'closed';
    this.breaker = createPhaseBreaker({ ...config.breaker, scheduler, initial, onChange: (state, failures) => this.onBreaker(state, failures) });
    const host = this.host();
    this.loop = createLoop(setup, this.breaker, host);
    this.watchdog = new StallWatchdog({ config, scheduler, loop: this.loop, breaker: this.breaker, emit: (event) => this.emit(event) });
    this.waits = new PhaseWaits(scheduler, (id, error) => this.failStart(id, error));
    this.effects = createEffects(setup, host);
    this.attempts = createAttempts(setup, { breaker: this.breaker, waits: this.waits }, host);
    this.admission = createAdmission(setup, { waits: this.waits, effects: this.effects, attempts: this.attempts }, host);
    for (const phase of plan.phases) this.runs.set(phase.id, { status: 'pending', attempts: 0, waitingOn: phase.dependsOn.length, satisfies: false });
  }

  /** Emits `run:started`, settles resumed phases, restores the breaker an earlier run left open, and starts what is ready. */
  start(): void {
    const { plan, config } = this.setup;
    this.emit({ type: 'run:started', plan: plan.name, phaseIds: plan.phases.map((phase) => phase.id), mode: config.mode, maxWorkers: config.maxWorkers });
    for (const phase of plan.phases) {
      if (this.setup.resume.get(phase.id)?.run === false) this.finishPhase(phase, 'skipped', RESUMED_REASON, true);
    }
    // Before a cancel: the record of a run cancelled as it starts must still say the breaker is open.
    this.resumeBreaker();
    if (this.setup.ports.signal?.aborted === true) return this.cancel('cancelled');
    for (const phase of plan.phases) if (this.runOf(phase.id).status === 'pending' && this.runOf(phase.id).waitingOn === 0) this.loop.enqueue(phase.id);
    this.watchdog.restart();
    this.loop.pump();
    this.maybeFinish();
  }

  /**
   * Says how the run starts from the breaker an earlier run left open. Still open: like the phases not started when it
   * opened in that run, every phase not complete ends `circuit-open`. Half-open: the first phase to start is the probe.
   */
  private resumeBreaker(): void {
    const restored = this.setup.restoredBreaker;
    if (restored === undefined) return;
    const { state, fromRunId, openedAtMs, remainingMs } = restored;
    this.emit({ type: 'breaker:restored', state, fromRunId, openedAt: openedAtMs, remainingMs });
    if (state === 'open') this.endNotStarted('skipped', 'circuit-open');
  }

  /** Stops gracefully: running attempts are aborted and recorded as cancelled, nothing new starts. */
  cancel(reason: string): void {
    if (this.halted || this.finished) return;
    this.stopped = 'cancelled';
    this.endAll('cancelled', reason);
  }

  /** Whether the run is stopping everything: cancelled, or stopped by a fatal answer. */
  private get halted(): boolean {
    return this.stopped === 'cancelled' || this.stopped === 'fatal';
  }

  /** Ends every phase: not-started ones with `notStarted`, running attempts and waits aborted and recorded as cancelled. */
  private endAll(notStarted: FinishedStatus, reason: string): void {
    // Not-started phases first: ended after the running ones, their dependents would end `skipped`.
    this.endNotStarted(notStarted, reason);
    this.attempts.cancelAll(reason, (id) => this.finishPhase(this.phaseOf(id), 'cancelled', reason));
    for (const id of this.waits.ids()) this.finishPhase(this.phaseOf(id), 'cancelled', reason);
    this.maybeFinish();
  }

  /** Tears everything down without further events (the subscriber left). */
  dispose(): void {
    this.finished = true;
    this.attempts.cancelAll('the run was unsubscribed');
    for (const run of this.runs.values()) if (run.lease !== undefined && !TERMINAL.has(run.status)) this.setup.ports.memory?.free(run.lease);
    this.waits.dispose();
    this.loop.dispose();
    this.effects.dispose();
    this.watchdog.stop();
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

  /** A step before the first attempt failed: the phase fails with its error. */
  private failStart(id: number, error: unknown): void {
    this.runOf(id).error = toEventError(error);
    this.finishPhase(this.phaseOf(id), 'failed', 'could not start');
  }

  /** Counts an attempt's cost; reaching the budget ends every phase that has not started, reason `budget`. */
  private spend(costUsd: number): void {
    this.spentUsd += costUsd;
    this.costReported = true;
    const budgetUsd = this.setup.config.maxCostUsd;
    if (budgetUsd === null || this.budgetReached || this.spentUsd < budgetUsd) return;
    this.budgetReached = true;
    this.emit({ type: 'budget:reached', spentUsd: this.spentUsd, budgetUsd });
    this.stopped ??= 'budget';
    this.endNotStarted('skipped', 'budget');
  }

  /** A fatal answer: the phase fails without a retry or a breaker failure, and the whole run stops at once. */
  private halt(phase: Phase, error: EventError): void {
    this.runOf(phase.id).error = error;
    this.fatal = { phaseId: phase.id, error };
    const reason = `stopped: phase ${phase.id} ${error.code ?? 'failed'}`;
    this.stopped = 'fatal';
    // Its dependents end for the stop's reason, like every other phase that has not started.
    this.sweep = { status: 'skipped', reason };
    this.finishPhase(phase, 'failed', error.message);
    this.sweep = undefined;
    this.endAll('skipped', reason);
  }

  /** Ends a phase: records it, tells plugins, releases its dependents or skips them, and starts what can start. */
  private finishPhase(phase: Phase, status: FinishedStatus, reason?: string, resumed = false): void {
    const run = this.runOf(phase.id);
    if (TERMINAL.has(run.status)) return;
    const wasDispatched = run.status === 'running';
    this.waits.end(phase.id);
    run.status = status;
    this.ended += 1;
    if (reason !== undefined) run.reason = reason;
    run.finishedAtMs = this.setup.scheduler.now();
    run.satisfies = resumed || status === 'success' || (status === 'partial' && this.setup.config.partialSatisfiesDependents);
    if (wasDispatched) this.loop.finished(phase.id);
    // A probe that ends without a verdict (skipped by the user, could not start) leaves the probe to the next phase.
    if (this.breaker.abandonProbe(phase.id)) this.waits.release(() => this.breaker.tryAdmit());
    if (run.lease !== undefined) this.setup.ports.memory?.free(run.lease);
    this.emit(finishedEvent(phase, run));
    if (run.attempts > 0) this.effects.record(phase, run, status);
    if (status === 'success') this.effects.callPlugins('post_phase', phase.id);
    if (status === 'failed') this.effects.callPlugins('on_failure', phase.id);
    this.release(phase, run);
    if (status === 'failed' && !phase.canSkip && !this.setup.config.keepGoing && this.stopped === undefined) {
      this.stopped = 'fail-fast';
      this.endNotStarted('skipped', `not started: phase ${phase.id} failed`);
    }
    this.watchdog.restart();
    this.loop.request();
    this.maybeFinish();
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
      if (dependent.waitingOn === 0 && this.stopped === undefined && this.breaker.state !== 'open' && !resumed) this.loop.enqueue(dependentId);
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

  private onBreaker(state: BreakerState, failures: number): void {
    if (state === 'open') {
      this.emit({ type: 'breaker:opened', consecutiveFailures: failures, cooldownMs: this.setup.config.breaker.cooldownMs });
      this.endNotStarted('skipped', 'circuit-open');
      return;
    }
    this.emit({ type: state === 'half-open' ? 'breaker:half-opened' : 'breaker:closed' });
    this.waits.release(() => this.breaker.tryAdmit());
    this.loop.request();
  }

  /** What the collaborators may ask of the engine (see `engine-collaborators.ts`). */
  private host(): EngineHost {
    return {
      runOf: (id) => this.runOf(id),
      phaseOf: (id) => this.phaseOf(id),
      emit: (event) => this.emit(event),
      snapshot: (id) => this.snapshot(id),
      finish: (phase, status, reason) => this.finishPhase(phase, status, reason),
      settled: () => this.maybeFinish(),
      stopped: () => this.stopped !== undefined,
      begin: (id) => this.admission.begin(this.phaseOf(id)),
      cancel: (reason) => this.cancel(reason),
      haltReason: () => (this.halted ? (this.stopped === 'fatal' ? 'the run was stopped' : 'the run was cancelled') : undefined),
      halt: (phase, error) => this.halt(phase, error),
      spend: (costUsd) => this.spend(costUsd),
      budgetSpent: () => this.budgetReached,
    };
  }

  private snapshot(phaseId: number | null): HypervisorState {
    return {
      currentPhase: phaseId,
      mode: this.watchdog.mode,
      activeWorkers: this.attempts.count,
      memoryInUseMb: this.setup.ports.memory?.usedMb() ?? 0,
      countsByStatus: countStatuses(this.runs.values()),
    };
  }

  private maybeFinish(): void {
    if (this.finished || this.finishing || !this.effects.idle) return;
    if (this.attempts.count > 0 || !this.waits.idle) return;
    if (this.ended < this.runs.size) return;
    this.finishing = true;
    const summary = buildSummary(this.setup.plan, this.runs, {
      cancelled: this.stopped === 'cancelled',
      durationMs: this.setup.scheduler.now() - this.startedAtMs,
      ...(this.fatal === undefined ? {} : { fatal: this.fatal }),
      ...(this.costReported ? { costUsd: this.spentUsd } : {}),
      ...(this.setup.config.maxCostUsd === null ? {} : { budgetUsd: this.setup.config.maxCostUsd }),
    });
    const end = (): void => {
      this.emit({ type: 'run:finished', summary });
      this.dispose();
      this.setup.complete();
    };
    if (summary.outcome === 'succeeded') this.effects.callPlugins('on_success', null, end);
    else end();
  }
}
