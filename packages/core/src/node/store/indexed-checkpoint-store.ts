import { join } from 'node:path';
import { firstValueFrom, from } from 'rxjs';
import type { ObservableInput } from 'rxjs';
import type { CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';
import { openStampIndex, stampIndexPath } from '../../file-cache/stamp-index.js';

/** Options of {@link createIndexedCheckpointStore}. */
export interface IndexedCheckpointStoreOptions {
  /** The project root; phase checkpoint paths are relative to it, as for the store decorated. */
  readonly root: string;
  /** The folder of index files, e.g. `<root>/.hypervisor/index`. */
  readonly indexDir: string;
  /** What the index is for (the plan folder): each plan keeps its own index of checkpoints. */
  readonly key: string;
}

/**
 * Decorates a checkpoint store with an index of what its checkpoints said (their normalised view) and their
 * stamps (size, mtime and ctime in nanoseconds, inode, device), so that resuming a plan whose checkpoints are
 * unchanged costs one `stat` per checkpoint instead of a read and a decode. A checkpoint written, replaced (an
 * atomic write renames, so its inode changes), edited or deleted behind our back no longer matches its stamp and
 * is read through the decorated store, as is a missing one (never cached). Only successful reads are cached; a
 * read that fails fails as before. The index is written, atomically, each time the reads in flight are over.
 * @example
 * const store = createIndexedCheckpointStore(createFileCheckpointStore({ root }), { root, indexDir: join(root, '.hypervisor/index'), key: planDir });
 */
export function createIndexedCheckpointStore(inner: CheckpointStore, options: IndexedCheckpointStoreOptions): CheckpointStore {
  const index = openStampIndex<CheckpointView>(stampIndexPath(options.indexDir, 'checkpoints', options.key), 'checkpoints');
  let reading = 0;
  const settled = (): void => {
    reading -= 1;
    // Resume reads every checkpoint at once: the index is written once they are all in.
    if (reading === 0) index.save();
  };
  return {
    async read(phase: Phase): Promise<CheckpointView | undefined> {
      const path = join(options.root, phase.checkpoint);
      const cached = index.lookup(phase.checkpoint, path);
      if (cached !== undefined) return cached;
      const stamp = index.stamp(path);
      reading += 1;
      try {
        const view = await firstValueFrom(from(inner.read(phase)), { defaultValue: undefined });
        if (view !== undefined) index.record(phase.checkpoint, stamp, view);
        return view;
      } finally {
        settled();
      }
    },
    write(phase: Phase, record: PhaseCheckpoint): ObservableInput<unknown> {
      // Not needed for correctness (the rewritten file's stamp differs), but the entry is dead weight from now on.
      index.forget(phase.checkpoint);
      return inner.write(phase, record);
    },
  };
}
