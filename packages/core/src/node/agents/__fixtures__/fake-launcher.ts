import { Observable, from } from 'rxjs';
import type { ProcessEvent, ProcessOptions, ProcessResult, ProcessSpec } from '../../process/process-types.js';
import type { ProcessLauncher } from '../process-launcher.js';

/** One call a {@link FakeLauncher} received. */
export interface LaunchCall {
  readonly spec: ProcessSpec;
  readonly options: ProcessOptions;
}

/** A launcher that starts no process: it answers each call with the events its script gives, and records the calls. */
export interface FakeLauncher extends ProcessLauncher {
  readonly calls: LaunchCall[];
}

/** Answers the n-th call (from 0). */
export type LaunchScript = (call: LaunchCall, index: number) => Observable<ProcessEvent>;

/** A launcher whose processes are played by `script`. */
export function createFakeLauncher(script: LaunchScript): FakeLauncher {
  const calls: LaunchCall[] = [];
  return {
    calls,
    run: (spec, options) => {
      const call = { spec, options };
      calls.push(call);
      return script(call, calls.length - 1);
    },
  };
}

/** The events of a process that printed `output` and then exited as `result` says (exit 0 by default). */
export function played(result: Partial<ProcessResult> = {}, output: readonly (readonly ['stdout' | 'stderr', string])[] = []): Observable<ProcessEvent> {
  const exit: ProcessResult = { exitCode: 0, signal: null, stopped: false, stdoutTail: '', stderrTail: '', durationMs: 5, ...result };
  const events: ProcessEvent[] = [...output.map(([stream, text]) => ({ type: 'output' as const, stream, text })), { type: 'exit', result: exit }];
  return from(events);
}

/** A process that never ends by itself; `stopped` counts how many were unsubscribed. */
export function hanging(counter: { stopped: number }): Observable<ProcessEvent> {
  return new Observable<ProcessEvent>(() => () => {
    counter.stopped += 1;
  });
}
