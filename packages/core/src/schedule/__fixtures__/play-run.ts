import { jest } from '@jest/globals';
import type { Observable, Subscription, VirtualTimeScheduler } from 'rxjs';
import type { HypervisorEvent, HypervisorEventOf, HypervisorEventType, RunSummary } from '@kazuba/hypervisor-v2';

/** What a subscriber saw of a run. */
export interface PlayedRun {
  readonly events: readonly HypervisorEvent[];
  readonly completed: boolean;
  /** The summary of `run:finished`; undefined when the run did not finish. */
  readonly summary: RunSummary | undefined;
}

/** Options of {@link playRun}. */
export interface PlayRunOptions {
  /** Unsubscribes when the scheduler reaches this time. */
  readonly unsubscribeAt?: number;
  /** Gives up after this many steps: a run that still has work then is stuck in a loop. */
  readonly maxSteps?: number;
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Watch {
  readonly events: HypervisorEvent[];
  completed: boolean;
  failure: { readonly error: unknown } | undefined;
}

function watch(events$: Observable<HypervisorEvent>): { readonly watched: Watch; readonly subscription: Subscription } {
  const watched: Watch = { events: [], completed: false, failure: undefined };
  const subscription = events$.subscribe({
    next: (event) => watched.events.push(event),
    error: (error: unknown) => (watched.failure = { error }),
    complete: () => (watched.completed = true),
  });
  return { watched, subscription };
}

const running = (watched: Watch): boolean => !watched.completed && watched.failure === undefined;

/** What was seen; rethrows the error the run's Observable failed with. */
function outcomeOf(watched: Watch): PlayedRun {
  if (watched.failure !== undefined) throw watched.failure.error;
  const finished = eventsOf(watched.events, 'run:finished')[0];
  return { events: watched.events, completed: watched.completed, summary: finished?.summary };
}

/**
 * Subscribes to a run driven by `scheduler` and plays it to its end in virtual time: each step lets pending
 * promises settle, then runs every action due at the next instant. Stops when the run completes, or when nothing
 * is left to do (a run that hangs then reports `completed: false`).
 * @throws what the run's Observable errors with
 */
export async function playRun(events$: Observable<HypervisorEvent>, scheduler: VirtualTimeScheduler, options: PlayRunOptions = {}): Promise<PlayedRun> {
  const { watched, subscription } = watch(events$);
  if (options.unsubscribeAt !== undefined) scheduler.schedule(() => subscription.unsubscribe(), options.unsubscribeAt - scheduler.now());
  const maxSteps = options.maxSteps ?? 10_000;
  for (let step = 0; step < maxSteps && running(watched); step += 1) {
    await settle();
    await settle();
    const next = scheduler.actions[0];
    if (next === undefined) break;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
  }
  return outcomeOf(watched);
}

/**
 * Plays a run on `asyncScheduler` under Jest's fake timers (which also drive opossum's cool-down), advancing
 * the fake clock to one timer after another until the run completes.
 * @throws what the run's Observable errors with
 */
export async function playRunOnFakeTimers(events$: Observable<HypervisorEvent>, maxSteps = 2_000): Promise<PlayedRun> {
  const { watched } = watch(events$);
  for (let step = 0; step < maxSteps && running(watched); step += 1) await jest.advanceTimersToNextTimerAsync();
  return outcomeOf(watched);
}

/** The events of one type, in order. */
export function eventsOf<T extends HypervisorEventType>(events: readonly HypervisorEvent[], type: T): HypervisorEventOf<T>[] {
  return events.filter((event): event is HypervisorEventOf<T> => event.type === type);
}

/** `[phaseId, time]` of every phase's first start, in start order. */
export function firstStarts(events: readonly HypervisorEvent[]): [number, number][] {
  const seen = new Set<number>();
  const starts: [number, number][] = [];
  for (const event of eventsOf(events, 'phase:started')) {
    if (seen.has(event.phaseId)) continue;
    seen.add(event.phaseId);
    starts.push([event.phaseId, event.timestamp]);
  }
  return starts;
}

/** Phase ids in the order they first started. */
export function startOrder(events: readonly HypervisorEvent[]): number[] {
  return firstStarts(events).map(([phaseId]) => phaseId);
}

/**
 * Replays started/finished events: for each phase start, how many phases were running just before it (a phase
 * counts as running from its first start to its `phase:finished`), and the most that ran at once.
 */
export function replayConcurrency(events: readonly HypervisorEvent[]): { readonly peak: number; readonly runningBeforeStart: ReadonlyMap<number, number> } {
  const running = new Set<number>();
  const before = new Map<number, number>();
  let peak = 0;
  for (const event of events) {
    if (event.type === 'phase:started' && !running.has(event.phaseId)) {
      before.set(event.phaseId, running.size);
      running.add(event.phaseId);
      peak = Math.max(peak, running.size);
    } else if (event.type === 'phase:finished') running.delete(event.phaseId);
  }
  return { peak, runningBeforeStart: before };
}

/** How each phase ended, by id. */
export function statuses(summary: RunSummary | undefined): Record<number, string> {
  return Object.fromEntries((summary?.phases ?? []).map((phase) => [phase.phaseId, phase.status]));
}

/** Why each phase that has a reason ended so, by id. */
export function reasons(summary: RunSummary | undefined): Record<number, string | undefined> {
  return Object.fromEntries((summary?.phases ?? []).map((phase) => [phase.phaseId, phase.reason]));
}
