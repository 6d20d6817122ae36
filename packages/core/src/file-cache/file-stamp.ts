import { statSync } from 'node:fs';
import type { BigIntStats } from 'node:fs';

/**
 * What one `stat` says about a file, in nanoseconds where the file system keeps them: when all of it is unchanged,
 * the file is taken as unchanged (as git's index and make do), unless the stamp is racy (see {@link isRacyStamp}).
 * `ctimeNs` is set by the kernel on every change (a write, a rename onto the path, `utimes` itself), so a file edited
 * and given its old mtime back still shows; `ino` and `dev` change when a file is replaced by a rename, as an atomic
 * write does.
 */
export interface FileStamp {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
  readonly dev: bigint;
}

/**
 * How close to a reference time a file's mtime or ctime may be and the file still count as verified by its stamp.
 * File systems stamp times from a coarse clock (a tick of a few milliseconds), so a file rewritten within the tick
 * of its stamp, with the same size, keeps the same stamp: only a stamp older than the tick before the reference
 * proves that the content read is the content the stamp stands for.
 */
export const RACY_WINDOW_NS = 100_000_000n;

/** The window for stamps in whole seconds (FAT keeps 2 s, ext3 and HFS+ 1 s): two seconds. */
const COARSE_RACY_WINDOW_NS = 2_000_000_000n;

const SECOND_NS = 1_000_000_000n;

/** The stamp of `stats`. */
export function stampOf(stats: BigIntStats): FileStamp {
  return { size: stats.size, mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino, dev: stats.dev };
}

/**
 * The stamp of the regular file at `path` (links followed), or undefined when there is none or it cannot be
 * stat'ed: the caller then reads the file the ordinary way, which reports why. Synchronous on purpose: a `stat`
 * of a file whose metadata the kernel holds costs microseconds, far less than a trip through the thread pool.
 */
export function readStamp(path: string): FileStamp | undefined {
  try {
    const stats = statSync(path, { bigint: true, throwIfNoEntry: false });
    return stats?.isFile() === true ? stampOf(stats) : undefined;
  } catch {
    // EACCES, ENOTDIR, ELOOP …: no stamp; the ordinary read says what is wrong.
    return undefined;
  }
}

/** Whether two stamps are the same in every field. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;
}

/**
 * Whether a stamp is too close to `referenceNs` (a time no earlier than the moment its file was read) to vouch for
 * the content: git's "racily clean" entries. Such a file may have been rewritten, same size, within the same
 * timestamp tick after it was read; it is never trusted from its stamp and is read again next time.
 */
export function isRacyStamp(stamp: FileStamp, referenceNs: bigint): boolean {
  const coarse = stamp.mtimeNs % SECOND_NS === 0n && stamp.ctimeNs % SECOND_NS === 0n;
  const latest = stamp.mtimeNs > stamp.ctimeNs ? stamp.mtimeNs : stamp.ctimeNs;
  return latest >= referenceNs - (coarse ? COARSE_RACY_WINDOW_NS : RACY_WINDOW_NS);
}

/** Now, in nanoseconds since the epoch, for {@link isRacyStamp}. */
export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
