import { describe, expect, it } from '@jest/globals';
import { NEVER, Observable, VirtualTimeScheduler, concat, from, of, throwError, timer } from 'rxjs';
import { map } from 'rxjs';
import { definePlan } from '../plan/define-plan.js';
import { startAttempt } from './attempt.js';
import type { AttemptListener } from './attempt.js';
import type { AttemptResult, PhaseRunner, RunnerEvent } from './ports.js';

const phase = definePlan([{ id: 7, prompt: 'Do it.' }]).phases[0] as ReturnType<typeof definePlan>['phases'][number];
const request = { runId: 'run-1', phase, attempt: 2, prompt: 'Do it again.' };

function listen(): AttemptListener & { readonly outputs: string[]; readonly results: AttemptResult[] } {
  const outputs: string[] = [];
  const results: AttemptResult[] = [];
  return {
    outputs,
    results,
    output: (stream, text) => outputs.push(`${stream}:${text}`),
    agent: (progress) => outputs.push(`agent:${JSON.stringify(progress)}`),
    settled: (result) => results.push(result),
  };
}

function runnerOf(events$: (signal: AbortSignal) => Observable<RunnerEvent>): PhaseRunner & { signal?: AbortSignal; unsubscribedAt?: number } {
  const runner: PhaseRunner & { signal?: AbortSignal; unsubscribedAt?: number } = {
    run: (attemptRequest) => {
      runner.signal = attemptRequest.signal;
      return new Observable<RunnerEvent>((subscriber) => {
        const subscription = events$(attemptRequest.signal).subscribe(subscriber);
        return () => {
          subscription.unsubscribe();
          runner.unsubscribedAt ??= scheduler.now();
        };
      });
    },
  };
  return runner;
}

let scheduler = new VirtualTimeScheduler();
const fresh = (): VirtualTimeScheduler => (scheduler = new VirtualTimeScheduler());

describe('startAttempt', () => {
  it("passes the request with a signal to the runner, relays its output and the agent's progress, and settles with its result", () => {
    fresh();
    let seen: unknown;
    const listener = listen();
    const runner: PhaseRunner = {
      run: (attemptRequest) => {
        seen = attemptRequest;
        return timer(10, scheduler).pipe(
          map((): RunnerEvent => ({ type: 'output', stream: 'stderr', text: 'warn' })),
          (output$) => concat(output$, from<RunnerEvent[]>([{ type: 'agent', progress: { turns: 2, tool: 'Bash npm test' } }, { type: 'result', result: { outcome: 'succeeded', quality: 1 } }])),
        );
      },
    };
    startAttempt(runner, request, 100, scheduler, listener);
    expect(seen).toMatchObject({ ...request, signal: expect.any(AbortSignal) });
    scheduler.flush();
    expect(listener.outputs).toEqual(['stderr:warn', 'agent:{"turns":2,"tool":"Bash npm test"}']);
    expect(listener.results).toEqual([{ outcome: 'succeeded', quality: 1 }]);
  });

  it('fails the attempt when the runner errors, throws, or completes without a result', () => {
    fresh();
    const cases: PhaseRunner[] = [
      { run: () => throwError(() => Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' })) },
      {
        run: () => {
          throw new RangeError('bad request');
        },
      },
      { run: () => of<RunnerEvent>({ type: 'output', stream: 'stdout', text: 'bye' }) },
    ];
    const results = cases.map((runner) => {
      const listener = listen();
      startAttempt(runner, request, 100, scheduler, listener);
      return listener.results;
    });
    expect(results).toEqual([
      [{ outcome: 'failed', error: { name: 'Error', code: 'ENOENT', message: 'spawn ENOENT' } }],
      [{ outcome: 'failed', error: { name: 'RangeError', message: 'bad request' } }],
      [{ outcome: 'failed', error: { name: 'RunnerError', code: 'no_result', message: 'the runner finished without a result' } }],
    ]);
  });

  it('on timeout aborts the signal, unsubscribes from the runner and settles with a `timeout` failure', () => {
    fresh();
    const listener = listen();
    const runner = runnerOf(() => NEVER);
    startAttempt(runner, request, 50, scheduler, listener);
    scheduler.flush();
    expect(runner.signal?.aborted).toBe(true);
    expect(runner.signal?.reason).toEqual(new Error('timed out after 50 ms'));
    expect(runner.unsubscribedAt).toBe(50);
    expect(listener.results).toEqual([{ outcome: 'failed', error: { name: 'TimeoutError', code: 'timeout', message: 'the attempt did not finish within 50 ms' } }]);
  });

  it('sets no time limit when the timeout is infinite', () => {
    fresh();
    const listener = listen();
    startAttempt(runnerOf(() => NEVER), request, Number.POSITIVE_INFINITY, scheduler, listener);
    expect(scheduler.actions).toHaveLength(0);
    expect(listener.results).toEqual([]);
  });

  it('on cancel aborts the signal with the reason, unsubscribes, and never settles', () => {
    fresh();
    const listener = listen();
    const runner = runnerOf(() => timer(100, scheduler).pipe(map((): RunnerEvent => ({ type: 'result', result: { outcome: 'succeeded' } }))));
    const attempt = startAttempt(runner, request, 1_000, scheduler, listener);
    scheduler.schedule(() => attempt.cancel('stop'), 30);
    scheduler.flush();
    expect([runner.signal?.reason, runner.unsubscribedAt]).toEqual(['stop', 30]);
    expect(listener.results).toEqual([]);
    attempt.cancel('again');
    expect(runner.signal?.reason).toBe('stop');
  });

  it('stops the timeout once the attempt settled', () => {
    fresh();
    const listener = listen();
    startAttempt({ run: () => of<RunnerEvent>({ type: 'result', result: { outcome: 'succeeded' } }) }, request, 50, scheduler, listener);
    expect(scheduler.actions).toHaveLength(0);
    expect(listener.results).toHaveLength(1);
  });
});
