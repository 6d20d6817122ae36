import { describe, expect, it } from '@jest/globals';
import { Dispatcher } from './dispatcher.js';
import type { DispatcherOptions, GroupPolicy } from './dispatcher.js';

interface Ready {
  readonly id: number;
  readonly priority?: number;
  readonly group?: string | null;
}

/** A dispatcher that knows the priority and group of `phases`; none of them is ready yet. */
function createDispatcher(phases: readonly Ready[], workers: number, groupPolicy: GroupPolicy): Dispatcher {
  const byId = new Map(phases.map((phase) => [phase.id, phase]));
  const options: DispatcherOptions = {
    workers,
    groupPolicy,
    priorityOf: (id) => byId.get(id)?.priority ?? 0,
    groupOf: (id) => byId.get(id)?.group ?? null,
  };
  return new Dispatcher(options);
}

/** A dispatcher with every one of `phases` ready. */
function dispatcherFor(phases: readonly Ready[], workers: number, groupPolicy: GroupPolicy): Dispatcher {
  const dispatcher = createDispatcher(phases, workers, groupPolicy);
  for (const phase of phases) dispatcher.markReady(phase.id);
  return dispatcher;
}

/** Every phase the dispatcher lets start now, in the order it gives them. */
function startAll(dispatcher: Dispatcher): number[] {
  const started: number[] = [];
  for (let id = dispatcher.next(); id !== undefined; id = dispatcher.next()) started.push(id);
  return started;
}

