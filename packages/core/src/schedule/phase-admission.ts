import { defer } from 'rxjs';
import type { HypervisorState, MemoryLease, UnifiedMemoryManager } from '@kazuba/hypervisor-v2';
import type { Phase } from '../plan/plan.js';
import { leaseOf } from './engine-parts.js';
import type { PhaseWaits } from './phase-waits.js';
import type { ApprovalDecision, Approver } from './ports.js';
import type { RunEffects } from './run-effects.js';

/** What admitting a phase needs from the run. */
export interface AdmissionHost {
  /** The run's state, as the approver sees it. */
  snapshot(phaseId: number): HypervisorState;
  /** The phase holds this memory until it ends. */
  leased(phaseId: number, lease: MemoryLease): void;
  /** Ends the phase before its first attempt. */
  end(phase: Phase, status: 'skipped' | 'cancelled', reason: string): void;
  /** Cancels the whole run. */
  cancel(reason: string): void;
  /** Starts the phase's first attempt: everything admitted it. */
  attempt(phase: Phase): void;
}

/** Who may hold a phase back before its first attempt, and how it waits for them. */
export interface AdmissionOptions {
  /** Asked before each phase until it answers `run_all`; none outside interactive mode. */
  readonly approver: Approver | undefined;
  /** Grants phases that declare `memory_mb`; none in a dry run. */
  readonly memory: UnifiedMemoryManager | undefined;
  /** Follows each step; a step that fails fails the phase. */
  readonly waits: Pick<PhaseWaits, 'follow'>;
  /** Runs the `pre_phase` hook. */
  readonly plugins: Pick<RunEffects, 'callPlugins'>;
}

/**
 * The steps before a phase's first attempt, in order: the approver's decision, a memory lease, the `pre_phase`
 * plugin hook. Each step waits for the previous one.
 */
export class PhaseAdmission {
  private approver: Approver | undefined;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly host: AdmissionHost,
  ) {
    this.approver = options.approver;
  }

  /** Takes a phase that the dispatcher chose through its steps to its first attempt. */
  begin(phase: Phase): void {
    const steps: (() => void)[] = [];
    const next = (): void => steps.shift()?.();
    const { memory, waits, plugins } = this.options;
    const approver = this.approver;
    if (approver !== undefined) {
      // Deferred, so that an approver that throws fails the phase like one whose answer errors.
      const decision$ = defer(() => approver.decide({ phase, state: this.host.snapshot(phase.id) }));
      steps.push(() => waits.follow(phase.id, decision$, (decision) => this.onDecision(phase, decision, next)));
    }
    if (phase.memoryMb !== undefined && memory !== undefined) {
      const request = { owner: `phase-${phase.id}`, mb: phase.memoryMb };
      steps.push(() => waits.follow(phase.id, leaseOf(memory, request), (lease) => (this.host.leased(phase.id, lease), next())));
    }
    steps.push(() => plugins.callPlugins('pre_phase', phase.id, next));
    steps.push(() => this.host.attempt(phase));
    next();
  }

  private onDecision(phase: Phase, decision: ApprovalDecision, next: () => void): void {
    if (decision === 'skip') return this.host.end(phase, 'skipped', 'skipped by the user');
    if (decision === 'abort') {
      this.host.cancel('aborted by the user');
      return this.host.end(phase, 'cancelled', 'aborted by the user');
    }
    if (decision === 'run_all') this.approver = undefined;
    next();
  }
}
