import { describe, expect, it } from '@jest/globals';
import { createMergeLock } from './merge-lock.js';

function deferred() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('createMergeLock', () => {
  it('starts a task only when the one before it has settled, and hands back each result', async () => {
    const lock = createMergeLock();
    const events: string[] = [];
    const gate = deferred();
    const first = lock.runExclusive(async () => {
      events.push('first started');
      await gate.promise;
      events.push('first done');
      return 1;
    });
    const second = lock.runExclusive(async () => {
      events.push('second started');
      return 2;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(events).toEqual(['first started']);
    gate.resolve();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(events).toEqual(['first started', 'first done', 'second started']);
  });

  it('passes a failure to its own caller and still runs the tasks after it', async () => {
    const lock = createMergeLock();
    const failing = lock.runExclusive(() => Promise.reject(new Error('merge broke')));
    const next = lock.runExclusive(() => Promise.resolve('ran'));
    await expect(failing).rejects.toThrow('merge broke');
    await expect(next).resolves.toBe('ran');
  });
});
