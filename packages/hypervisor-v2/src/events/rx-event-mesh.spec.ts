import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { VirtualTimeScheduler, lastValueFrom, queueScheduler, toArray } from 'rxjs';
import { HypervisorV2Error, isHypervisorV2Error } from '../errors.js';
import type { EventMesh, MeshMessage } from './event-mesh.js';
import type { HypervisorEvent } from './hypervisor-event.js';
import type { EventPriority } from './priority.js';
import { createEventMesh } from './rx-event-mesh.js';
import type { UnreportedFailure } from './rx-event-mesh.js';

const runId = 'run-1';

function queued(seq: number): HypervisorEvent {
  return { type: 'phase:queued', runId, seq, timestamp: 1_000 + seq, phaseId: seq };
}

function started(seq: number): HypervisorEvent {
  return { type: 'phase:started', runId, seq, timestamp: 1_000 + seq, phaseId: seq, attempt: 1 };
}

/** Lets every scheduled delivery and settled handler promise run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Gate {
  readonly promise: Promise<void>;
  open(): void;
  fail(error: unknown): void;
}

function gate(): Gate {
  let open: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Subscribes to `pattern` and collects the seq of every delivered event. */
function record(mesh: EventMesh, pattern: string): number[] {
  const seqs: number[] = [];
  mesh.subscribe(pattern, ({ event }) => {
    seqs.push(event.seq);
  });
  return seqs;
}

/** A subscriber that holds its first delivery until the returned gate opens, so later ones queue up. */
function lagging(mesh: EventMesh, pattern = '**'): { seqs: number[]; held: Gate } {
  const seqs: number[] = [];
  const held = gate();
  mesh.subscribe(pattern, ({ event }) => {
    seqs.push(event.seq);
    return seqs.length === 1 ? held.promise : undefined;
  });
  return { seqs, held };
}

