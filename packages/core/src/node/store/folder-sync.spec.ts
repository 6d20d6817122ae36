import { describe, expect, it } from '@jest/globals';
import { setImmediate } from 'node:timers/promises';
import { createFolderSync } from './folder-sync.js';

/** A fake fsync whose calls stay open until the test ends them. */
function controlledSync(): { sync: (directory: string) => Promise<void>; calls: { directory: string; end: (error?: Error) => void }[] } {
  const calls: { directory: string; end: (error?: Error) => void }[] = [];
  const sync = (directory: string): Promise<void> =>
    new Promise<void>((resolve, reject) => calls.push({ directory, end: (error) => (error === undefined ? resolve() : reject(error)) }));
  return { sync, calls };
}

/** Records when each promise settles and how. */
function watch(promise: Promise<void>): { state: string } {
  const seen = { state: 'pending' };
  promise.then(() => (seen.state = 'synced'), (error: Error) => (seen.state = `failed: ${error.message}`));
  return seen;
}

describe('createFolderSync', () => {
  it('lets the writers of one turn share one fsync of their folder', async () => {
    const { sync, calls } = controlledSync();
    const syncFolder = createFolderSync(sync);
    const writers = [watch(syncFolder('/a')), watch(syncFolder('/a')), watch(syncFolder('/a'))];
    await setImmediate();
    expect(calls.map((call) => call.directory)).toEqual(['/a']);
    calls[0]?.end();
    await setImmediate();
    expect(writers.map((writer) => writer.state)).toEqual(['synced', 'synced', 'synced']);
  });

  it('makes a writer who asks while an fsync is under way wait for the next one, shared with those who come after', async () => {
    const { sync, calls } = controlledSync();
    const syncFolder = createFolderSync(sync);
    const first = watch(syncFolder('/a'));
    await setImmediate();
    const late = [watch(syncFolder('/a')), watch(syncFolder('/a'))];
    calls[0]?.end();
    await setImmediate();
    expect([first.state, ...late.map((writer) => writer.state), calls.length]).toEqual(['synced', 'pending', 'pending', 2]);
    calls[1]?.end();
    await setImmediate();
    expect(late.map((writer) => writer.state)).toEqual(['synced', 'synced']);
  });

  it('fails only the writers of the fsync that failed, and syncs each folder on its own', async () => {
    const { sync, calls } = controlledSync();
    const syncFolder = createFolderSync(sync);
    const a = watch(syncFolder('/a'));
    const b = watch(syncFolder('/b'));
    await setImmediate();
    const later = watch(syncFolder('/a'));
    calls[0]?.end(new Error('EIO'));
    calls[1]?.end();
    await setImmediate();
    calls[2]?.end();
    await setImmediate();
    expect([a.state, b.state, later.state, calls.map((call) => call.directory)]).toEqual(['failed: EIO', 'synced', 'synced', ['/a', '/b', '/a']]);
  });

  it('syncs a real folder by default', async () => {
    await expect(createFolderSync()(process.cwd())).resolves.toBeUndefined();
  });
});
