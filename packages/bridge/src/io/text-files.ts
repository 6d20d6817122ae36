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
export function toFileError(error: unknown, path: string, action: 'read' | 'write' | 'append to' | 'compact', what: string): BridgeError {
  if (isBridgeError(error)) return error;
  if (action === 'read' && errnoOf(error) === 'ENOENT') {
    return new BridgeError('not_found', `${path}: no such ${what} file`, { path }, { cause: error });
  }
  // Structural, not `instanceof Error`: a system error may come from another realm (a VM context, a worker).
  const message = (error as { message?: unknown } | null)?.message;
  const detail = typeof message === 'string' ? message : 'unknown failure';
  return new BridgeError('io_error', `${path}: cannot ${action} the ${what} file (${detail})`, { path }, { cause: error });
}

/**
 * Yields the lines of a UTF-8 text file one at a time, so a long file is never held in memory whole. Lines
 * end at `\n`; a `\r` before it is dropped; a final line without a line end is yielded too.
 * @param what names the kind of file in error messages
 * @throws BridgeError `not_found` or `io_error` naming the path.
 */
export function readTextLines(path: string, what: string): AsyncGenerator<NumberedLine> {
  return splitLines(createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>, path, what);
}

/**
 * Yields the lines of the first `end` bytes of an open file, as {@link readTextLines} does; the file stays open.
 * Reads by position, so it can be called again on the same handle.
 * @param path names the file in errors
 */
export async function* readTextLinesOf(handle: FileHandle, end: number, path: string, what: string): AsyncGenerator<NumberedLine> {
  if (end === 0) return;
  yield* splitLines(handle.createReadStream({ encoding: 'utf8', start: 0, end: end - 1, autoClose: false }) as AsyncIterable<string>, path, what);
}

async function* splitLines(chunks: AsyncIterable<string>, path: string, what: string): AsyncGenerator<NumberedLine> {
  let rest = '';
  let line = 0;
  // Only the stream is guarded: errors of the code consuming the lines never pass through this generator.
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
    // Closes the stream when the consumer stops early.
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

const CHUNK_BYTES = 64 * 1024;

/**
 * The end of the last whole line among the first `size` bytes of an open file: the position just after its last
 * line feed, 0 when there is none. What follows is a line still being written, or torn by a writer that crashed.
 */
export async function lastLineEnd(handle: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/** Where rewritten text goes: a file that replaces another on {@link Replacement.commit}, or nowhere (a dry run). */
export interface TextSink {
  /** Bytes written so far. */
  readonly bytes: number;
  write(text: string): Promise<void>;
  /** Copies bytes `start` to `end` of an open file, as they are. */
  copy(source: FileHandle, start: number, end: number): Promise<void>;
}

/** Counts what would be written, writing nothing. */
export function createCountingSink(): TextSink {
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    write: (text) => {
      bytes += Buffer.byteLength(text, 'utf8');
      return Promise.resolve();
    },
    copy: (_source, start, end) => {
      bytes += end - start;
      return Promise.resolve();
    },
  };
}

/** A temporary file beside another, which replaces it whole on commit. */
export interface Replacement extends TextSink {
  /** Flushes the temporary file to disk and renames it over the file. */
  commit(): Promise<void>;
  /** Removes the temporary file; the file it was to replace stays as it is. */
  discard(): Promise<void>;
}

/**
 * Starts replacing `path`: opens a new temporary file in the same folder (created when missing), so the final
 * rename stays within one file system and is atomic: a reader, or a crash, sees the old content or the new one,
 * whole. Writes are buffered.
 */
export async function createReplacement(path: string): Promise<Replacement> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const handle = await open(temporary, 'wx', 0o644);
  let pending = '';
  let bytes = 0;
  let isOpen = true;
  const flush = async (): Promise<void> => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    await handle.writeFile(text, 'utf8');
  };
  const close = async (): Promise<void> => {
    if (!isOpen) return;
    isOpen = false;
    await handle.close();
  };
  return {
    get bytes() {
      return bytes;
    },
    async write(text) {
      pending += text;
      bytes += Buffer.byteLength(text, 'utf8');
      if (pending.length >= CHUNK_BYTES) await flush();
    },
    async copy(source, start, end) {
      await flush();
      const buffer = Buffer.alloc(CHUNK_BYTES);
      for (let at = start; at < end; ) {
        const { bytesRead } = await source.read(buffer, 0, Math.min(CHUNK_BYTES, end - at), at);
        // The source cannot shrink under an append-only writer; a shorter file ends the copy.
        if (bytesRead === 0) break;
        await handle.writeFile(buffer.subarray(0, bytesRead));
        at += bytesRead;
        bytes += bytesRead;
      }
    },
    async commit() {
      await flush();
      await handle.sync();
      await close();
      await rename(temporary, path);
    },
    async discard() {
      await close();
      await rm(temporary, { force: true });
    },
  };
}

/**
 * Replaces a file's content atomically: writes a temporary file in the same folder, flushes it to disk and
 * renames it over `path`, so a reader sees the old content or the new one, whole. Creates missing folders; a
 * failed write leaves no temporary file behind.
 */
export async function writeTextAtomically(path: string, text: string): Promise<void> {
  const replacement = await createReplacement(path);
  try {
    await replacement.write(text);
    await replacement.commit();
  } catch (error) {
    await replacement.discard();
    throw error;
  }
}
