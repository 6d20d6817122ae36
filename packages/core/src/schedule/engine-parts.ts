import { Observable } from 'rxjs';
import type { HypervisorEvent, MemoryLease, MemoryRequest, UnifiedMemoryManager } from '@kazuba/hypervisor-v2';
import type { Phase } from '../plan/plan.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { AgentReport, AttemptConflict } from './ports.js';

/** An event before the engine stamps it with run id, sequence number and time. */
export type Unstamped = HypervisorEvent extends infer E ? (E extends HypervisorEvent ? Omit<E, 'runId' | 'seq' | 'timestamp'> : never) : never;

/** The fields of an agent's report that lifecycle events carry. */
export function agentFields(agent: AgentReport | undefined): { exitCode?: number | null; turns?: number; costUsd?: number; sessionId?: string; model?: string } {
  if (agent === undefined) return {};
  return {
    exitCode: agent.exitCode,
    ...(agent.turns === undefined ? {} : { turns: agent.turns }),
    ...(agent.costUsd === undefined ? {} : { costUsd: agent.costUsd }),
    ...(agent.sessionId === undefined ? {} : { sessionId: agent.sessionId }),
    ...(agent.model === undefined ? {} : { model: agent.model }),
  };
}

/** The `phase:finished` event of a phase that has just ended. */
export function finishedEvent(phase: Phase, run: PhaseRun): Unstamped {
  const duration = run.startedAtMs === undefined ? 0 : (run.finishedAtMs ?? run.startedAtMs) - run.startedAtMs;
  const agent = run.agent;
  return {
    type: 'phase:finished',
    phaseId: phase.id,
    status: run.status as FinishedStatus,
    attempts: run.attempts,
    durationMs: duration,
    ...(run.reason === undefined ? {} : { reason: run.reason }),
    ...(run.error === undefined || run.status === 'success' ? {} : { error: run.error }),
    ...agentFields(agent),
    ...(agent?.permissionDenials === undefined ? {} : { permissionDenials: [...agent.permissionDenials] }),
    ...(run.quality === undefined ? {} : { quality: run.quality }),
  };
}

/**
 * Memory for a phase, as soon as it fits. Unsubscribing withdraws the request, and frees a lease granted too late
 * to be taken, so that a cancelled wait leaves nothing allocated.
 */
export function leaseOf(memory: UnifiedMemoryManager, request: MemoryRequest): Observable<MemoryLease> {
  return new Observable<MemoryLease>((subscriber) => {
    const controller = new AbortController();
    memory.whenAvailable(request, controller.signal).then(
      (lease) => {
        if (subscriber.closed) memory.free(lease);
        else subscriber.next(lease);
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => controller.abort(new Error(`${request.owner} no longer waits for memory`));
  });
}

/** What a retry after a merge conflict tells the agent: the files, who changed them, where its own work is. */
function conflictAdvice(conflict: AttemptConflict): string {
  const others = conflict.phases.map((other) => `phase ${other.id} (${other.title})`).join(', ');
  const by = others === '' ? 'changes merged while it ran' : `the work of ${others}, merged while it ran`;
  return (
    `\n\nIts changes to ${conflict.files.join(', ')} conflict with ${by}. This attempt starts from the branch as it is ` +
    `now, which holds that work; the previous attempt's changes are on branch ${conflict.branch}. Make the change ` +
    'again on top of the current files, keeping the other work.'
  );
}

/**
 * The prompt of a retry: what went wrong (after a merge conflict, which files and which phases) and the phase's
 * recovery plan, after the phase's prompt, or alone when the retry resumes the agent's session (which holds the
 * phase's prompt already).
 */
export function retryPrompt(phase: Phase, failure: string, resumesSession = false, conflict?: AttemptConflict): string {
  const recovery = phase.recoveryPlan === undefined ? '' : `\n\nRecovery plan: ${phase.recoveryPlan}`;
  const advice = conflict === undefined ? '' : conflictAdvice(conflict);
  const retry = `The previous attempt failed: ${failure}${advice}${recovery}`;
  return resumesSession ? retry : `${phase.prompt}\n\n${retry}`;
}
