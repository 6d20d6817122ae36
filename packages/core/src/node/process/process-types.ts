/** A process to start: an argument vector (never a shell line), where, with which environment and input. */
export interface ProcessSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment of the process. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to the process's stdin, which is then closed; stdin is empty (closed at once) without it. */
  readonly stdin?: string;
}

/** How a process is watched, logged and stopped. */
export interface ProcessOptions {
  /** Aborting it stops the process group: SIGTERM, then SIGKILL after `killGraceMs`. */
  readonly signal: AbortSignal;
  /**
   * Time between SIGTERM and SIGKILL when the group is stopped.
   * @default 3000 (so that a Ctrl-C ends within a few seconds even when a phase ignores SIGTERM)
   */
  readonly killGraceMs?: number;
  /** Output is appended here, stdout and stderr interleaved with a marker line at each switch. */
  readonly logFile?: string;
  /** Written to the log before the output, e.g. `=== phase 15 attempt 2: claude -p … ===`. */
  readonly logHeader?: string;
  /**
   * Largest `output` event, in characters.
   * @default 16384
   */
  readonly chunkChars?: number;
  /**
   * How much of each stream's end is kept in memory for the result.
   * @default 65536
   */
  readonly tailChars?: number;
}

/** How a process ended. */
export interface ProcessResult {
  /** null when it was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Whether we stopped it (abort or unsubscribe) rather than it exiting by itself. */
  readonly stopped: boolean;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  readonly durationMs: number;
}

/** What a running process emits: output as it comes, then its end. */
export type ProcessEvent =
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'exit'; readonly result: ProcessResult };
