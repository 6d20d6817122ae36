import { CoreError } from '../../core-error.js';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { storageFullCode } from '../store/storage-full.js';
import { messageOf } from './error-details.js';

/** Which output stream of a process a piece of text came from. */
export type OutputStream = 'stdout' | 'stderr';

/** The log file of one process: its output interleaved with marker lines, and the supervisor's notes. */
export interface ProcessLog {
  /** Appends output, after a `--- stdout ---` / `--- stderr ---` line when the stream changes; false asks the caller to wait for `onDrain`. */
  write(stream: OutputStream, text: string): boolean;
  /** Appends a `--- text ---` line of the supervisor's own (a signal sent, a failure to start). */
  note(text: string): void;
  onDrain(listener: () => void): void;
  /** Called on the first write error; the log writes nothing after it. */
  onError(listener: (error: Error) => void): void;
  /** Ends the log on a line break and closes the file; resolves with the write error, if there was one. */
  close(): Promise<Error | undefined>;
}

/** Large enough that a fast writer does not pause the process at every chunk, small enough to stay cheap. */
const LOG_HIGH_WATER_MARK = 1024 * 1024;

class FileLog implements ProcessLog {
  #current: OutputStream | undefined;
  #atLineStart = true;
  #closed = false;
  #failure: Error | undefined;
  readonly #errorListeners: ((error: Error) => void)[] = [];

  constructor(
    private readonly out: WriteStream,
    file: string,
  ) {
    // A stream emits at most one 'error'.
    out.on('error', (error) => {
      const failure = logFailure('write', file, error);
      this.#failure = failure;
      for (const listener of this.#errorListeners) listener(failure);
    });
  }

  write(stream: OutputStream, text: string): boolean {
    const marker = stream === this.#current ? '' : this.#asLine(`--- ${stream} ---`);
    this.#current = stream;
    return this.#append(marker + text);
  }

  note(text: string): void {
    this.#current = undefined;
    this.#append(this.#asLine(`--- ${text} ---`));
  }

  /** Writes a line of its own, such as the header. */
  line(text: string): void {
    this.#append(this.#asLine(text));
  }

  onDrain(listener: () => void): void {
    this.out.once('drain', listener);
  }

  onError(listener: (error: Error) => void): void {
    this.#errorListeners.push(listener);
  }

  async close(): Promise<Error | undefined> {
    if (!this.#atLineStart) this.#append('\n');
    this.#closed = true;
    if (!this.out.closed) {
      // Not `once(out, 'close')`: it rejects on an 'error', which the listener above has already recorded.
      const done = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
      if (!this.out.destroyed) this.out.end();
      await done;
    }
    return this.#failure;
  }

  #append(text: string): boolean {
    if (this.#failure !== undefined || this.#closed) return true;
    this.#atLineStart = text.endsWith('\n');
    return this.out.write(text);
  }

  // A marker or note always starts and ends a line, whatever the output before it left unfinished.
  #asLine(text: string): string {
    return `${this.#atLineStart ? '' : '\n'}${text}${text.endsWith('\n') ? '' : '\n'}`;
  }
}

/**
 * Opens (appending) the log file of a process, creating its folder, and writes `header` first.
 * @throws Error naming the file when its folder cannot be created or the file cannot be opened, the fs error as `cause`.
 */
export async function openProcessLog(file: string, header: string | undefined): Promise<ProcessLog> {
  try {
    await mkdir(dirname(file), { recursive: true });
    const out = createWriteStream(file, { flags: 'a', highWaterMark: LOG_HIGH_WATER_MARK });
    await once(out, 'open');
    const log = new FileLog(out, file);
    if (header !== undefined) log.line(header);
    return log;
  } catch (error) {
    throw logFailure('open', file, error);
  }
}

/** `log_failed`, or `storage_full` when the disk is full or read-only: the run then stops instead of retrying. */
function logFailure(verb: 'open' | 'write', file: string, error: unknown): CoreError {
  const code = storageFullCode(error) === undefined ? 'log_failed' : 'storage_full';
  return new CoreError(code, `cannot ${verb} log file ${file}: ${messageOf(error)}`, { file }, { cause: error });
}
