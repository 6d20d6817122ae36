import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint } from './codec.js';
import type { DecodeCheckpointOptions, DecodedCheckpoint, EncodeCheckpointOptions } from './codec.js';
import type { CheckpointFormat } from './detect.js';
import { ToonError, isToonError } from './errors.js';
import { resolveLimits } from './limits.js';

/** What {@link writeCheckpoint} wrote. */
export interface WrittenCheckpoint {
  readonly path: string;
  readonly format: CheckpointFormat;
  readonly bytes: number;
}

function ioError(error: unknown, path: string, action: 'read' | 'write'): ToonError {
  if (isToonError(error)) return error.withPath(path);
  const code = (error as NodeJS.ErrnoException).code;
  if (action === 'read' && code === 'ENOENT') {
    return new ToonError('not_found', `${path}: no such checkpoint file`, { path }, { cause: error });
  }
  const detail = error instanceof Error ? error.message : 'unknown failure';
  return new ToonError('io_error', `${path}: cannot ${action} the checkpoint (${detail})`, { path }, { cause: error });
}

/**
 * Reads and decodes a checkpoint file in any of the four formats. A file over the size limit is refused
 * before it is read.
 *
 * @throws ToonError `not_found` when the file does not exist, `io_error` when it cannot be read, or any
 *   code of `decodeCheckpoint` (a corrupt file); every message starts with the path.
 * @example
 * const { format, value } = await readCheckpoint('checkpoints/phase_11.toon');
 */
export async function readCheckpoint(path: string, options: DecodeCheckpointOptions = {}): Promise<DecodedCheckpoint> {
  const limits = resolveLimits(options.limits);
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    if (stats.size > limits.maxBytes) {
      throw new ToonError('input_too_large', `file is ${stats.size} bytes, over the limit of ${limits.maxBytes}`);
    }
    return decodeCheckpoint(await handle.readFile(), options);
  } catch (error) {
    throw ioError(error, path, 'read');
  } finally {
    await handle?.close();
  }
}

// Some platforms and file systems cannot fsync a directory; the rename is still atomic there.
const UNSYNCABLE_DIRECTORY = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP']);

/**
 * fsyncs a folder, so that the renames done in it survive a crash; where the platform or file system cannot sync a
 * folder, it does nothing (the rename is still atomic there).
 * @throws the file system's error when the folder cannot be opened or synced for another reason.
 * @example
 * await syncDirectory('checkpoints');
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSYNCABLE_DIRECTORY.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

async function writeTemporary(temporary: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(temporary, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions extends EncodeCheckpointOptions {
  /**
   * How the folder is made durable after the rename: by default {@link syncDirectory}; a caller writing many files
   * may pass its own that fsyncs the folder once for several renames (group commit). The write resolves only once it
   * has, so a write that resolved is durable either way.
   * @default syncDirectory
   */
  readonly syncDirectory?: (directory: string) => Promise<void>;
}

/**
 * Encodes `value` and writes it atomically: into a temporary file in the same folder, fsync, rename over
 * `path`, fsync of the folder (see `options.syncDirectory`). A crash at any instant leaves the old file or the new one, whole; a failed
 * write leaves no temporary file behind. Missing parent folders are created.
 *
 * @throws ToonError `io_error` when the file cannot be written, or any code of `encodeCheckpoint`.
 * @example
 * await writeCheckpoint('checkpoints/phase_11.toon', record); // TOON text
 * await writeCheckpoint('checkpoints/phase_11.toon', record, { format: 'kazuba' }); // for the Python tools
 */
export async function writeCheckpoint(path: string, value: unknown, options: WriteCheckpointOptions = {}): Promise<WrittenCheckpoint> {
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomUUID()}.tmp`);
  const { syncDirectory: syncFolder = syncDirectory, ...encoding } = options;
  try {
    const bytes = encodeCheckpoint(value, encoding);
    await mkdir(directory, { recursive: true });
    try {
      await writeTemporary(temporary, bytes);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncFolder(directory);
    return { path, format: options.format ?? 'toon', bytes: bytes.length };
  } catch (error) {
    throw ioError(error, path, 'write');
  }
}
