import { catchError, defer, from, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import type { Phase } from '../../plan/plan.js';
import type { AttemptRequest, CheckpointStore, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { describeStorageFull, storageFullCode } from './storage-full.js';

/** Stops a run when its own writes find the storage full (ENOSPC, EDQUOT, EROFS): no retry or cool-down helps. */
export interface StorageGuard {
  /** Aborted, with the one-line message as its reason, when the storage was found full. */
  readonly signal: AbortSignal;
  /** Looks at an error of one of the run's own writes; stops the run when it says the storage is full. */
  check(error: unknown, what: string): void;
  /** The runner, whose attempts stop the run when their log cannot be written for lack of space. */
  watchRunner(runner: PhaseRunner): PhaseRunner;
  /** The store, whose writes stop the run when the checkpoint cannot be written for lack of space. */
  watchStore(store: CheckpointStore): CheckpointStore;
}

/**
 * A guard for one run: the first write that finds the storage full aborts `signal` (which cancels the run as
 * Ctrl-C does: nothing new starts, running phases are stopped and recorded as cancelled, no retry or breaker
 * failure is spent) and tells `onFull` one line saying what is full and that a later run resumes.
 * @example
 * const guard = createStorageGuard((message) => console.error(message));
 * createRun(plan, config, { runner: guard.watchRunner(runner), store: guard.watchStore(store), signal: guard.signal });
 */
export function createStorageGuard(onFull?: (message: string) => void): StorageGuard {
  const controller = new AbortController();
  const stop = (code: string, what: string): void => {
    if (controller.signal.aborted) return;
    const message = `${describeStorageFull(code)}: cannot write ${what}; the run stopped, free some space and run it again to resume`;
    controller.abort(message);
    onFull?.(message);
  };
  const check = (error: unknown, what: string): void => {
    const code = storageFullCode(error);
    if (code !== undefined) stop(code, what);
  };
  return {
    signal: controller.signal,
    check,
    watchRunner: (runner) => ({
      run(request: AttemptRequest): Observable<RunnerEvent> {
        return runner.run(request).pipe(
          tap((event) => {
            const result = event.type === 'result' ? event.result : undefined;
            // The log's error came as a failed result: its code says the storage was full, its message which file.
            if (result?.outcome === 'failed' && result.error.code === 'storage_full') stop(storageCodeOf(result.error.message), `the log of phase ${request.phase.id}`);
          }),
        );
      },
    }),
    watchStore: (store) => ({
      read: (phase: Phase) => store.read(phase),
      write: (phase, record) =>
        defer(() => from(store.write(phase, record))).pipe(
          catchError((error: unknown) => {
            check(error, `the checkpoint of phase ${phase.id}`);
            throw error;
          }),
        ),
    }),
  };
}

/**
 * The errno code a `storage_full` result names (`…: ENOSPC: no space left on device, write`): a result carries
 * only its error's code and message across the runner port, not the file system's error itself.
 */
function storageCodeOf(message: string): string {
  return /\b(ENOSPC|EDQUOT|EROFS)\b/.exec(message)?.[1] ?? 'storage_full';
}
