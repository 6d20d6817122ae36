import { concatMap, defer, finalize, from, map, of, pipe, tap } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import type { CheckpointStore } from '../../schedule/ports.js';

/** Holds a run's reports of finished phases until their checkpoints are written; see {@link createCheckpointBarrier}. */
export interface CheckpointBarrier {
  /** The store to hand the run: the same writes, each telling the barrier when it has ended. */
  readonly store: CheckpointStore;
  /**
   * Delays each `phase:finished` of a phase that ran (`attempts > 0`: the run writes its record) until that write has
   * ended, written or failed (a failure follows as `checkpoint:failed`); every later event waits behind it, so the
   * order is kept.
   */
  readonly hold: MonoTypeOperatorFunction<HypervisorEvent>;
  /**
   * Resolves once every event held so far has been delivered: what happens beside the events (an interactive prompt
   * for the next phase) waits for it, so that it never comes before the report of the phase that ended before it.
   */
  delivered(): Promise<void>;
}

interface Gate {
  readonly ended: Promise<void>;
  readonly end: () => void;
}

/**
 * What makes "reported done" mean "durable": the engine emits `phase:finished` and then writes the phase's record
 * (its dependents need not wait for the disk); whoever watches the events (the terminal, the event log, the run
 * record) sees a phase finished only once its checkpoint is on disk, so a crash never leaves a phase reported done
 * without its checkpoint. A dry run writes nothing and needs no barrier.
 * @example
 * const barrier = createCheckpointBarrier(store);
 * createRun(plan, config, { runner, store: barrier.store }).pipe(barrier.hold).subscribe(show);
 */
export function createCheckpointBarrier(inner: CheckpointStore): CheckpointBarrier {
  // One gate a phase: its record is written once a run, when it finishes; whichever side comes first makes it.
  const gates = new Map<number, Gate>();
  const gateOf = (phaseId: number): Gate => {
    let gate = gates.get(phaseId);
    if (gate === undefined) {
      let end = (): void => undefined;
      const ended = new Promise<void>((resolve) => (end = resolve));
      gate = { ended, end };
      gates.set(phaseId, gate);
    }
    return gate;
  };
  const whenWritten = (phaseId: number): Promise<void> =>
    gateOf(phaseId).ended.then(() => {
      gates.delete(phaseId);
    });
  const isHeld = (event: HypervisorEvent): event is Extract<HypervisorEvent, { type: 'phase:finished' }> => event.type === 'phase:finished' && event.attempts > 0;
  // Held events not yet delivered, counted as they arrive (also while they wait behind another one).
  let held = 0;
  const waiters: (() => void)[] = [];
  const deliveredOne = (): void => {
    held -= 1;
    if (held === 0) for (const resolve of waiters.splice(0)) resolve();
  };
  return {
    store: {
      read: (phase) => inner.read(phase),
      write: (phase, record) => defer(() => from(inner.write(phase, record))).pipe(finalize(() => gateOf(phase.id).end())),
    },
    hold: pipe(
      tap((event) => {
        if (isHeld(event)) held += 1;
      }),
      concatMap((event) => (isHeld(event) ? from(whenWritten(event.phaseId)).pipe(map(() => event), finalize(deliveredOne)) : of(event))),
    ),
    delivered: () => (held === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
