import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';

/** The name of a run's event log inside its run folder: `.hypervisor/runs/<run-id>/events.jsonl`. */
export const RUN_EVENTS_FILE = 'events.jsonl';

/** Options of {@link createRunEventLog}. */
export interface RunEventLogOptions {
  /**
   * The longest an event waits in memory before it is written: what a SIGKILLed run can lose at most.
   * @default 250
   */
  readonly flushIntervalMs?: number;
  /**
   * Told once, in one line, that the log cannot be written (with the error, e.g. for a storage guard); the log
   * then stops writing and the run goes on without it.
   */
  readonly onWriteFailure?: (message: string, error: unknown) => void;
}

/** A run's own event log, fed every event of the run. */
export interface RunEventLog {
  /** Queues one event for the next write; `phase:output` is left out (the phase logs hold output). */
  observe(event: HypervisorEvent): void;
  /** Writes what is queued and closes the file. Never rejects: a failure was told to `onWriteFailure`. */
  close(): Promise<void>;
}

// An fs error may come from another realm (a test's VM context), where `instanceof Error` fails: read its message.
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : JSON.stringify(error) ?? typeof error;
}

/**
 * Appends a run's lifecycle events to `path` (one JSON object a line, as emitted) through one open file: events
 * queue in memory and are written together at most `flushIntervalMs` after the first of them, and on `close`.
 * Each write ends with a whole line and writes follow one another, so a crash loses at most the last fraction of a
 * second and can tear only the last line. `phase:agent` progress of one attempt queued within one interval is
 * coalesced to its latest event. The file is created at the first write (a run id used again starts it afresh,
 * as its run record does).
 * @example
 * const log = createRunEventLog(join(runFolder(root, runId), RUN_EVENTS_FILE), { onWriteFailure: (message) => console.warn(message) });
 * run$.pipe(tap((event) => log.observe(event)), finalize(() => void log.close()));
 */
export function createRunEventLog(path: string, options: RunEventLogOptions = {}): RunEventLog {
  const intervalMs = options.flushIntervalMs ?? 250;
  let queued: (string | undefined)[] = [];
  // Where the queued progress event of each attempt sits, so that a newer one replaces it.
  const progressSlots = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let file: Promise<FileHandle> | undefined;
  let writing: Promise<void> = Promise.resolve();
  let failed = false;
  let closing: Promise<void> | undefined;

  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    queued = [];
    options.onWriteFailure?.(`cannot write the run's events to ${path}: ${messageOf(error)}; the run goes on without them`, error);
  };
  const opened = (): Promise<FileHandle> => (file ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'w')));
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const chunk = queued.filter((line) => line !== undefined).join('');
    queued = [];
    progressSlots.clear();
    if (chunk === '' || failed) return writing;
    writing = writing.then(async () => {
      if (failed) return;
      try {
        await (await opened()).appendFile(chunk);
      } catch (error) {
        fail(error);
      }
    });
    return writing;
  };

  return {
    observe(event) {
      if (failed || closing !== undefined || event.type === 'phase:output') return;
      if (event.type === 'phase:agent') {
        const key = `${event.phaseId}/${event.attempt}`;
        const slot = progressSlots.get(key);
        if (slot !== undefined) queued[slot] = undefined;
        progressSlots.set(key, queued.length);
      }
      queued.push(`${JSON.stringify(event)}\n`);
      timer ??= setTimeout(() => void flush(), intervalMs).unref();
    },
    close() {
      closing ??= flush().then(async () => {
        const handle = await file?.catch(fail);
        await handle?.close().catch(fail);
      });
      return closing;
    },
  };
}
