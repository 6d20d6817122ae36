import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { PHASE_CHECKPOINT_KIND, readCheckpoint } from '@kazuba/toon';
import { toEventError } from '@kazuba/hypervisor-v2';

/** What a file was before an attempt: enough to tell whether the attempt wrote it. */
export interface FileSnapshot {
  readonly mtimeMs: number;
  readonly size: number;
  readonly digest: string;
}

/** What was found at the checkpoint path after an attempt. */
export type CapturedCheckpoint =
  | { readonly status: 'unchanged' }
  /** A checkpoint written during the attempt by someone else than the hypervisor, decoded. */
  | { readonly status: 'captured'; readonly value: unknown }
  /** A file written during the attempt that is no readable checkpoint: why. */
  | { readonly status: 'unreadable'; readonly problem: string };

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * The state of the file at `path`, or undefined when there is none.
 * @throws the file system's error when the file exists but cannot be read.
 */
export async function snapshotFile(path: string): Promise<FileSnapshot | undefined> {
  try {
    const [stats, bytes] = await Promise.all([stat(path), readFile(path)]);
    return { mtimeMs: stats.mtimeMs, size: stats.size, digest: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function sameFile(before: FileSnapshot | undefined, after: FileSnapshot | undefined): boolean {
  if (before === undefined || after === undefined) return before === after;
  return before.mtimeMs === after.mtimeMs && before.size === after.size && before.digest === after.digest;
}

function isOwnRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === PHASE_CHECKPOINT_KIND;
}

/**
 * The checkpoint written at `path` since `before` was taken (by a validation script or the agent), decoded
 * with `readCheckpoint` in any of its four formats. A record of the hypervisor's own kind is not captured.
 * @example
 * const before = await snapshotFile(path);
 * // ... the attempt runs ...
 * const found = await captureCheckpoint(path, before); // { status: 'captured', value: { results: { overall: 'PASS' } } }
 */
export async function captureCheckpoint(path: string, before: FileSnapshot | undefined): Promise<CapturedCheckpoint> {
  try {
    const after = await snapshotFile(path);
    if (after === undefined || sameFile(before, after)) return { status: 'unchanged' };
    const { value } = await readCheckpoint(path);
    return isOwnRecord(value) ? { status: 'unchanged' } : { status: 'captured', value };
  } catch (error) {
    return { status: 'unreadable', problem: toEventError(error).message };
  }
}
