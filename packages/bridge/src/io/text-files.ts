import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BridgeError, isBridgeError } from '../errors.js';

/** One line of a text file, without its line end, and its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Wraps a file system failure in a {@link BridgeError} naming the path: `not_found` for a file to read that
 * does not exist, `io_error` otherwise. A BridgeError passes through unchanged.
 */
export function toFileError(error: unknown, path: string, action: 'read' | 'write' | 'append to', what: string): BridgeError {
  if (isBridgeError(error)) return error;
  if (action === 'read' && errnoOf(error) === 'ENOENT') {
    return new BridgeError('not_found', `${path}: no such ${what} file`, { path }, { cause: error });
  }
  const detail = error instanceof Error ? error.message : 'unknown failure';
  return new BridgeError('io_error', `${path}: cannot ${action} the ${what} file (${detail})`, { path }, { cause: error });
}

/**
 * Yields the lines of a UTF-8 text file one at a time, so a long file is never held in memory whole. Lines
 * end at `\n`; a `\r` before it is dropped; a final line without a line end is yielded too.
 * @param what names the kind of file in error messages
 * @throws BridgeError `not_found` or `io_error` naming the path.
 */
export async function* readTextLines(path: string, what: string): AsyncGenerator<NumberedLine> {
  let rest = '';
  let line = 0;
  // Only the stream is guarded: errors of the code consuming the lines never pass through this generator.
  const chunks = createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>;
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await iterator.next();
      } catch (error) {
        throw toFileError(error, path, 'read', what);
      }
      if (next.done === true) break;
      const parts = (rest + next.value).split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        line += 1;
        yield { text: part.endsWith('\r') ? part.slice(0, -1) : part, line };
      }
    }
  } finally {
    // Closes the file when the consumer stops early.
    await iterator.return?.();
  }
  if (rest !== '') yield { text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, line: line + 1 };
}

/** Tells whether a file exists, is not empty and its last byte is not a line feed. */
async function endsInsideALine(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/**
 * Appends complete lines (`text` ends with a line feed) to a file in one `appendFile` call, creating the file
 * and its folders when missing. When the file does not end with a line feed (a writer crashed mid-line), a
 * line feed is written first, so the new lines never merge into the torn one.
 */
export async function appendLines(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const separator = (await endsInsideALine(path)) ? '\n' : '';
  await appendFile(path, separator + text, 'utf8');
}

/**
 * Replaces a file's content atomically: writes a temporary file in the same folder, flushes it to disk and
 * renames it over `path`, so a reader sees the old content or the new one, whole. Creates missing folders; a
 * failed write leaves no temporary file behind.
 */
export async function writeTextAtomically(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
