import { asapScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { isThenable } from '../is-thenable.js';
import type { EventMesh, MeshHandler, MeshMessage } from './event-mesh.js';
import { toEventError } from './hypervisor-event.js';
import type { HypervisorEventOf } from './hypervisor-event.js';
import { MessageHeap } from './message-heap.js';
import type { QueuedMessage } from './message-heap.js';
import { priorityOf } from './priority.js';
import { TopicMesh } from './topic-mesh.js';
import type { TopicMatcher } from './topic-pattern.js';

/** Which delivery failed in a way that could not be reported on `handler:failed`. */
export interface UnreportedFailure {
  /** The name of the subscription whose handler failed. */
  readonly subscriber: string;
  /** The message it was handling: a `handler:failed` event, or one delivered after the mesh closed. */
  readonly message: MeshMessage;
}

/** Options of {@link createEventMesh}. */
export interface EventMeshOptions {
  /**
   * Runs the deliveries and supplies `now()` for the `timestamp` of `handler:failed` events; pass a
   * `TestScheduler` or `VirtualTimeScheduler` to control time in tests. A synchronous scheduler such as
   * `queueScheduler` delivers inside `publish`: that is the one way to give up asynchronous delivery.
   * @default `asapScheduler`: deliveries run in a microtask after the code that published.
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Receives a handler failure that cannot be published as `handler:failed`: one that happened while handling
   * a `handler:failed` event (publishing it would loop), or one that settled after the mesh closed. If the
   * callback itself throws, that error is rethrown in a microtask, so it surfaces as an uncaught exception
   * without disturbing deliveries.
   * @default writes one line per failure to `console.error`
   */
  readonly onUnreportedError?: (error: unknown, failure: UnreportedFailure) => void;
}

/**
 * Builds the `handler:failed` event reporting that `subscriber` failed on `failed`: it carries the run id and
 * sequence number of the failed event, so a reader can tell which event of which run was not handled.
 */
export function createHandlerFailedEvent(
  error: unknown,
  failed: MeshMessage,
  subscriber: string,
  timestamp: number,
): HypervisorEventOf<'handler:failed'> {
  const { runId, seq } = failed.event;
  return { type: 'handler:failed', runId, seq, timestamp, topic: failed.topic, subscriber, error: toEventError(error) };
}

/**
 * Creates the in-memory {@link EventMesh}. Each subscription has its own queue, drained one delivery at a
 * time, most urgent priority first and in publish order within a priority; a handler's returned promise holds
 * back only that subscription's next delivery. Deliveries never run inside `publish`.
 *
 * A handler that throws or rejects is reported as a `handler:failed` event on the topic `handler:failed`
 * (priority 2) and deliveries go on. `close()` waits for in-flight handlers, so a handler that never settles
 * keeps it pending until that subscription is unsubscribed. After `close()` was called, `subscribe` returns a
 * subscription that is already closed and `observe` completes at once.
 * @example
 * const mesh = createEventMesh();
 * mesh.subscribe('phase:*', async ({ event }) => {
 *   await audit.write(event);
 * }, { name: 'audit' });
 * mesh.observe('run:**').subscribe(({ event }) => console.log(event.type));
 * mesh.publish(event); // topic event.type, priority priorityOf(event)
 * await mesh.close();
 */
export function createEventMesh(options: EventMeshOptions = {}): EventMesh {
  return new RxEventMesh(options.scheduler ?? asapScheduler, options.onUnreportedError ?? logUnreportedError);
}

function logUnreportedError(error: unknown, { subscriber, message }: UnreportedFailure): void {
  const { name, code, message: text } = toEventError(error);
  const reason = `${name}${code === undefined ? '' : ` [${code}]`}: ${text.replace(/\s*\n\s*/g, ' ')}`;
  const what = `subscriber "${subscriber}" failed on ${message.event.type} (topic ${message.topic})`;
  console.error(`event mesh: ${what}, not reported: ${reason}`);
}

/** What a subscriber queue needs from its mesh. */
interface MeshHost {
  readonly scheduler: SchedulerLike;
  report(error: unknown, failed: MeshMessage, subscriber: string): void;
  /** Called when a queue ran dry or left, so a closing mesh can tell whether it has drained. */
  checkDrained(): void;
}

/** Closing waits for every queue to drain, then calls `finish` to resolve the promise `close()` returned. */
type MeshState =
  | { readonly phase: 'open' }
  | { readonly phase: 'closing'; readonly finish: () => void }
  | { readonly phase: 'closed' };

class RxEventMesh extends TopicMesh<SubscriberQueue> implements MeshHost {
  readonly #queues = new Set<SubscriberQueue>();
  #published = 0;
  #state: MeshState = { phase: 'open' };
  #closing: Promise<void> | undefined;

  constructor(
    readonly scheduler: SchedulerLike,
    private readonly onUnreportedError: (error: unknown, failure: UnreportedFailure) => void,
  ) {
    super();
  }

  protected override get closing(): boolean {
    return this.#state.phase !== 'open';
  }

  override close(): Promise<void> {
    if (this.#closing === undefined) {
      // Assigned before draining is checked, so an observer that calls close() as it completes gets this promise.
      this.#closing = new Promise((resolve) => {
        this.#state = { phase: 'closing', finish: resolve };
      });
      this.checkDrained();
    }
    return this.#closing;
  }

  report(error: unknown, failed: MeshMessage, subscriber: string): void {
    // Publishing a failure to handle `handler:failed` could fail again and loop; after close there is no one left.
    if (failed.event.type === 'handler:failed' || this.#state.phase === 'closed') {
      this.#reportUnreported(error, { subscriber, message: failed });
      return;
    }
    const event = createHandlerFailedEvent(error, failed, subscriber, this.scheduler.now());
    this.dispatch({ topic: 'handler:failed', event, priority: priorityOf(event) });
  }

  checkDrained(): void {
    const state = this.#state;
    if (state.phase !== 'closing') return;
    for (const queue of this.#queues) if (!queue.idle) return;
    this.#state = { phase: 'closed' };
    for (const queue of this.#queues) queue.close();
    this.#queues.clear();
    this.completeObservers();
    state.finish();
  }

  protected override register(matches: TopicMatcher, handler: MeshHandler, name: string): SubscriberQueue {
    const queue = new SubscriberQueue(matches, handler, name, this);
    if (!this.closing) this.#queues.add(queue);
    else queue.close();
    return queue;
  }

  protected override remove(queue: SubscriberQueue): void {
    queue.close();
    if (this.#queues.delete(queue)) this.checkDrained();
  }

  protected override dispatch(message: MeshMessage): void {
    const queued: QueuedMessage = { message: Object.freeze(message), order: this.#published++ };
    // A snapshot: a synchronous scheduler may run handlers that subscribe or unsubscribe while we iterate.
    for (const queue of [...this.#queues]) if (queue.matches(message.topic)) queue.enqueue(queued);
  }

  #reportUnreported(error: unknown, failure: UnreportedFailure): void {
    try {
      this.onUnreportedError(error, failure);
    } catch (callbackError) {
      // Throwing here would abort the scheduler's other actions; surface it on its own instead.
      queueMicrotask(() => {
        throw callbackError;
      });
    }
  }
}

/** One subscription: its pending messages and whether a delivery is scheduled or in flight. */
class SubscriberQueue {
  readonly #pending = new MessageHeap();
  #busy = false;
  #closed = false;

  constructor(
    readonly matches: TopicMatcher,
    private readonly handler: MeshHandler,
    private readonly name: string,
    private readonly host: MeshHost,
  ) {}

  get idle(): boolean {
    return !this.#busy;
  }

  get closed(): boolean {
    return this.#closed;
  }

  enqueue(message: QueuedMessage): void {
    if (this.#closed) return;
    this.#pending.push(message);
    if (!this.#busy) this.#scheduleNext();
  }

  close(): void {
    this.#closed = true;
    this.#pending.clear();
  }

  #scheduleNext(): void {
    this.#busy = true;
    this.host.scheduler.schedule(() => this.#deliverNext());
  }

  // Runs as a scheduler action, which must not throw: a throwing action cancels the others of its flush.
  #deliverNext(): void {
    if (this.#closed) return;
    const next = this.#pending.pop();
    if (next === undefined) {
      this.#busy = false;
      this.host.checkDrained();
      return;
    }
    const { message } = next;
    let outcome: unknown;
    try {
      outcome = this.handler(message);
    } catch (error) {
      this.host.report(error, message, this.name);
    }
    if (!isThenable(outcome)) {
      this.#scheduleNext();
      return;
    }
    Promise.resolve(outcome).then(
      () => this.#continue(),
      (error: unknown) => {
        this.host.report(error, message, this.name);
        this.#continue();
      },
    );
  }

  #continue(): void {
    if (!this.#closed) this.#scheduleNext();
  }
}
