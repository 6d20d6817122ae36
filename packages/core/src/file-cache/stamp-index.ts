import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { types } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { FileStamp } from './file-stamp.js';
import { isRacyStamp, nowNs, readStamp, sameStamp } from './file-stamp.js';

/**
 * The layout of index files; raise it whenever what an index holds, or what a cached value means, changes. The
 * build that wrote an index is part of its version too (the stamp of this module's own file, which every build,
 * install or upgrade rewrites), so that no other build of the hypervisor ever trusts what this one cached.
 */
const INDEX_FORMAT = 1;
const MAGIC = Buffer.from('KZIDX\n', 'latin1');
const DIGEST_BYTES = 32;

/** What an index file holds, after its magic and the SHA-256 of the rest. */
interface IndexPayload {
  readonly version: string;
  readonly entries: Map<string, CachedFile<unknown>>;
}

/** One file as last read: its stamp then, and what reading it gave. */
interface CachedFile<T> {
  readonly stamp: FileStamp;
  readonly value: T;
}

/**
 * A cache of what reading files gave (a parsed phase, a decoded checkpoint), each kept with the file's stamp, so
 * that one `stat` replaces a read and a parse while the file is unchanged. It is a cache, never the truth: a
 * missing, unreadable, corrupt or foreign index file is an empty index; a value is returned only while its file's
 * stamp is unchanged and was not racy (see `isRacyStamp`) when the file was read; and a value is kept only from a
 * read whose stamp was taken before the read began.
 */
export interface StampIndex<T> {
  /** What the file at `path` gave when last read, if its stamp says it is the same file, unchanged, since. */
  lookup(key: string, path: string): T | undefined;
  /** Stamps the file at `path` now: call it before reading the file, then {@link record} what the read gave. */
  stamp(path: string): FileStamp | undefined;
  /** Keeps what reading a file gave, with the stamp taken before the read; a racy stamp is not kept. */
  record(key: string, stamp: FileStamp | undefined, value: T): void;
  /** Forgets a file, e.g. one about to be rewritten. */
  forget(key: string): void;
  /** Forgets every file whose key `keep` refuses, e.g. files no longer in the folder. */
  retain(keep: (key: string) => boolean): void;
  /** Writes the index atomically when it changed; a failure to write only costs the next run its speed. */
  save(): void;
}

function indexVersion(kind: string): string {
  const build = readStamp(fileURLToPath(import.meta.url));
  return `${INDEX_FORMAT}:${build?.size}:${build?.mtimeNs}:${build?.ino}:${kind}`;
}

/** The folder of a project's index files: `<root>/.hypervisor/index`. */
export function indexFolder(root: string): string {
  return join(root, '.hypervisor', 'index');
}

/** Where the index of `kind` for `key` (e.g. a plan folder's absolute path) lives under `indexDir`. */
export function stampIndexPath(indexDir: string, kind: string, key: string): string {
  return join(indexDir, `${kind}-${createHash('sha256').update(resolve(key)).digest('hex').slice(0, 16)}.idx`);
}

function isStamp(value: unknown): value is FileStamp {
  const stamp = value as Record<string, unknown> | null;
  return typeof stamp === 'object' && stamp !== null && ['size', 'mtimeNs', 'ctimeNs', 'ino', 'dev'].every((field) => typeof stamp[field] === 'bigint');
}

/** The entries of the index file, or none when it is absent, unreadable, corrupt, or of another version. */
function readEntries(path: string, version: string): { entries: Map<string, CachedFile<unknown>>; writtenNs: bigint } {
  const empty = { entries: new Map<string, CachedFile<unknown>>(), writtenNs: 0n };
  try {
    const writtenNs = statSync(path, { bigint: true }).mtimeNs;
    const bytes = readFileSync(path);
    const body = bytes.subarray(MAGIC.length + DIGEST_BYTES);
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return empty;
    if (!createHash('sha256').update(body).digest().equals(bytes.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES))) return empty;
    const payload = deserialize(body) as Partial<IndexPayload> | null;
    if (payload?.version !== version || !types.isMap(payload.entries)) return empty;
    for (const entry of payload.entries.values()) if (!isStamp((entry as Partial<CachedFile<unknown>> | null)?.stamp)) return empty;
    return { entries: payload.entries, writtenNs };
  } catch {
    // No index yet, or one that cannot be read or decoded: every file is read as if there were none.
    return empty;
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was there to remove (its folder is not one): the write failed before creating it.
  }
}

function writeIndexFile(path: string, payload: IndexPayload): void {
  const body = serialize(payload);
  const temporary = join(dirname(path), `.${randomUUID()}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, Buffer.concat([MAGIC, createHash('sha256').update(body).digest(), body]));
    renameSync(temporary, path);
  } catch {
    // A cache that cannot be written (read-only or full disk, a file in the folder's place) only means the next run
    // reads every file again; what is left of the temporary file goes, where it can.
    removeQuietly(temporary);
  }
}

/**
 * Opens the index at `path` (see {@link stampIndexPath}); `kind` names what its values are, so that an index of
 * one kind is never read as another.
 */
export function openStampIndex<T>(path: string, kind: string): StampIndex<T> {
  const version = indexVersion(kind);
  const { entries, writtenNs } = readEntries(path, version);
  // Stamps taken from now on are judged against the moment before their file was read.
  const startedNs = nowNs();
  let changed = false;
  return {
    lookup(key, file) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      const current = readStamp(file);
      // Git's rule for racily clean entries: a stamp not older than the index file itself proves nothing.
      if (current !== undefined && sameStamp(current, entry.stamp) && !isRacyStamp(entry.stamp, writtenNs)) return entry.value as T;
      changed = entries.delete(key) || changed;
      return undefined;
    },
    stamp: (file) => readStamp(file),
    record(key, stamp, value) {
      if (stamp === undefined || isRacyStamp(stamp, startedNs)) return;
      entries.set(key, { stamp, value });
      changed = true;
    },
    forget(key) {
      changed = entries.delete(key) || changed;
    },
    retain(keep) {
      for (const key of entries.keys()) if (!keep(key)) changed = entries.delete(key) || changed;
    },
    save() {
      if (!changed) return;
      writeIndexFile(path, { version, entries });
      changed = false;
    },
  };
}
