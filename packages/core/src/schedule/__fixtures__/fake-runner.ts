import { NEVER, concatMap, finalize, from, throwError, timer } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Phase } from '../../plan/plan.js';
import type { AgentProgress, AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../ports.js';

/** How one scripted attempt behaves: after `after` ms it emits `output`, then ends as the step says. */
export type ScriptStep =
  | { readonly after?: number; readonly output?: readonly string[]; readonly progress?: readonly AgentProgress[]; readonly result: AttemptResult }
  | { readonly after?: number; readonly error: unknown }
  /** Never ends by itself: only its abort signal or unsubscription stops it. */
  | { readonly hang: true }
  /** `runner.run` itself throws, before returning an Observable. */
  | { readonly throwOnCall: unknown };

/** What the fake runner saw of one attempt. */
export interface AttemptCall {
  readonly phaseId: number;
  readonly attempt: number;
  readonly prompt: string;
  readonly signal: AbortSignal;
  /** The agent session the attempt was asked to resume. */
  readonly resumeSession?: string;
  /** Scheduler time of the call. */
  readonly calledAt: number;
  /** Scheduler time the signal aborted, and why. */
  abortedAt?: number;
  abortReason?: unknown;
  /** Scheduler time the scheduler unsubscribed from (or completed) the attempt's Observable. */
  endedAt?: number;
}

/** A {@link PhaseRunner} test double that plays a script on a scheduler and records every call. */
export interface FakeRunner extends PhaseRunner {
  readonly calls: readonly AttemptCall[];
  /** The calls of one phase, in order. */
  callsOf(phaseId: number): readonly AttemptCall[];
}

/** Options of {@link createFakeRunner}. */
export interface FakeRunnerOptions {
  readonly scheduler: SchedulerLike;
  /**
   * Steps per phase id, one per call (rate-limited re-runs included). A call the script does not cover succeeds
   * after the phase's `estimates.durationMs` (or at once).
   */
  readonly script?: Readonly<Record<number, readonly ScriptStep[]>>;
}

/** Succeeds after `after` ms, with whatever extra the result should carry. */
export function succeed(after: number, extra: Omit<Extract<AttemptResult, { outcome: 'succeeded' }>, 'outcome'> = {}): ScriptStep {
  return { after, result: { outcome: 'succeeded', ...extra } };
}

/** Fails after `after` ms with `message` (and `code`). */
export function fail(after: number, message: string, code = 'phase_failed'): ScriptStep {
  return { after, result: { outcome: 'failed', error: { name: 'PhaseFailure', code, message } } };
}

/** Reports a rate limit after `after` ms, with the reset time when given. */
export function rateLimit(after: number, resetAt?: number): ScriptStep {
  return { after, result: { outcome: 'rate_limited', message: 'usage limit reached', ...(resetAt === undefined ? {} : { resetAt }) } };
}


function play(step: ScriptStep, scheduler: SchedulerLike): Observable<RunnerEvent> {
  if ('hang' in step) return NEVER;
  if ('throwOnCall' in step) throw step.throwOnCall;
  const after = step.after ?? 0;
  const outputs =
    'result' in step
      ? [
          ...(step.output ?? []).map((text): RunnerEvent => ({ type: 'output', stream: 'stdout', text })),
          ...(step.progress ?? []).map((progress): RunnerEvent => ({ type: 'agent', progress })),
        ]
      : [];
  const settle$: Observable<RunnerEvent> = 'error' in step ? throwError(() => step.error) : from([...outputs, { type: 'result' as const, result: step.result }]);
  return after === 0 ? settle$ : timer(after, scheduler).pipe(concatMap(() => settle$));
}

/**
 * Creates a fake runner on `scheduler`. Each call takes the next step of its phase's script; a step with
 * `after: 0` settles synchronously, the way an in-memory runner would.
 */
export function createFakeRunner(options: FakeRunnerOptions): FakeRunner {
  const calls: AttemptCall[] = [];
  const served = new Map<number, number>();
  const stepFor = (phase: Phase): ScriptStep => {
    const index = served.get(phase.id) ?? 0;
    served.set(phase.id, index + 1);
    return options.script?.[phase.id]?.[index] ?? succeed(phase.estimates.durationMs ?? 0);
  };
  return {
    calls,
    callsOf: (phaseId) => calls.filter((call) => call.phaseId === phaseId),
    run(request: AttemptRequest) {
      const { scheduler } = options;
      const call: AttemptCall = {
        phaseId: request.phase.id,
        attempt: request.attempt,
        prompt: request.prompt,
        signal: request.signal,
        calledAt: scheduler.now(),
        ...(request.resumeSession === undefined ? {} : { resumeSession: request.resumeSession }),
      };
      calls.push(call);
      request.signal.addEventListener('abort', () => {
        call.abortedAt = scheduler.now();
        call.abortReason = request.signal.reason;
      });
      return play(stepFor(request.phase), scheduler).pipe(
        finalize(() => {
          call.endedAt = scheduler.now();
        }),
      );
    },
  };
}

/** The runner's Observable errors after `after` ms. */
export function crash(after: number, error: unknown): ScriptStep {
  return { after, error };
}
