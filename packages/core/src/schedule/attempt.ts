import { Subscription, defer } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { AgentProgress, AttemptRequest, AttemptResult, PhaseRunner } from './ports.js';

/** What the engine hears from one attempt. */
export interface AttemptListener {
  output(stream: 'stdout' | 'stderr', text: string): void;
  /** What the agent says about its progress. */
  agent(progress: AgentProgress): void;
  /** Called exactly once, unless the attempt is cancelled first. */
  settled(result: AttemptResult): void;
}

/** A running attempt, which the engine can cancel. */
export interface RunningAttempt {
  /** Aborts the attempt's signal with `reason` and stops listening; `settled` is not called afterwards. */
  cancel(reason: unknown): void;
}

function timeoutResult(timeoutMs: number): AttemptResult {
  return { outcome: 'failed', error: { name: 'TimeoutError', code: 'timeout', message: `the attempt did not finish within ${timeoutMs} ms` } };
}

/**
 * Runs one attempt under a time limit: subscribes to the runner, relays output, and settles with the runner's
 * result, with a failure when the runner errors or completes without a result, or with a timeout failure after
 * aborting the attempt's signal and unsubscribing (which stops the process tree). An infinite `timeoutMs` sets no limit.
 */
export function startAttempt(runner: PhaseRunner, request: Omit<AttemptRequest, 'signal'>, timeoutMs: number, scheduler: SchedulerLike, listener: AttemptListener): RunningAttempt {
  const controller = new AbortController();
  const work = new Subscription();
  let done = false;
  const finish = (result: AttemptResult | undefined, abortReason?: unknown): void => {
    if (done) return;
    done = true;
    if (abortReason !== undefined) controller.abort(abortReason);
    work.unsubscribe();
    if (result !== undefined) listener.settled(result);
  };
  if (Number.isFinite(timeoutMs)) work.add(scheduler.schedule(() => finish(timeoutResult(timeoutMs), new Error(`timed out after ${timeoutMs} ms`)), timeoutMs));
  let result: AttemptResult | undefined;
  work.add(
    // Deferred, so that a runner that throws instead of returning an Observable fails the attempt.
    defer(() => runner.run({ ...request, signal: controller.signal })).subscribe({
      next: (event) => {
        if (event.type === 'output') listener.output(event.stream, event.text);
        else if (event.type === 'agent') listener.agent(event.progress);
        else result = event.result;
      },
      error: (error: unknown) => finish({ outcome: 'failed', error: toEventError(error) }),
      complete: () =>
        finish(result ?? { outcome: 'failed', error: { name: 'RunnerError', code: 'no_result', message: 'the runner finished without a result' } }),
    }),
  );
  return { cancel: (reason) => finish(undefined, reason) };
}
