/** Runs changes to one repository (worktrees added and removed, merges) one at a time within this process. */
export interface MergeLock {
  /**
   * Runs `task` once every task handed in before it has settled, and settles as it does. A task that fails does
   * not hold up the ones after it.
   */
  runExclusive<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Creates a lock that serialises the changes to one repository: phases that run in parallel start and finish
 * concurrently, but git holds locks on the index and refs, so a second change at the same moment fails.
 * @example
 * const lock = createMergeLock();
 * const result = await lock.runExclusive(() => mergeBranch(root, branch, message));
 */
export function createMergeLock(): MergeLock {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    runExclusive<T>(task: () => Promise<T>): Promise<T> {
      const run = tail.then(task);
      // The chain only orders tasks; each caller sees its own task's failure through `run`.
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
