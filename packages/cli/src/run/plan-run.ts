import type { Approver, Estimator, HypervisorConfigInput, Plan } from '@kazuba/core';
import { createPlanRun } from '@kazuba/core/node';
import type { AgentProfileInput, IsolationDecision, RecoveredRun, RoutingRule } from '@kazuba/core/node';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';

/** What {@link startPlanRun} needs: the (possibly cut down) plan and how to run it. */
export interface PlanRunSetup {
  readonly plan: Plan;
  readonly root: string;
  readonly runId: string;
  readonly config: HypervisorConfigInput & { readonly mode: NonNullable<HypervisorConfigInput['mode']>; readonly checkpointFormat: 'toon' | 'kazuba' };
  readonly agent: string;
  readonly profiles: readonly AgentProfileInput[];
  /** The routing rules (first match wins), already validated. */
  readonly routing: readonly RoutingRule[];
  readonly maxTurns?: number;
  readonly deniedEdits: 'partial' | 'failed';
  readonly isolation: 'auto' | 'worktree' | 'none';
  readonly allowDirty: boolean;
  readonly onIsolation: (decision: IsolationDecision) => void;
  readonly onRecovery: (recovered: readonly RecoveredRun[]) => void;
  /** Told that the run's own writes found the storage full: the run stops as on a cancel. */
  readonly onStorageFull: (message: string) => void;
  /** Told that the run's event log could not be written: the run goes on without it. */
  readonly onEventLogFailure: (message: string) => void;
  readonly estimator: Estimator;
  readonly signal: AbortSignal;
  readonly hypervisorVersion: string;
  readonly approver?: Approver;
}

/** Callbacks of a running plan. */
export interface PlanRunObserver {
  readonly next: (event: HypervisorEvent) => void;
  /** The run is over, no process of it is left and every record is written. */
  readonly done: () => void;
  readonly failed: (error: unknown) => void;
}

/** A running plan. */
export interface PlanRunHandle {
  /** Stops at once: attempts aborted, their process groups stopped, no more records or events. */
  stopNow(): void;
}

/**
 * Runs a plan already loaded (so that `--only`/`--from` can cut it down, and the display knows its phases) with
 * `@kazuba/core/node`'s `createPlanRun`: phases as processes in their own groups, logs and the run record under
 * `.hypervisor/runs/<run-id>/`, checkpoints through the file store. A dry run writes nothing and starts no process.
 */
export function startPlanRun(setup: PlanRunSetup, observer: PlanRunObserver): PlanRunHandle {
  const subscription = createPlanRun(setup.plan, {
    root: setup.root,
    runId: setup.runId,
    config: setup.config,
    agent: setup.agent,
    profiles: setup.profiles,
    routing: setup.routing,
    deniedEdits: setup.deniedEdits,
    isolation: setup.isolation,
    allowDirty: setup.allowDirty,
    onIsolation: setup.onIsolation,
    onRecovery: setup.onRecovery,
    onStorageFull: setup.onStorageFull,
    onEventLogFailure: setup.onEventLogFailure,
    ...(setup.maxTurns === undefined ? {} : { maxTurns: setup.maxTurns }),
    estimator: setup.estimator,
    signal: setup.signal,
    hypervisorVersion: setup.hypervisorVersion,
    ...(setup.approver === undefined ? {} : { approver: setup.approver }),
  }).subscribe({ next: observer.next, complete: observer.done, error: observer.failed });
  // Unsubscribing aborts the attempts and stops their process groups (createPlanRun's teardown).
  return { stopNow: () => subscription.unsubscribe() };
}
