import { Observable } from 'rxjs';
import { createGroupRegistry } from './group-registry.js';
import type { GroupRegistry } from './group-registry.js';
import { resolveProcessOptions } from './process-options.js';
import type { ResolvedProcessOptions } from './process-options.js';
import type { ProcessEvent, ProcessOptions, ProcessSpec } from './process-types.js';
import { superviseProcess } from './supervise-process.js';
import type { RunControl } from './supervise-process.js';

/** Starts processes each in its own process group and makes sure that none of them outlives its run. */
export interface ProcessSupervisor {
  /**
   * A cold stream of one process: subscribing starts it (never through a shell) in its own process group; it
   * emits the output as `output` chunks of at most `chunkChars`, then one `exit` once the process has exited,
   * its output streams have ended, its log is flushed and no process of its group is left, then completes.
   * Aborting `options.signal` or unsubscribing stops the whole group (SIGTERM, then SIGKILL after
   * `killGraceMs`); after an unsubscription the supervisor still sees the group to its end. Processes that
   * the process leaves behind in its group when it exits by itself are stopped the same way. A signal
   * already aborted, or a supervisor shutting down, starts nothing: `exit` comes at once with `stopped: true`.
   * Processes that leave the group (`setsid`, a detached spawn) are out of its reach; the output they
   * still hold open is closed shortly after the group is gone.
   *
   * The stream errors with an Error (`cause`: the original error) named `cannot start <command>: …` when the
   * process cannot be spawned (a missing command or cwd: ENOENT, not executable: EACCES), and
   * `cannot open log file …` / `cannot write log file …` when the log fails (the group is then stopped first).
   * @throws CoreError `invalid_config` at once when a number in `options` is out of range or `logFile` is empty.
   */
  run(spec: ProcessSpec, options: ProcessOptions): Observable<ProcessEvent>;
  /** How many process groups are not yet confirmed gone. */
  readonly live: number;
  /**
   * Stops every live group (SIGTERM, then SIGKILL after its grace period) and resolves once all runs have
   * ended and all groups are gone, or, for a process that even SIGKILL cannot end (stuck in the kernel), 2 s
   * after its SIGKILL: `live` then still counts it. Runs still in progress end with `stopped: true`. The
   * supervisor starts no new process afterwards. Never rejects.
   */
  shutdown(): Promise<void>;
}

/** What the runs of one supervisor share. */
interface SupervisorState {
  readonly groups: GroupRegistry;
  /** Runs in progress, which `shutdown()` waits for. */
  readonly runs: Set<Promise<void>>;
  closing: boolean;
}

function observeProcess(spec: ProcessSpec, options: ResolvedProcessOptions, state: SupervisorState): Observable<ProcessEvent> {
  return new Observable<ProcessEvent>((subscriber) => {
    const control: RunControl = { cancelled: false, group: undefined };
    let ended = false;
    const ports = { groups: state.groups, control, closing: () => state.closing, emit: (event: ProcessEvent) => subscriber.next(event) };
    const flow = superviseProcess(spec, options, ports).then(
      (result) => {
        ended = true;
        if (result === undefined) return;
        subscriber.next({ type: 'exit', result });
        subscriber.complete();
      },
      (error: unknown) => {
        ended = true;
        subscriber.error(error);
      },
    );
    state.runs.add(flow);
    void flow.then(() => state.runs.delete(flow));
    return () => {
      if (!ended) {
        control.cancelled = true;
        control.group?.stop();
      }
      control.group?.setAwaited(false);
    };
  });
}

/**
 * Creates a process supervisor. POSIX only: it relies on process groups (on Linux it also reads `/proc` so
 * that a zombie, which a container's PID 1 may never reap, does not count as running).
 *
 * While it has live groups it keeps a process `exit` hook that SIGKILLs them, so a program that ends without
 * awaiting {@link ProcessSupervisor.shutdown} (or calls `process.exit`) still leaves no process behind. That
 * does not cover the supervisor's own death by a signal: a CLI traps SIGINT/SIGTERM, aborts its runs and
 * awaits `shutdown()`.
 *
 * @example
 * const supervisor = createProcessSupervisor();
 * const controller = new AbortController();
 * const spec = { command: 'claude', args: ['-p', prompt], cwd: root, env: { ...process.env } as Record<string, string> };
 * supervisor.run(spec, { signal: controller.signal, logFile: '.hypervisor/runs/r1/phase-3.log' }).subscribe({
 *   next: (event) => (event.type === 'output' ? process.stderr.write(event.text) : console.log(event.result)),
 * });
 * process.once('SIGINT', () => {
 *   controller.abort();
 *   void supervisor.shutdown().then(() => (process.exitCode = 130));
 * });
 */
export function createProcessSupervisor(): ProcessSupervisor {
  const state: SupervisorState = { groups: createGroupRegistry(), runs: new Set(), closing: false };
  return {
    run: (spec, options) => observeProcess(spec, resolveProcessOptions(options), state),
    get live() {
      return state.groups.live;
    },
    shutdown: async () => {
      state.closing = true;
      await Promise.all([state.groups.stopAll(), ...state.runs]);
    },
  };
}
