import { setImmediate } from 'node:timers';
import { syncDirectory } from '@kazuba/toon';

/** fsyncs a folder so that the renames done in it survive a crash. */
export type FolderSync = (directory: string) => Promise<void>;

/** Writers waiting for the same fsync. */
interface Batch {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** One folder's state: whether an fsync is under way, and the writers waiting for the next one. */
interface FolderState {
  running: boolean;
  waiting: Batch | undefined;
}

function createBatch(): Batch {
  let resolve = (): void => undefined;
  let reject = (_error: unknown): void => undefined;
  const promise = new Promise<void>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
}

/**
 * Group commit of folder syncs: every writer that renamed a file into a folder asks for a sync, and those that ask
 * in the same turn of the event loop, or while a sync of the folder is under way, share one fsync. A sync covers the
 * renames done before it started, never one done after, so a writer who asks while a sync is under way waits for the
 * next one: every writer's promise settles only after an fsync that started after its rename, with its outcome.
 * @param sync the fsync of one folder, `@kazuba/toon`'s `syncDirectory` by default (tests pass a fake one).
 * @example
 * const syncFolder = createFolderSync();
 * await writeCheckpoint(path, record, { syncDirectory: syncFolder });
 */
export function createFolderSync(sync: FolderSync = syncDirectory): FolderSync {
  const folders = new Map<string, FolderState>();
  const run = (directory: string, state: FolderState): void => {
    const batch = state.waiting as Batch;
    state.waiting = undefined;
    state.running = true;
    void sync(directory)
      .then(batch.resolve, batch.reject)
      .finally(() => {
        state.running = false;
        if (state.waiting !== undefined) run(directory, state);
        else folders.delete(directory);
      });
  };
  return (directory) => {
    let state = folders.get(directory);
    if (state === undefined) {
      state = { running: false, waiting: undefined };
      folders.set(directory, state);
    }
    if (state.waiting !== undefined) return state.waiting.promise;
    const batch = createBatch();
    state.waiting = batch;
    const current = state;
    // Started on the next turn, so that the renames finishing in this one share it; after the one under way, if any.
    if (!state.running) setImmediate(() => run(directory, current));
    return batch.promise;
  };
}
