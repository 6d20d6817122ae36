import { join } from 'node:path';
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
      await writeCheckpoint(pathOf(phase), record, { format: options.format ?? 'toon' });
    },
  };
}
