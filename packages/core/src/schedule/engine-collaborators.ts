import type { EventError, HypervisorState } from '@kazuba/hypervisor-v2';
import type { Phase } from '../plan/plan.js';
import type { PhaseBreaker } from './breaker.js';
import { DispatchLoop } from './dispatch-loop.js';
import type { Unstamped } from './engine-parts.js';
import { PhaseAdmission } from './phase-admission.js';
import { PhaseAttempts } from './phase-attempts.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { PhaseWaits } from './phase-waits.js';
import { RunEffects } from './run-effects.js';
import type { EngineSetup } from './run-engine.js';

/** What the engine's collaborators may ask of it: its phases' state, its events, and its decisions. */
export interface EngineHost {
  runOf(id: number): PhaseRun;
  phaseOf(id: number): Phase;
  emit(event: Unstamped): void;
  snapshot(phaseId: number | null): HypervisorState;
  finish(phase: Phase, status: FinishedStatus, reason?: string): void;
  /** Something ended: the run may be over. */
  settled(): void;
  /** Whether the run stopped starting phases (a failure, a cancel, a fatal answer, the budget). */
  stopped(): boolean;
  begin(phaseId: number): void;
  cancel(reason: string): void;
  /** Why no attempt may start any more, when the run is halting. */
  haltReason(): string | undefined;
  halt(phase: Phase, error: EventError): void;
  spend(costUsd: number): void;
  budgetSpent(): boolean;
}

/** The loop that chooses what starts: by the remaining critical path, within the group policy. */
export function createLoop(setup: EngineSetup, breaker: PhaseBreaker, host: EngineHost): DispatchLoop {
  const { plan, config, priority, scheduler } = setup;
  const priorityOf = (id: number): number => priority.get(id) ?? 0;
  const groupOf = (id: number): string | null => plan.byId.get(id)?.parallelGroup ?? null;
  return new DispatchLoop(
    { config, priorityOf, groupOf, scheduler, breaker },
    { runOf: (id) => host.runOf(id), emit: (event) => host.emit(event), stopped: () => host.stopped(), begin: (id) => host.begin(id), settled: () => host.settled() },
  );
}

/** The records and plugin hooks; a dry run neither writes records nor calls plugins. */
export function createEffects(setup: EngineSetup, host: EngineHost): RunEffects {
  const { ports, dryRun, runId } = setup;
  return new RunEffects({
    store: dryRun ? undefined : ports.store,
    plugins: dryRun ? undefined : ports.plugins,
    runId,
    hypervisorVersion: ports.hypervisorVersion ?? '0.0.0',
    emit: (event) => host.emit(event),
    snapshot: (id) => host.snapshot(id),
    settled: () => host.settled(),
  });
}

/** The attempts of each phase: timeouts, retries, rate limits, budget. */
export function createAttempts(setup: EngineSetup, parts: { readonly breaker: PhaseBreaker; readonly waits: PhaseWaits }, host: EngineHost): PhaseAttempts {
  const { ports, config, dryRun, runId, scheduler } = setup;
  // A dry run plays each phase for its estimate, which is a guess of its length, not a prediction of a timeout.
  const timeoutMs = dryRun ? Number.POSITIVE_INFINITY : config.timeoutPerPhaseMs;
  return new PhaseAttempts(
    { runId, runner: ports.runner, scheduler, timeoutMs, config, random: ports.random ?? Math.random, ...parts },
    {
      runOf: (id) => host.runOf(id),
      emit: (event) => host.emit(event),
      haltReason: () => host.haltReason(),
      finish: (phase, status, reason) => host.finish(phase, status, reason),
      halt: (phase, error) => host.halt(phase, error),
      spend: (costUsd) => host.spend(costUsd),
      budgetSpent: () => host.budgetSpent(),
    },
  );
}

/** What admits a phase before its first attempt: the approver (interactive runs only), memory, plugins. */
export function createAdmission(
  setup: EngineSetup,
  parts: { readonly waits: PhaseWaits; readonly effects: RunEffects; readonly attempts: PhaseAttempts },
  host: EngineHost,
): PhaseAdmission {
  const { ports, config, dryRun } = setup;
  const approver = config.mode === 'interactive' ? ports.approver : undefined;
  return new PhaseAdmission(
    { approver, memory: dryRun ? undefined : ports.memory, waits: parts.waits, plugins: parts.effects },
    {
      snapshot: (id) => host.snapshot(id),
      leased: (id, lease) => (host.runOf(id).lease = lease),
      end: (phase, status, reason) => host.finish(phase, status, reason),
      cancel: (reason) => host.cancel(reason),
      attempt: (phase) => parts.attempts.start(phase),
    },
  );
}