function rejectionOf(action: () => unknown): HypervisorV2Error {
  try {
    action();
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a HypervisorV2Error');
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('createEventMesh', () => {
  it('delivers after publish returns, never inside it', async () => {
    const mesh = createEventMesh();
    const seqs = record(mesh, 'phase:queued');
    mesh.publish(queued(0));
    expect(seqs).toEqual([]);
    await settle();
    expect(seqs).toEqual([0]);
  });

  it('delivers the backlog of a lagging handler most urgent first, after the one in flight', async () => {
    const mesh = createEventMesh();
    const { seqs, held } = lagging(mesh);
    mesh.publish(queued(0));
    await settle();
    mesh.publish(queued(1), { priority: 9 });
    mesh.publish(queued(2), { priority: 1 });
    mesh.publish(queued(3), { priority: 4 });
    await settle();
    expect(seqs).toEqual([0]);
    held.open();
    await mesh.close();
    expect(seqs).toEqual([0, 2, 3, 1]);
  });

  it('keeps publish order among events of equal priority', async () => {
    const mesh = createEventMesh();
    const { seqs, held } = lagging(mesh);
    for (const seq of [0, 1, 2, 3, 4, 5]) mesh.publish(queued(seq), { priority: 5 });
    held.open();
    await mesh.close();
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('drains a long mixed backlog by priority, then publish order', async () => {
    const mesh = createEventMesh();
    const { seqs, held } = lagging(mesh);
    mesh.publish(queued(0));
    await settle();
    const priorities: EventPriority[] = [5, 3, 5, 1, 3, 5, 10, 1, 3, 2, 5, 1, 7, 2];
    priorities.forEach((priority, index) => mesh.publish(queued(index + 1), { priority }));
    held.open();
    await mesh.close();
    // Array.prototype.sort is stable, so this is the order by priority, then publish order.
    const expected = priorities.map((priority, index) => ({ priority, seq: index + 1 }));
    expected.sort((a, b) => a.priority - b.priority);
    expect(seqs).toEqual([0, ...expected.map(({ seq }) => seq)]);
  });

  it('treats events published before a delivery runs as a backlog, most urgent first', async () => {
    const mesh = createEventMesh();
    const seqs = record(mesh, '**');
    mesh.publish(queued(0), { priority: 8 });
    mesh.publish(queued(1), { priority: 2 });
    await mesh.close();
    expect(seqs).toEqual([1, 0]);
  });

  it('publishes to the event type with its default priority unless told otherwise', async () => {
    const mesh = createEventMesh();
    const messages: MeshMessage[] = [];
    mesh.subscribe('**', (message) => {
      messages.push(message);
    });
    const failed: HypervisorEvent = {
      type: 'phase:finished',
      runId,
      seq: 1,
      timestamp: 1,
      phaseId: 1,
      status: 'failed',
      attempts: 2,
      durationMs: 5,
    };
    mesh.publish(queued(0));
    mesh.publish(failed);
    mesh.publish(started(2), { topic: 'audit:phase', priority: 10 });
    await mesh.close();
    expect(messages.map(({ topic, priority, event }) => [topic, priority, event.seq])).toEqual([
      ['phase:finished', 2, 1],
      ['phase:queued', 6, 0],
      ['audit:phase', 10, 2],
    ]);
  });

  it('delivers to every subscriber whose pattern matches the topic, and only those', async () => {
    const mesh = createEventMesh();
    const got = {
      exact: record(mesh, 'phase:started'),
      onePhase: record(mesh, 'phase:*'),
      everything: record(mesh, '**'),
      runTree: record(mesh, 'run:**'),
      unrelated: record(mesh, 'breaker:*'),
    };
    mesh.publish(started(0));
    mesh.publish(started(1), { topic: 'phase:retried' });
    mesh.publish(started(2), { topic: 'run' });
    mesh.publish(started(3), { topic: 'run:phase:started' });
    mesh.publish(started(4), { topic: 'phase:started:late' });
    await mesh.close();
    expect(got).toEqual({
      exact: [0],
      onePhase: [0, 1],
      everything: [0, 1, 2, 3, 4],
      runTree: [2, 3],
      unrelated: [],
    });
  });

  it('lets a handler publish, delivering the new event afterwards', async () => {
    const mesh = createEventMesh();
    mesh.subscribe('phase:started', ({ event }) => mesh.publish(queued(event.seq + 1)));
    const seqs = record(mesh, 'phase:*');
    mesh.publish(started(0));
    await settle();
    await mesh.close();
    expect(seqs).toEqual([0, 1]);
  });
});

describe('createEventMesh unsubscribe', () => {
  it('stops delivery at once, including messages already queued, and is idempotent', async () => {
    const mesh = createEventMesh();
    const seqs: number[] = [];
    const held = gate();
    const subscription = mesh.subscribe('**', ({ event }) => {
      seqs.push(event.seq);
      return held.promise;
    });
    const other = record(mesh, '**');
    mesh.publish(queued(0));
    await settle();
    mesh.publish(queued(1));
    mesh.publish(queued(2));
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
    subscription.unsubscribe();
    expect(subscription.closed).toBe(true);
    held.open();
    mesh.publish(queued(3));
    await mesh.close();
    expect(seqs).toEqual([0]);
    expect(other).toEqual([0, 1, 2, 3]);
  });

  it('cancels a delivery that was scheduled but has not run yet', async () => {
    const mesh = createEventMesh();
    const seqs: number[] = [];
    const subscription = mesh.subscribe('**', ({ event }) => {
      seqs.push(event.seq);
    });
    mesh.publish(queued(0));
    subscription.unsubscribe();
    await mesh.close();
    expect(seqs).toEqual([]);
  });
});

describe('createEventMesh failures', () => {
  it('reports a throwing handler as handler:failed and keeps delivering to it and to others', async () => {
    const mesh = createEventMesh();
    mesh.subscribe('phase:*', ({ event }) => {
      if (event.seq === 0) throw new HypervisorV2Error('aborted', 'plugin gave up');
    }, { name: 'audit' });
    const others = record(mesh, 'phase:*');
    const reports: MeshMessage[] = [];
    mesh.subscribe('handler:failed', (message) => {
      reports.push(message);
    });
    mesh.publish(queued(0));
    mesh.publish(queued(1));
    await mesh.close();
    expect(others).toEqual([0, 1]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      topic: 'handler:failed',
      priority: 2,
      event: {
        type: 'handler:failed',
        runId,
        seq: 0,
        topic: 'phase:queued',
        subscriber: 'audit',
        error: { name: 'HypervisorV2Error', code: 'aborted', message: 'plugin gave up' },
      },
    });
  });

  it('reports a rejecting handler under its pattern and goes on with its next events', async () => {
    const mesh = createEventMesh();
    const seqs: number[] = [];
    mesh.subscribe('phase:*', async ({ event }) => {
      seqs.push(event.seq);
      if (event.seq === 0) throw new Error('disk full');
    });
    const others = record(mesh, 'phase:*');
    const reports = lastValueFrom(mesh.observe('handler:failed').pipe(toArray()));
    mesh.publish(queued(0));
    mesh.publish(queued(1));
    await mesh.close();
    expect(seqs).toEqual([0, 1]);
    expect(others).toEqual([0, 1]);
    expect((await reports).map(({ event }) => event)).toEqual([
      expect.objectContaining({ subscriber: 'phase:*', seq: 0, error: { name: 'Error', message: 'disk full' } }),
    ]);
  });

  it('never lets a handler that does not settle delay another subscriber', async () => {
    const mesh = createEventMesh();
    const stuck = mesh.subscribe('**', () => new Promise<void>(() => undefined));
    const seqs = record(mesh, '**');
    for (const seq of [0, 1, 2]) mesh.publish(queued(seq));
    await settle();
    expect(seqs).toEqual([0, 1, 2]);
    stuck.unsubscribe();
    await mesh.close();
  });

  it('still reports a rejection that settles after the handler unsubscribed', async () => {
    const mesh = createEventMesh();
    const held = gate();
    const subscription = mesh.subscribe('phase:*', () => held.promise, { name: 'slow' });
    const reports: string[] = [];
    mesh.subscribe('handler:failed', ({ event }) => {
      if (event.type === 'handler:failed') reports.push(`${event.subscriber}: ${event.error.message}`);
    });
    mesh.publish(queued(0));
    await settle();
    subscription.unsubscribe();
    held.fail(new Error('late'));
    await settle();
    await mesh.close();
    expect(reports).toEqual(['slow: late']);
  });

  it('hands a failure to handle handler:failed to onUnreportedError instead of publishing it again', async () => {
    const unreported: [unknown, UnreportedFailure][] = [];
    const mesh = createEventMesh({ onUnreportedError: (error, failure) => unreported.push([error, failure]) });
    mesh.subscribe('phase:*', () => {
      throw new Error('first');
    });
    const second = new Error('second');
    mesh.subscribe('handler:failed', () => Promise.reject(second), { name: 'alerts' });
    const reports = lastValueFrom(mesh.observe('handler:failed').pipe(toArray()));
    mesh.publish(queued(0));
    await mesh.close();
    expect(await reports).toHaveLength(1);
    const failure = { subscriber: 'alerts', message: expect.objectContaining({ topic: 'handler:failed' }) };
    expect(unreported).toEqual([[second, failure]]);
  });

  it('hands a rejection that settles after close to onUnreportedError', async () => {
    const unreported: unknown[] = [];
    const mesh = createEventMesh({ onUnreportedError: (error) => unreported.push(error) });
    const held = gate();
    const subscription = mesh.subscribe('**', () => held.promise);
    mesh.publish(queued(0));
    await settle();
    subscription.unsubscribe();
    await mesh.close();
    const late = new Error('after close');
    held.fail(late);
    await settle();
    expect(unreported).toEqual([late]);
  });

  it('by default writes each unreported failure to console.error in one line', async () => {
    const lines: unknown[] = [];
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => lines.push(line));
    const mesh = createEventMesh();
    mesh.subscribe('phase:*', () => {
      throw new Error('first');
    });
    mesh.subscribe('handler:failed', () => {
      throw new Error('plain');
    }, { name: 'alerts' });
    mesh.subscribe('handler:failed', () => {
      throw new HypervisorV2Error('aborted', 'line one\n  line two');
    }, { name: 'pager' });
    mesh.publish(queued(0));
    await mesh.close();
    expect(lines).toEqual([
      'event mesh: subscriber "alerts" failed on handler:failed (topic handler:failed), not reported: Error: plain',
      'event mesh: subscriber "pager" failed on handler:failed (topic handler:failed), not reported: HypervisorV2Error [aborted]: line one line two',
    ]);
  });

  it('rethrows an error of onUnreportedError on its own, and deliveries go on', async () => {
    const rethrown: (() => void)[] = [];
    const callbackError = new Error('callback broke');
    const mesh = createEventMesh({
      onUnreportedError: () => {
        throw callbackError;
      },
    });
    mesh.subscribe('phase:*', () => {
      throw new Error('first');
    });
    mesh.subscribe('handler:failed', () => {
      throw new Error('second');
    });
    const seqs = record(mesh, 'phase:*');
    jest.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => rethrown.push(task));
    mesh.publish(queued(0));
    mesh.publish(queued(1));
    await mesh.close();
    jest.restoreAllMocks();
    expect(seqs).toEqual([0, 1]);
    expect(rethrown).toHaveLength(2);
    expect(() => rethrown[0]?.()).toThrow(callbackError);
  });
});

describe('createEventMesh observe', () => {
  it('emits the matching messages to each subscriber and completes when the mesh closes', async () => {
    const mesh = createEventMesh();
    const phases = lastValueFrom(mesh.observe('phase:*').pipe(toArray()));
    const all = lastValueFrom(mesh.observe('**').pipe(toArray()));
    mesh.publish(queued(0));
    mesh.publish(queued(1), { topic: 'run:note' });
    await mesh.close();
    expect((await phases).map(({ event }) => event.seq)).toEqual([0]);
    expect((await all).map(({ event }) => event.seq)).toEqual([0, 1]);
  });

  it('is cold: registers on subscribe and stops delivering on unsubscribe', async () => {
    const mesh = createEventMesh();
    const observed = mesh.observe('**');
    mesh.publish(queued(0));
    const seqs: number[] = [];
    const subscription = observed.subscribe(({ event }) => seqs.push(event.seq));
    mesh.publish(queued(1));
    await settle();
    subscription.unsubscribe();
    mesh.publish(queued(2));
    await mesh.close();
    expect(seqs).toEqual([1]);
  });

  it('completes at once when subscribed after close', async () => {
    const mesh = createEventMesh();
    await mesh.close();
    await expect(lastValueFrom(mesh.observe('**').pipe(toArray()))).resolves.toEqual([]);
  });
});

describe('createEventMesh close', () => {
  it('resolves on an idle mesh and returns the same promise when called again', async () => {
    const mesh = createEventMesh();
    const closing = mesh.close();
    expect(mesh.close()).toBe(closing);
    await expect(closing).resolves.toBeUndefined();
  });

  it('waits for in-flight handlers and delivers what is queued before resolving', async () => {
    const mesh = createEventMesh();
    const { seqs, held } = lagging(mesh);
    mesh.publish(queued(0));
    await settle();
    mesh.publish(queued(1));
    let closed = false;
    const closing = mesh.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);
    held.open();
    await closing;
    expect(seqs).toEqual([0, 1]);
  });

  it('refuses publish once closing has begun, with mesh_closed', async () => {
    const mesh = createEventMesh();
    const closing = mesh.close();
    const error = rejectionOf(() => mesh.publish(queued(0)));
    expect(error.code).toBe('mesh_closed');
    expect(error.message).toBe('cannot publish phase:queued to phase:queued: the event mesh is closed');
    await closing;
    expect(rejectionOf(() => mesh.publish(queued(1), { topic: 'x' })).code).toBe('mesh_closed');
  });

  it('gives an observer that calls close() as it completes the same promise', async () => {
    const mesh = createEventMesh();
    let again: Promise<void> | undefined;
    mesh.observe('**').subscribe({ complete: () => (again = mesh.close()) });
    const closing = mesh.close();
    await closing;
    expect(again).toBe(closing);
  });

  it('closes every subscription and hands out closed ones afterwards', async () => {
    const mesh = createEventMesh();
    const early = mesh.subscribe('**', () => undefined);
    await mesh.close();
    expect(early.closed).toBe(true);
    expect(mesh.subscribe('**', () => undefined).closed).toBe(true);
  });

  it('delivers failure reports raised while draining before it resolves', async () => {
    const mesh = createEventMesh();
    const { held } = lagging(mesh, 'phase:*');
    mesh.subscribe('phase:*', () => Promise.reject(new Error('late failure')));
    const reports = record(mesh, 'handler:failed');
    mesh.publish(queued(0));
    const closing = mesh.close();
    held.open();
    await closing;
    expect(reports).toEqual([0]);
  });
});

