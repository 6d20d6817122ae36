import { map, of, throwError, timer } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import type { HypervisorState } from '@kazuba/hypervisor-v2';
import type { Phase } from '../../plan/plan.js';
import type { ApprovalDecision, Approver } from '../ports.js';

/** One question the approver was asked. */
export interface ApprovalRequest {
  readonly phase: Phase;
  readonly state: Readonly<HypervisorState>;
  /** Scheduler time of the question. */
  readonly askedAt: number;
}

/** An {@link Approver} test double that answers from a script and records every question. */
export interface ScriptedApprover extends Approver {
  readonly requests: readonly ApprovalRequest[];
}

/** Options of {@link createScriptedApprover}. */
export interface ScriptedApproverOptions {
  readonly scheduler: SchedulerLike;
  /** The answer for each phase id; `run` for a phase not listed. */
  readonly decisions?: Readonly<Record<number, ApprovalDecision>>;
  /** How long the person takes to answer; 0 answers synchronously. */
  readonly thinkMs?: number;
  /** Makes `decide` fail instead of answering: its Observable errors, or the call itself throws. */
  readonly failure?: { readonly error: unknown } | { readonly throw: unknown };
}

/** Creates a {@link ScriptedApprover}. */
export function createScriptedApprover(options: ScriptedApproverOptions): ScriptedApprover {
  const requests: ApprovalRequest[] = [];
  return {
    requests,
    decide({ phase, state }): Observable<ApprovalDecision> {
      requests.push({ phase, state, askedAt: options.scheduler.now() });
      const failure = options.failure;
      if (failure !== undefined && 'throw' in failure) throw failure.throw;
      if (failure !== undefined) return throwError(() => failure.error);
      const decision = options.decisions?.[phase.id] ?? 'run';
      const thinkMs = options.thinkMs ?? 0;
      return thinkMs === 0 ? of(decision) : timer(thinkMs, options.scheduler).pipe(map(() => decision));
    },
  };
}
