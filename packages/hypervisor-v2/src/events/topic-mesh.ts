import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import { HypervisorV2Error } from '../errors.js';
import type { EventMesh, MeshHandler, MeshMessage, MeshSubscription, PublishOptions, SubscribeOptions } from './event-mesh.js';
import type { HypervisorEvent } from './hypervisor-event.js';
import { priorityOf } from './priority.js';
import { assertValidTopic, compileTopicPattern } from './topic-pattern.js';
import type { TopicMatcher } from './topic-pattern.js';

/**
 * The part of an {@link EventMesh} that does not depend on how messages are delivered, shared by
 * `createEventMesh` and the recording test double so both check and default their arguments alike: topics and
 * patterns are validated, topic, priority and subscriber name defaulted, `publish` refused once `close()` was
 * called, and registrations turned into subscriptions and Observables. Subclasses deliver and close.
 */
export abstract class TopicMesh<R extends { readonly closed: boolean }> implements EventMesh {
  readonly #observers = new Set<Subscriber<MeshMessage>>();

  /** Whether `close()` has been called. */
  protected abstract get closing(): boolean;

  /** Registers `handler`; the registration is already closed when the mesh is closing. */
  protected abstract register(matches: TopicMatcher, handler: MeshHandler, name: string): R;

  /** Stops deliveries to a registration. Idempotent. */
  protected abstract remove(registration: R): void;

  /** Hands a validated message to every matching registration. */
  protected abstract dispatch(message: MeshMessage): void;

  abstract close(): Promise<void>;

  publish(event: HypervisorEvent, options: PublishOptions = {}): void {
    const topic = options.topic ?? event.type;
    if (this.closing) {
      const message = `cannot publish ${event.type} to ${topic}: the event mesh is closed`;
      throw new HypervisorV2Error('mesh_closed', message, { topic });
    }
    assertValidTopic(topic);
    this.dispatch({ topic, event, priority: options.priority ?? priorityOf(event) });
  }

  subscribe(pattern: string, handler: MeshHandler, options: SubscribeOptions = {}): MeshSubscription {
    const registration = this.register(compileTopicPattern(pattern), handler, options.name ?? pattern);
    return {
      unsubscribe: () => this.remove(registration),
      get closed() {
        return registration.closed;
      },
    };
  }

  observe(pattern: string): Observable<MeshMessage> {
    const matches = compileTopicPattern(pattern);
    return new Observable<MeshMessage>((subscriber) => {
      const registration = this.register(matches, (message) => subscriber.next(message), pattern);
      if (registration.closed) {
        subscriber.complete();
        return undefined;
      }
      this.#observers.add(subscriber);
      return () => {
        this.#observers.delete(subscriber);
        this.remove(registration);
      };
    });
  }

  /** Completes every open `observe` stream, once the mesh has closed. */
  protected completeObservers(): void {
    for (const observer of [...this.#observers]) observer.complete();
  }
}
