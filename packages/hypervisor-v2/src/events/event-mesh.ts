import type { Observable } from 'rxjs';
import type { HypervisorEvent } from './hypervisor-event.js';
import type { EventPriority } from './priority.js';

/** One delivery: the event, the topic it was published to, and its priority. */
export interface MeshMessage {
  readonly topic: string;
  readonly event: HypervisorEvent;
  readonly priority: EventPriority;
}

/** Receives deliveries; a returned promise holds back this subscriber's next delivery until it settles. */
export type MeshHandler = (message: MeshMessage) => void | PromiseLike<void>;

/** Options of {@link EventMesh.publish}. */
export interface PublishOptions {
  /**
   * The topic to publish to.
   * @default the event's `type`, e.g. `phase:started`
   */
  readonly topic?: string;
  /**
   * How urgent the event is.
   * @default `priorityOf(event)`
   */
  readonly priority?: EventPriority;
}

/** Options of {@link EventMesh.subscribe}. */
export interface SubscribeOptions {
  /**
   * Names the subscriber in `handler:failed` reports.
   * @default the pattern
   */
  readonly name?: string;
}

/** What {@link EventMesh.subscribe} returns: the way to stop deliveries. */
export interface MeshSubscription {
  /** Stops deliveries to this handler, including those already queued. Idempotent. */
  unsubscribe(): void;
  readonly closed: boolean;
}

/**
 * Publish/subscribe by topic for lifecycle events. Topics are `:`-separated names (`phase:started`);
 * patterns may use `*` for one segment and `**` for any number of segments (`phase:*`, `**`).
 *
 * Contract: every subscriber whose pattern matches a topic receives each event published to it, once, in
 * priority order when it lags (then in publish order); a slow or throwing handler delays or affects no other
 * subscriber; a handler that throws is reported on the topic `handler:failed`.
 */
export interface EventMesh {
  /** Queues `event` for every subscriber whose pattern matches the topic. */
  publish(event: HypervisorEvent, options?: PublishOptions): void;
  /** Registers `handler` for the topics that `pattern` matches. */
  subscribe(pattern: string, handler: MeshHandler, options?: SubscribeOptions): MeshSubscription;
  /** The messages of the topics that `pattern` matches, as an Observable; it completes when the mesh closes. */
  observe(pattern: string): Observable<MeshMessage>;
  /** Refuses new events, delivers what is queued, then completes every observer. */
  close(): Promise<void>;
}
