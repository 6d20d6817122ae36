import type { EventMesh, MeshHandler, MeshMessage } from '../events/event-mesh.js';
import { priorityOf } from '../events/priority.js';
import { createHandlerFailedEvent } from '../events/rx-event-mesh.js';
import { TopicMesh } from '../events/topic-mesh.js';
import type { TopicMatcher } from '../events/topic-pattern.js';
import { isThenable } from '../is-thenable.js';

/** An {@link EventMesh} test double that also shows what was published. */
export interface RecordingEventMesh extends EventMesh {
  /** Every message published, in publish order, including the `handler:failed` reports the mesh raised. */
  readonly published: readonly MeshMessage[];
}

/**
 * Creates an {@link EventMesh} for tests that want no asynchrony: `publish` records the message in
 * `published` and delivers it to every matching subscriber, in subscription order, before it returns.
 *
 * Where it differs from `createEventMesh`, because nothing is queued:
 * - deliveries follow publish order, never priority; a handler that publishes has its event delivered before
 *   the outer `publish` returns (depth first);
 * - a promise a handler returns does not hold back its next delivery; its rejection is reported as
 *   `handler:failed` when it happens, and `close()` waits for every such promise;
 * - a `handler:failed` report copies the `timestamp` of the failed event: there is no clock;
 * - a failure while handling a `handler:failed` event is thrown where a test sees it instead of being
 *   published again: from `publish` when the handler throws, as the rejection of `close()` when its promise
 *   rejects (so await `close()` in a test whose handlers return promises).
 *
 * As with `createEventMesh`, after `close()` was called `publish` throws HypervisorV2Error `mesh_closed`,
 * `subscribe` returns a closed subscription and `observe` completes at once; bad patterns and topics throw
 * `invalid_topic_pattern`.
 * @example
 * const mesh = createRecordingEventMesh();
 * const seen: string[] = [];
 * mesh.subscribe('phase:*', ({ event }) => {
 *   seen.push(event.type);
 * });
 * mesh.publish(phaseStarted); // delivered before publish returns
 * expect(seen).toEqual(['phase:started']);
 * expect(mesh.published).toHaveLength(1);
 */
export function createRecordingEventMesh(): RecordingEventMesh {
  return new RecordingMesh();
}

interface Registration {
  readonly matches: TopicMatcher;
  readonly handler: MeshHandler;
  readonly name: string;
  closed: boolean;
}

class RecordingMesh extends TopicMesh<Registration> implements RecordingEventMesh {
  readonly #published: MeshMessage[] = [];
  readonly #registrations = new Set<Registration>();
  readonly #inFlight: Promise<void>[] = [];
  #closing: Promise<void> | undefined;

  get published(): readonly MeshMessage[] {
    return this.#published;
  }

  protected override get closing(): boolean {
    return this.#closing !== undefined;
  }

  override close(): Promise<void> {
    // Draining starts a microtask later, so an observer that calls close() as it completes gets this promise.
    this.#closing ??= Promise.resolve().then(() => this.#drain());
    return this.#closing;
  }

  async #drain(): Promise<void> {
    let failure: { readonly error: unknown } | undefined;
    // Indexed, not iterated once: a report delivered while we wait can start another async handler.
    for (let index = 0; index < this.#inFlight.length; index += 1) {
      try {
        await this.#inFlight[index];
      } catch (error) {
        failure ??= { error };
      }
    }
    for (const registration of this.#registrations) registration.closed = true;
    this.#registrations.clear();
    this.completeObservers();
    if (failure !== undefined) throw failure.error;
  }

  protected override register(matches: TopicMatcher, handler: MeshHandler, name: string): Registration {
    const registration: Registration = { matches, handler, name, closed: this.closing };
    if (!registration.closed) this.#registrations.add(registration);
    return registration;
  }

  protected override remove(registration: Registration): void {
    registration.closed = true;
    this.#registrations.delete(registration);
  }

  protected override dispatch(message: MeshMessage): void {
    const frozen = Object.freeze(message);
    this.#published.push(frozen);
    // A snapshot, and the closed check, because handlers may subscribe or unsubscribe while we deliver.
    for (const registration of [...this.#registrations]) {
      if (!registration.closed && registration.matches(frozen.topic)) this.#invoke(registration, frozen);
    }
  }

  #invoke(registration: Registration, message: MeshMessage): void {
    let outcome: unknown;
    try {
      outcome = registration.handler(message);
    } catch (error) {
      this.#report(error, registration.name, message);
      return;
    }
    if (!isThenable(outcome)) return;
    const tracked = Promise.resolve(outcome).then(
      () => undefined,
      (error: unknown) => this.#report(error, registration.name, message),
    );
    // close() rethrows a failure it holds; until then it must not count as an unhandled rejection.
    tracked.catch(() => undefined);
    this.#inFlight.push(tracked);
  }

  #report(error: unknown, subscriber: string, failed: MeshMessage): void {
    // Publishing a failure to handle `handler:failed` could loop; a test double makes it loud instead.
    if (failed.event.type === 'handler:failed') throw error;
    const event = createHandlerFailedEvent(error, failed, subscriber, failed.event.timestamp);
    this.dispatch({ topic: 'handler:failed', event, priority: priorityOf(event) });
  }
}