describe('createEventMesh options', () => {
  it('runs deliveries on the given scheduler and stamps reports with its clock', () => {
    const scheduler = new VirtualTimeScheduler();
    const mesh = createEventMesh({ scheduler });
    mesh.subscribe('phase:*', () => {
      throw new Error('no');
    }, { name: 'audit' });
    const reports: HypervisorEvent[] = [];
    mesh.subscribe('handler:failed', ({ event }) => {
      reports.push(event);
    });
    scheduler.schedule(() => mesh.publish(queued(7)), 250);
    expect(reports).toEqual([]);
    scheduler.flush();
    expect(reports).toEqual([
      {
        type: 'handler:failed',
        runId,
        seq: 7,
        timestamp: 250,
        topic: 'phase:queued',
        subscriber: 'audit',
        error: { name: 'Error', message: 'no' },
      },
    ]);
  });

  it('delivers inside publish on a synchronous scheduler, still honouring an unsubscribe made by a handler', () => {
    const mesh = createEventMesh({ scheduler: queueScheduler });
    const seqs: number[] = [];
    mesh.subscribe('**', () => second.unsubscribe());
    const second = mesh.subscribe('**', ({ event }) => {
      seqs.push(event.seq);
    });
    const third = record(mesh, '**');
    mesh.publish(queued(0));
    expect(second.closed).toBe(true);
    expect(seqs).toEqual([]);
    expect(third).toEqual([0]);
  });
});

describe('createEventMesh validation', () => {
  it.each<[string, (mesh: EventMesh) => unknown, string]>([
    [
      'a subscribe pattern with an empty segment',
      (mesh) => mesh.subscribe('phase:', () => undefined),
      'invalid topic pattern "phase:": segment 2 is empty',
    ],
    [
      'an observe pattern with a partial wildcard',
      (mesh) => mesh.observe('phase*'),
      'invalid topic pattern "phase*": segment 1 "phase*" mixes "*" with other characters',
    ],
    [
      'a publish topic with a wildcard',
      (mesh) => mesh.publish(queued(0), { topic: 'phase:*' }),
      'invalid topic "phase:*": segment 2 is a wildcard; publish to one topic, not a pattern',
    ],
    ['an empty publish topic', (mesh) => mesh.publish(queued(0), { topic: '' }), 'invalid topic "": must not be empty'],
  ])('rejects %s with invalid_topic_pattern', async (_name, action, expected) => {
    const mesh = createEventMesh();
    const error = rejectionOf(() => action(mesh));
    expect(error.code).toBe('invalid_topic_pattern');
    expect(error.message).toBe(expected);
    await mesh.close();
  });
});