describe('Dispatcher', () => {
  it.each([0, -1, 2.5, Number.NaN])('rejects %p workers with a RangeError', (workers) => {
    expect(() => dispatcherFor([], workers, 'ignore')).toThrow(RangeError);
  });

  it('has nothing to start when nothing is ready', () => {
    const dispatcher = dispatcherFor([], 2, 'strict');
    expect(dispatcher.next()).toBeUndefined();
    expect({ running: dispatcher.running, ready: dispatcher.ready }).toEqual({ running: 0, ready: 0 });
  });

  it('starts as many phases as there are workers and never more', () => {
    const dispatcher = dispatcherFor([1, 2, 3, 4, 5].map((id) => ({ id })), 3, 'ignore');
    expect(startAll(dispatcher)).toEqual([1, 2, 3]);
    expect({ running: dispatcher.running, ready: dispatcher.ready }).toEqual({ running: 3, ready: 2 });
    dispatcher.finished(2);
    expect(startAll(dispatcher)).toEqual([4]);
    expect(dispatcher.running).toBe(3);
    dispatcher.finished(1);
    dispatcher.finished(3);
    expect(startAll(dispatcher)).toEqual([5]);
    expect({ running: dispatcher.running, ready: dispatcher.ready }).toEqual({ running: 2, ready: 0 });
  });

  it('with several workers starts the phase with the longest remaining path first, then the smaller id', () => {
    const dispatcher = dispatcherFor(
      [
        { id: 1, priority: 5 },
        { id: 2, priority: 50 },
        { id: 3, priority: 20 },
        { id: 9, priority: 50 },
        { id: 4, priority: 20 },
      ],
      2,
      'ignore',
    );
    expect(startAll(dispatcher)).toEqual([2, 9]);
    dispatcher.finished(2);
    dispatcher.finished(9);
    expect(startAll(dispatcher)).toEqual([3, 4]);
    dispatcher.finished(3);
    expect(startAll(dispatcher)).toEqual([1]);
  });

  it('with one worker starts the lowest ready id, whatever the priorities', () => {
    const dispatcher = dispatcherFor([{ id: 4, priority: 50 }, { id: 1, priority: 5 }, { id: 3, priority: 20 }], 1, 'ignore');
    const order: number[] = [];
    for (let id = dispatcher.next(); id !== undefined; id = dispatcher.next()) {
      order.push(id);
      dispatcher.finished(id);
    }
    expect(order).toEqual([1, 3, 4]);
  });

  it('weighs a phase that becomes ready later against those already waiting', () => {
    const dispatcher = createDispatcher([{ id: 1, priority: 1 }, { id: 2, priority: 2 }, { id: 3, priority: 10 }, { id: 4, priority: 20 }], 2, 'ignore');
    dispatcher.markReady(1);
    dispatcher.markReady(2);
    dispatcher.markReady(4);
    expect(startAll(dispatcher)).toEqual([4, 2]);
    dispatcher.markReady(3);
    dispatcher.finished(2);
    expect(dispatcher.next()).toBe(3);
  });

  it('reorders the waiting phases when setWorkers goes to one worker and back', () => {
    const dispatcher = dispatcherFor([{ id: 1, priority: 1 }, { id: 2, priority: 9 }, { id: 3, priority: 5 }, { id: 4, priority: 7 }, { id: 5, priority: 8 }], 2, 'ignore');
    expect(startAll(dispatcher)).toEqual([2, 5]);
    dispatcher.setWorkers(1);
    dispatcher.finished(2);
    dispatcher.finished(5);
    // Waiting: 1, 3 and 4; by priority 4 would go first, in plan order 1 does.
    expect(startAll(dispatcher)).toEqual([1]);
    dispatcher.setWorkers(3);
    expect(startAll(dispatcher)).toEqual([4, 3]);
  });

  it('starts nothing more after setWorkers lowers the limit until enough running phases end', () => {
    const dispatcher = dispatcherFor([1, 2, 3, 4, 5].map((id) => ({ id })), 3, 'ignore');
    expect(startAll(dispatcher)).toEqual([1, 2, 3]);
    dispatcher.setWorkers(1);
    dispatcher.finished(1);
    expect(startAll(dispatcher)).toEqual([]);
    dispatcher.finished(2);
    dispatcher.finished(3);
    expect(startAll(dispatcher)).toEqual([4]);
    dispatcher.setWorkers(2);
    expect(startAll(dispatcher)).toEqual([5]);
  });

  it.each([0, 1.5])('refuses to set %p workers', (workers) => {
    expect(() => dispatcherFor([], 1, 'ignore').setWorkers(workers)).toThrow(RangeError);
  });

  describe("with groupPolicy 'strict'", () => {
    it('runs phases of the same non-null group side by side', () => {
      const dispatcher = dispatcherFor([{ id: 1, group: 'infra' }, { id: 2, group: 'infra' }, { id: 3, group: 'infra' }], 2, 'strict');
      expect(startAll(dispatcher)).toEqual([1, 2]);
    });

    it('does not run phases of different groups side by side', () => {
      const dispatcher = dispatcherFor([{ id: 1, group: 'infra', priority: 9 }, { id: 2, group: 'hooks', priority: 5 }], 4, 'strict');
      expect(startAll(dispatcher)).toEqual([1]);
      dispatcher.finished(1);
      expect(startAll(dispatcher)).toEqual([2]);
    });

    it('runs a phase whose group is null alone, even beside other null-group phases', () => {
      const dispatcher = dispatcherFor([{ id: 1, priority: 9 }, { id: 2, priority: 1 }, { id: 3, group: 'infra', priority: 5 }], 4, 'strict');
      expect(startAll(dispatcher)).toEqual([1]);
      dispatcher.finished(1);
      expect(startAll(dispatcher)).toEqual([3]);
      dispatcher.finished(3);
      expect(startAll(dispatcher)).toEqual([2]);
    });

    it('does not start a null-group phase beside a running group', () => {
      const dispatcher = dispatcherFor([{ id: 1, group: 'infra', priority: 9 }, { id: 2, priority: 8 }], 4, 'strict');
      expect(startAll(dispatcher)).toEqual([1]);
      expect(dispatcher.ready).toBe(1);
    });

    it('backfills a free worker with a same-group phase when the best ready phase is blocked by the group', () => {
      const dispatcher = createDispatcher([{ id: 1, group: 'a', priority: 10 }, { id: 2, group: 'b', priority: 50 }, { id: 3, group: 'a', priority: 1 }], 2, 'strict');
      dispatcher.markReady(1);
      expect(dispatcher.next()).toBe(1);
      dispatcher.markReady(2);
      dispatcher.markReady(3);
      // 2 is the best ready phase but cannot join group a; 3 can, and takes the free worker.
      expect(startAll(dispatcher)).toEqual([3]);
      dispatcher.finished(1);
      expect(startAll(dispatcher)).toEqual([]);
      dispatcher.finished(3);
      expect(startAll(dispatcher)).toEqual([2]);
    });
  });

  describe("with groupPolicy 'ignore'", () => {
    it('runs phases of any groups, null included, side by side', () => {
      const dispatcher = dispatcherFor([{ id: 1, priority: 9 }, { id: 2, group: 'infra', priority: 8 }, { id: 3, group: 'hooks', priority: 7 }, { id: 4, priority: 6 }], 4, 'ignore');
      expect(startAll(dispatcher)).toEqual([1, 2, 3, 4]);
    });
  });

  it('refuses to free a worker for a phase that is not running', () => {
    const dispatcher = dispatcherFor([{ id: 1, group: 'a' }, { id: 2, group: 'a' }], 2, 'strict');
    expect(() => dispatcher.finished(1)).toThrow(/phase 1 finished but was not running/);
    expect(dispatcher.next()).toBe(1);
    // 2 shares 1's group but never started: counting it as finished would hand 1's worker to another phase.
    expect(() => dispatcher.finished(2)).toThrow(/phase 2 finished but was not running/);
    dispatcher.finished(1);
    expect(() => dispatcher.finished(1)).toThrow(RangeError);
    expect(dispatcher.running).toBe(0);
  });
});
