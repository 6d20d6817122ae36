import { describe, expect, it } from '@jest/globals';
import { Subject, from } from 'rxjs';
import { setImmediate } from 'node:timers/promises';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import type { PhaseCheckpoint } from '@kazuba/toon';
import { definePlan } from '../../plan/define-plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';
import { createCheckpointBarrier } from './checkpoint-barrier.js';

const plan = definePlan([{ id: 1 }, { id: 2 }, { id: 3 }]);
const phase = (id: number) => plan.byId.get(id)!;
const record = {} as PhaseCheckpoint;
let seq = 0;
const event = (type: string, fields: object = {}): HypervisorEvent => ({ runId: 'r', seq: seq++, timestamp: 0, type, ...fields }) as unknown as HypervisorEvent;
const finished = (phaseId: number, attempts: number): HypervisorEvent => event('phase:finished', { phaseId, status: 'success', attempts, durationMs: 1 });

/** A store whose writes stay open until the test ends them. */
function slowStore(): { store: CheckpointStore; end: Map<number, (error?: Error) => void> } {
  const end = new Map<number, (error?: Error) => void>();
  const store: CheckpointStore = {
    read: () => Promise.resolve(undefined),
    write: (written) => new Promise<void>((resolve, reject) => end.set(written.id, (error) => (error === undefined ? resolve() : reject(error)))),
  };
  return { store, end };
}

function deliver(barrier: ReturnType<typeof createCheckpointBarrier>): { source: Subject<HypervisorEvent>; seen: string[]; done: { value: boolean } } {
  const source = new Subject<HypervisorEvent>();
  const seen: string[] = [];
  const done = { value: false };
  source.pipe(barrier.hold).subscribe({
    next: (delivered) => seen.push(`${delivered.type}${'phaseId' in delivered ? ` ${delivered.phaseId}` : ''}`),
    complete: () => (done.value = true),
  });
  return { source, seen, done };
}

describe('createCheckpointBarrier', () => {
  it('delivers a phase finished only once its record is written, and every later event after it, in order', async () => {
    const { store, end } = slowStore();
    const barrier = createCheckpointBarrier(store);
    const { source, seen, done } = deliver(barrier);
    source.next(event('run:started'));
    source.next(finished(1, 1));
    const writing = from(barrier.store.write(phase(1), record)).subscribe();
    source.next(event('phase:started', { phaseId: 2 }));
    source.next(finished(3, 0));
    source.complete();
    await setImmediate();
    expect([seen, done.value]).toEqual([['run:started'], false]);
    end.get(1)?.();
    await setImmediate();
    expect([seen, done.value]).toEqual([['run:started', 'phase:finished 1', 'phase:started 2', 'phase:finished 3'], true]);
    writing.unsubscribe();
  });

  it('lets a phase through at once when its write ended first, and after a failed write too', async () => {
    const { store, end } = slowStore();
    const barrier = createCheckpointBarrier(store);
    const { source, seen } = deliver(barrier);
    const failures: unknown[] = [];
    from(barrier.store.write(phase(1), record)).subscribe({ error: () => undefined });
    from(barrier.store.write(phase(2), record)).subscribe({ error: (error: unknown) => failures.push(error) });
    end.get(1)?.();
    await setImmediate();
    source.next(finished(1, 1));
    source.next(finished(2, 2));
    await setImmediate();
    expect(seen).toEqual(['phase:finished 1']);
    end.get(2)?.(new Error('disk full'));
    await setImmediate();
    expect([seen, failures.length]).toEqual([['phase:finished 1', 'phase:finished 2'], 1]);
  });

  it('says when every held report has been delivered, counting those waiting behind another', async () => {
    const { store, end } = slowStore();
    const barrier = createCheckpointBarrier(store);
    const { source, seen } = deliver(barrier);
    await barrier.delivered();
    source.next(finished(1, 1));
    source.next(finished(2, 1));
    from(barrier.store.write(phase(1), record)).subscribe();
    from(barrier.store.write(phase(2), record)).subscribe();
    const order: string[] = [];
    const delivered = barrier.delivered().then(() => order.push(`delivered after ${seen.length}`));
    end.get(1)?.();
    await setImmediate();
    expect(order).toEqual([]);
    end.get(2)?.();
    await delivered;
    expect(order).toEqual(['delivered after 2']);
  });

  it('reads through to the store it guards', async () => {
    const { store } = slowStore();
    expect(await createCheckpointBarrier(store).store.read(phase(1))).toBeUndefined();
  });
});
