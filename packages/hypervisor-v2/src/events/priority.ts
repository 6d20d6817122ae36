import type { HypervisorEvent, HypervisorEventType } from './hypervisor-event.js';

/**
 * How urgent an event is, on the scale of the original's `event_mesh.yaml`: 1 is critical, 10 is trace.
 * When a subscriber lags, its queued events are delivered most urgent first.
 */
export type EventPriority = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/**
 * The default priority of each event type, mapped onto the original's levels: run boundaries and an open (or
 * restored) breaker are critical (like session start/end and escalation), failures are high (like tool failures),
 * starts and retries are coordination (like task delegation), completions are standard (like task
 * completion), queueing is completion tracking, the agent's progress and output are telemetry.
 */
export const EVENT_PRIORITIES: Readonly<Record<HypervisorEventType, EventPriority>> = Object.freeze({
  'run:started': 1,
  'run:finished': 1,
  'breaker:opened': 1,
  'breaker:restored': 1,
  'budget:reached': 1,
  'mode:fell-back': 2,
  'handler:failed': 2,
  'plugin:failed': 2,
  'checkpoint:failed': 2,
  'phase:started': 3,
  'phase:retrying': 3,
  'breaker:half-opened': 3,
  'breaker:closed': 3,
  'phase:finished': 4,
  'phase:queued': 6,
  'phase:agent': 8,
  'phase:output': 9,
});

/** The priority of one event: its type's, except that a failed phase is high priority (2). */
export function priorityOf(event: HypervisorEvent): EventPriority {
  if (event.type === 'phase:finished' && event.status === 'failed') return 2;
  return EVENT_PRIORITIES[event.type];
}
