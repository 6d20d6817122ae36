import { CoreError } from '../../core-error.js';
import { execa } from 'execa';
import { messageOf } from './error-details.js';
import type { GroupRegistry, TrackedGroup } from './group-registry.js';
import { createOutputPump } from './output-pump.js';
import type { OutputEvent } from './output-pump.js';
import { openProcessLog } from './process-log.js';
import type { ProcessLog } from './process-log.js';
import type { ResolvedProcessOptions } from './process-options.js';
import type { ProcessResult, ProcessSpec } from './process-types.js';

/**
 * How long the output of a process whose group is gone may stay silent before it is closed; only data already
 * in the pipe can still come, so this need not be long.
 */
const RELEASE_IDLE_MS = 500;

/** What one run shares with the subscription that started it. */
export interface RunControl {
  /** Set when the subscriber no longer wants the process (unsubscribed before its end). */
  cancelled: boolean;
  /** The process group once the process has started. */
  group: TrackedGroup | undefined;
}

/** What a run needs from its supervisor and its subscriber. */
export interface RunPorts {
  readonly groups: GroupRegistry;
  readonly control: RunControl;
  /** Whether the supervisor is shutting down, which starts no new process. */
  readonly closing: () => boolean;
  readonly emit: (event: OutputEvent) => void;
}

const STOPPED_BEFORE_START: ProcessResult = Object.freeze({
  exitCode: null,
  signal: null,
  stopped: true,
  stdoutTail: '',
  stderrTail: '',
  durationMs: 0,
});

function spawnProcess(spec: ProcessSpec) {
  return execa(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: false,
    // An empty input still gives the process a stdin that is closed at once.
    input: spec.stdin ?? '',
    // Its own process group (and session), so that one signal reaches every process it starts.
    detached: true,
    buffer: false,
    reject: false,
    // execa's cleanup ignores detached processes; the group registry's exit hook does that job.
    cleanup: false,
  });
}

/** Fails a process that could not start with one line naming the command (the spawn error as `cause`), logged too. */
async function failStart(command: string, cause: unknown, log: ProcessLog | undefined): Promise<never> {
  const error = new CoreError('spawn_failed', `cannot start ${command}: ${messageOf(cause)}`, { command }, { cause });
  log?.note(error.message);
  await log?.close();
  throw error;
}

function signalNote(group: TrackedGroup, signal: NodeJS.Signals, graceMs: number): string {
  if (signal === 'SIGKILL') return `still running ${graceMs} ms after SIGTERM: SIGKILL sent to process group ${group.pgid}`;
  if (group.stopped) return `stopping: SIGTERM sent to process group ${group.pgid}`;
  return `the process exited but its group did not: SIGTERM sent to process group ${group.pgid}`;
}

async function watchProcess(subprocess: ReturnType<typeof spawnProcess>, pid: number, log: ProcessLog | undefined, options: ResolvedProcessOptions, ports: RunPorts): Promise<ProcessResult> {
  const group = ports.groups.track(pid, options.killGraceMs, (signal) => log?.note(signalNote(group, signal, options.killGraceMs)));
  group.setAwaited(true);
  ports.control.group = group;
  const pump = createOutputPump({ stdout: subprocess.stdout, stderr: subprocess.stderr }, { ...options, log, emit: ports.emit });
  const stop = (): void => group.stop();
  // A log that cannot be written would lose the output: stop rather than run blind.
  log?.onError(stop);
  options.signal.addEventListener('abort', stop, { once: true });
  subprocess.once('exit', () => {
    group.leaderExited();
    void group.gone().then(() => pump.releaseWhenIdle(RELEASE_IDLE_MS));
  });
  try {
    const outcome = await subprocess;
    const output = await pump.close();
    await group.gone();
    if (output.logError !== undefined) throw output.logError;
    const { stdoutTail, stderrTail } = output;
    return { exitCode: outcome.exitCode ?? null, signal: outcome.signal ?? null, stopped: group.stopped, stdoutTail, stderrTail, durationMs: outcome.durationMs };
  } finally {
    options.signal.removeEventListener('abort', stop);
    group.setAwaited(false);
  }
}

/**
 * Runs one process to its end: opens its log, starts it in its own group, pumps its output, and once it has
 * exited, its streams have ended, the log is flushed and its group is gone, returns how it ended.
 * @returns undefined when the subscriber left before the process started (nothing was started).
 * @throws Error `cannot open log file …` or `cannot write log file …`, and `cannot start <command>: …` when the
 * process cannot be spawned (e.g. ENOENT), each with the original error as `cause`.
 */
export async function superviseProcess(spec: ProcessSpec, options: ResolvedProcessOptions, ports: RunPorts): Promise<ProcessResult | undefined> {
  const refused = (): boolean => options.signal.aborted || ports.closing();
  if (refused()) return STOPPED_BEFORE_START;
  const log = options.logFile === undefined ? undefined : await openProcessLog(options.logFile, options.logHeader);
  // Opening the log took a while: the subscriber or the supervisor may no longer want the process.
  if (ports.control.cancelled || refused()) {
    await log?.close();
    return ports.control.cancelled ? undefined : STOPPED_BEFORE_START;
  }
  let subprocess: ReturnType<typeof spawnProcess>;
  try {
    subprocess = spawnProcess(spec);
  } catch (error) {
    // execa refuses some specs before spawning, e.g. an argument holding a NUL byte.
    return failStart(spec.command, error, log);
  }
  if (subprocess.pid === undefined) return failStart(spec.command, (await subprocess).cause, log);
  return watchProcess(subprocess, subprocess.pid, log, options, ports);
}
