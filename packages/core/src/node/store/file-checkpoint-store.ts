import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isToonError, normalizeCheckpoint, readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';

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
 * any of the four encodings is read (the original's too), writes are atomic.
 * @example
 * const store = createFileCheckpointStore({ root: process.cwd(), format: 'toon' });
 */
export function createFileCheckpointStore(options: FileCheckpointStoreOptions): CheckpointStore {
  const pathOf = (phase: Phase): string => join(options.root, phase.checkpoint);
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
      await removeStaleTemporaries(pathOf(phase));
      await writeCheckpoint(pathOf(phase), record, { format: options.format ?? 'toon' });
    },
  };
}

// An atomic write interrupted by a crash (SIGKILL, power loss) leaves its temporary file (`.<name>.<uuid>.tmp`)
// beside the checkpoint; one phase's records are written one at a time, so any such file is stale by now.
async function removeStaleTemporaries(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const siblings = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(siblings.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp')).map((name) => rm(join(dirname(path), name), { force: true })));
}
