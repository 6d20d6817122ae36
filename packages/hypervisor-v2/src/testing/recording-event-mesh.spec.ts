import { describe, expect, it } from '@jest/globals';
import { lastValueFrom, toArray } from 'rxjs';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import type { EventMesh, MeshMessage } from '../events/event-mesh.js';
import type { HypervisorEvent } from '../events/hypervisor-event.js';
import { createRecordingEventMesh } from './recording-event-mesh.js';

const runId = 'run-1';

function queued(seq: number): HypervisorEvent {
  return { type: 'phase:queued', runId, seq, timestamp: 1_000 + seq, phaseId: seq };
}

function started(seq: number): HypervisorEvent {
  return { type: 'phase:started', runId, seq, timestamp: 1_000 + seq, phaseId: seq, attempt: 1 };
}

function record(mesh: EventMesh, pattern: string): number[] {
  const seqs: number[] = [];
  mesh.subscribe(pattern, ({ event }) => {
    seqs.push(event.seq);
  });
  return seqs;
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

function topicsOf(messages: readonly MeshMessage[]): string[] {
  return messages.map(({ topic }) => topic);
}

describe('createRecordingEventMesh', () => {
  it('delivers before publish returns and records the message with its defaults or the given options', () => {
    const mesh = createRecordingEventMesh();
    const seqs = record(mesh, '**');
    mesh.publish(queued(0));
    expect(seqs).toEqual([0]);
    mesh.publish(started(1), { topic: 'audit:phase', priority: 9 });
    expect(mesh.published).toEqual([
      { topic: 'phase:queued', priority: 6, event: queued(0) },
      { topic: 'audit:phase', priority: 9, event: started(1) },
    ]);
  });

  it('records messages nobody subscribed to and delivers in publish order, not priority', () => {
    const mesh = createRecordingEventMesh();
    mesh.publish(queued(0), { priority: 9 });
    const seqs = record(mesh, 'phase:*');
    mesh.publish(queued(1), { priority: 9 });
    mesh.publish(queued(2), { priority: 1 });
    expect(seqs).toEqual([1, 2]);
    expect(mesh.published.map(({ event }) => event.seq)).toEqual([0, 1, 2]);
  });

  it('matches patterns like the real mesh', () => {
    const mesh = createRecordingEventMesh();
    const got = {
      exact: record(mesh, 'phase:started'),
      onePhase: record(mesh, 'phase:*'),
      everything: record(mesh, '**'),
      runTree: record(mesh, 'run:**'),
      unrelated: record(mesh, 'breaker:*'),
    };
    mesh.publish(started(0));
    mesh.publish(queued(1));
    mesh.publish(started(2), { topic: 'run' });
    mesh.publish(started(3), { topic: 'run:phase:started' });
    mesh.publish(started(4), { topic: 'phase:started:late' });
    expect(got).toEqual({ exact: [0], onePhase: [0, 1], everything: [0, 1, 2, 3, 4], runTree: [2, 3], unrelated: [] });
  });

  it('delivers an event a handler publishes before the outer publish returns', () => {
    const mesh = createRecordingEventMesh();
    mesh.subscribe('phase:started', ({ event }) => mesh.publish(queued(event.seq + 1)));
    const seqs = record(mesh, 'phase:*');
    mesh.publish(started(0));
    expect(seqs).toEqual([1, 0]);
    expect(topicsOf(mesh.published)).toEqual(['phase:started', 'phase:queued']);
  });

  it('stops delivering once unsubscribed, also when a handler unsubscribes another mid-publish', () => {
    const mesh = createRecordingEventMesh();
    mesh.subscribe('**', ({ event }) => {
      if (event.seq === 1) second.unsubscribe();
    });
    const seqs: number[] = [];
    const second = mesh.subscribe('**', ({ event }) => {
      seqs.push(event.seq);
    });
    mesh.publish(queued(0));
    mesh.publish(queued(1));
    second.unsubscribe();
    mesh.publish(queued(2));
    expect(seqs).toEqual([0]);
    expect(second.closed).toBe(true);
  });

  it('reports a throwing handler as handler:failed at once and goes on delivering', () => {
    const mesh = createRecordingEventMesh();
    mesh.subscribe('phase:*', () => {
      throw new Error('no');
    }, { name: 'audit' });
    const seqs = record(mesh, 'phase:*');
    mesh.publish(queued(3));
    expect(seqs).toEqual([3]);
    expect(mesh.published[1]).toEqual({
      topic: 'handler:failed',
      priority: 2,
      event: {
        type: 'handler:failed',
        runId,
        seq: 3,
        timestamp: 1_003,
        topic: 'phase:queued',
        subscriber: 'audit',
        error: { name: 'Error', message: 'no' },
      },
    });
  });

  it('reports a rejecting handler when it rejects, and close waits for it', async () => {
    const mesh = createRecordingEventMesh();
    let fail: (error: unknown) => void = () => undefined;
    mesh.subscribe('phase:*', () => new Promise<void>((_resolve, reject) => (fail = reject)));
    mesh.subscribe('phase:*', async () => undefined);
    const reports = record(mesh, 'handler:failed');
    mesh.publish(queued(0));
    const closing = mesh.close();
    fail(new Error('late'));
    await closing;
    expect(reports).toEqual([0]);
    expect(topicsOf(mesh.published)).toEqual(['phase:queued', 'handler:failed']);
  });

  it('throws a failure to handle handler:failed from publish instead of publishing it', () => {
    const mesh = createRecordingEventMesh();
    mesh.subscribe('phase:*', () => {
      throw new Error('first');
    });
    const second = new Error('second');
    mesh.subscribe('handler:failed', () => {
      throw second;
    });
    expect(() => mesh.publish(queued(0))).toThrow(second);
    expect(topicsOf(mesh.published)).toEqual(['phase:queued', 'handler:failed']);
  });

  it('rejects close with a rejected handling of handler:failed, after completing observers', async () => {
    const mesh = createRecordingEventMesh();
    mesh.subscribe('phase:*', () => {
      throw new Error('first');
    });
    const second = new Error('second');
    mesh.subscribe('handler:failed', () => Promise.reject(second));
    mesh.subscribe('handler:failed', () => Promise.reject(new Error('third')));
    const observed = lastValueFrom(mesh.observe('**').pipe(toArray()));
    mesh.publish(queued(0));
    await expect(mesh.close()).rejects.toBe(second);
    expect(await observed).toHaveLength(2);
  });
});

describe('createRecordingEventMesh observe', () => {
  it('emits synchronously and completes when the mesh closes', async () => {
    const mesh = createRecordingEventMesh();
    const seqs: number[] = [];
    let completed = false;
    mesh.observe('phase:*').subscribe({ next: ({ event }) => seqs.push(event.seq), complete: () => (completed = true) });
    mesh.publish(queued(0));
    expect(seqs).toEqual([0]);
    expect(completed).toBe(false);
    await mesh.close();
    expect(completed).toBe(true);
  });

  it('stops emitting to a subscriber that unsubscribed, and completes at once after close', async () => {
    const mesh = createRecordingEventMesh();
    const seqs: number[] = [];
    mesh.observe('**').subscribe(({ event }) => seqs.push(event.seq)).unsubscribe();
    mesh.publish(queued(0));
    await mesh.close();
    expect(seqs).toEqual([]);
    await expect(lastValueFrom(mesh.observe('**').pipe(toArray()))).resolves.toEqual([]);
  });
});

describe('createRecordingEventMesh close', () => {
  it('returns the same promise twice, also to an observer closing as it completes', async () => {
    const mesh = createRecordingEventMesh();
    let again: Promise<void> | undefined;
    mesh.observe('**').subscribe({ complete: () => (again = mesh.close()) });
    const closing = mesh.close();
    expect(mesh.close()).toBe(closing);
    await closing;
    expect(again).toBe(closing);
  });

  it('refuses publish with mesh_closed and hands out closed subscriptions', async () => {
    const mesh = createRecordingEventMesh();
    const early = mesh.subscribe('**', () => undefined);
    const closing = mesh.close();
    const error = rejectionOf(() => mesh.publish(queued(0)));
    expect(error.code).toBe('mesh_closed');
    expect(error.message).toBe('cannot publish phase:queued to phase:queued: the event mesh is closed');
    expect(mesh.subscribe('**', () => undefined).closed).toBe(true);
    await closing;
    expect(early.closed).toBe(true);
  });
});

describe('createRecordingEventMesh validation', () => {
  it.each<[string, (mesh: EventMesh) => unknown, string]>([
    [
      'an invalid subscribe pattern',
      (mesh) => mesh.subscribe('phase::x', () => undefined),
      'invalid topic pattern "phase::x": segment 2 is empty',
    ],
    ['an invalid observe pattern', (mesh) => mesh.observe(''), 'invalid topic pattern "": must not be empty'],
    [
      'an invalid publish topic',
      (mesh) => mesh.publish(queued(0), { topic: 'run:**' }),
      'invalid topic "run:**": segment 2 is a wildcard; publish to one topic, not a pattern',
    ],
  ])('rejects %s with invalid_topic_pattern', (_name, action, expected) => {
    const error = rejectionOf(() => action(createRecordingEventMesh()));
    expect(error.code).toBe('invalid_topic_pattern');
    expect(error.message).toBe(expected);
  });
});
