// An inner runner for the isolation specs: runs a JS function in the attempt's workdir instead of a process.
import { Observable } from 'rxjs';
import type { AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../../../schedule/ports.js';

/** What an attempt does: edits files under `workdir`; returns its result, or nothing for a plain success. */
export type AttemptWork = (workdir: string, request: AttemptRequest) => Promise<AttemptResult | void>;

/** A runner that emits `started <workdir>` on stdout, runs `work` and emits its result; records every request. */
export function createFunctionRunner(work: AttemptWork): PhaseRunner & { readonly requests: AttemptRequest[] } {
  const requests: AttemptRequest[] = [];
  return {
    requests,
    run(request: AttemptRequest): Observable<RunnerEvent> {
      return new Observable<RunnerEvent>((subscriber) => {
        requests.push(request);
        const workdir = String(request.workdir);
        subscriber.next({ type: 'output', stream: 'stdout', text: `started ${workdir}\n` });
        work(workdir, request).then(
          (result) => {
            subscriber.next({ type: 'result', result: result ?? { outcome: 'succeeded' } });
            subscriber.complete();
          },
          (error: unknown) => subscriber.error(error),
        );
      });
    },
  };
}

/** A runner whose attempt never ends on its own: it records when it is torn down. */
export function createHangingRunner(): PhaseRunner & { readonly stopped: () => boolean; readonly started: Promise<string> } {
  let stopped = false;
  let start!: (workdir: string) => void;
  const started = new Promise<string>((resolve) => {
    start = resolve;
  });
  return {
    stopped: () => stopped,
    started,
    run(request: AttemptRequest): Observable<RunnerEvent> {
      return new Observable<RunnerEvent>(() => {
        start(String(request.workdir));
        return () => {
          stopped = true;
        };
      });
    },
  };
}
