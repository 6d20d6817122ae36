import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isToonError, normalizeCheckpoint, readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';
import { createFolderSync } from './folder-sync.js';

/** Options of {@link createFileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /** The project root; phase checkpoint paths are relative to it. */
  readonly root: string;
  /**
   * The encoding written: TOON text, or the original's kazuba container for the Python tooling.
   * @default 'toon'
   */
  readonly format?: 'toon' | 'kazuba';
}

/**
 * Phase records on disk, one file per phase at its `checkpoint` path under the root, through `@kazuba/toon`:
 * any of the four encodings is read (the original's too), writes are atomic. Writes that rename into the same
 * folder at about the same time share one fsync of it (group commit); each write resolves only once its own rename
 * is durable.
 * @example
 * const store = createFileCheckpointStore({ root: process.cwd(), format: 'toon' });
 */
export function createFileCheckpointStore(options: FileCheckpointStoreOptions): CheckpointStore {
  const pathOf = (phase: Phase): string => join(options.root, phase.checkpoint);
  const syncFolder = createFolderSync();
  const temporaries = createTemporarySweep();
  return {
    async read(phase: Phase): Promise<CheckpointView | undefined> {
      const path = pathOf(phase);
      try {
        const { value } = await readCheckpoint(path);
        return normalizeCheckpoint(value, path);
      } catch (error) {
        if (isToonError(error) && error.code === 'not_found') return undefined;
        throw error;
      }
    },
    async write(phase: Phase, record: PhaseCheckpoint): Promise<void> {
      await temporaries.remove(pathOf(phase));
      await writeCheckpoint(pathOf(phase), record, { format: options.format ?? 'toon', syncDirectory: syncFolder });
    },
  };
}

/**
 * An atomic write interrupted by a crash (SIGKILL, power loss) leaves its temporary file (`.<name>.<uuid>.tmp`)
 * beside the checkpoint. Each folder is listed once, before the store's first write into it (so the listing holds
 * no temporary of this store's own), and a file's stale temporaries are removed before its first write: one
 * listing per folder instead of one per write, which a folder of thousands of checkpoints would make quadratic.
 */
function createTemporarySweep(): { remove(path: string): Promise<void> } {
  const listings = new Map<string, Promise<Set<string>>>();
  return {
    async remove(path) {
      const folder = dirname(path);
      let listing = listings.get(folder);
      if (listing === undefined) {
        listing = readdir(folder).then((names) => new Set(names.filter((name) => name.endsWith('.tmp'))), () => new Set<string>());
        listings.set(folder, listing);
      }
      const names = await listing;
      const prefix = `.${basename(path)}.`;
      const stale = [...names].filter((name) => name.startsWith(prefix));
      for (const name of stale) names.delete(name);
      await Promise.all(stale.map((name) => rm(join(folder, name), { force: true })));
    },
  };
}
