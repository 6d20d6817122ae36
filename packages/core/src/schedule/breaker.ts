import CircuitBreaker from 'opossum';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { PreviousBreaker } from './ports.js';

/** Where the breaker stands: `closed` lets phases start, `open` stops them, `half-open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link createPhaseBreaker}. */
export interface PhaseBreakerOptions {
  /** Consecutive failed attempts that open it; 0 disables it. */
  readonly threshold: number;
  /** Time open before a probe may run. */
  readonly cooldownMs: number;
  /** Told of every change of state (not of the state it starts in). */
  readonly onChange: (state: BreakerState, consecutiveFailures: number) => void;
  /**
   * The state it starts in: `half-open` for a run resumed after an earlier run's breaker opened and its cool-down
   * passed, so that one probe must succeed before phases start freely again.
   * @default 'closed'
   */
  readonly initial?: 'closed' | 'half-open';
  /**
   * The run's clock, which holds a timer through each cool-down: opossum's own timer is unref'd, so without
   * it a run whose only work left is a retry held by the breaker would let Node exit before the cool-down ends.
   * @default none
   */
  readonly scheduler?: SchedulerLike;
}

// The hold outlasts opossum's timer, which starts first for the same cool-down; half-open releases it.
const HOLD_MARGIN_MS = 1_000;

/** The run's circuit breaker, counting consecutive failed attempts across phases. */
export interface PhaseBreaker {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  /** Whether a new attempt may start now; in half-open state the first caller becomes the probe (`owner`, when given). */
  tryAdmit(owner?: number): boolean;
  /**
   * The phase `owner` ended: if it took the probe and the breaker heard no verdict from it (the user skipped it,
   * it could not start), the next caller may probe instead. Returns whether the probe became free.
   */
  abandonProbe(owner: number): boolean;
  /** An attempt failed (a rate limit is not a failure). */
  recordFailure(): void;
  /** An attempt succeeded: the count restarts, and a successful probe closes the breaker. */
  recordSuccess(): void;
  /** Re-enables a disabled breaker with this threshold (the watchdog's fallback arms it). */
  arm(threshold: number): void;
  /** Stops its timers. */
  dispose(): void;
}

// opossum starts in a given state from `toJSON().state` (its README, "Breaker State Initialization"); the types
// of @types/opossum 8 leave that option out.
type RestorableOptions = CircuitBreaker.Options & { readonly state?: Partial<Omit<CircuitBreaker.State, 'lastTimerAt'>> };

/**
 * Our adapter over opossum 9: opossum holds the open / half-open / closed state and times the cool-down (its
 * timers are unref'd); the counting rule is ours, because a run's failures are consecutive attempts, not a
 * rolling error percentage.
 */
export function createPhaseBreaker(options: PhaseBreakerOptions): PhaseBreaker {
  let threshold = options.threshold;
  let failures = 0;
  let probing = false;
  let probe: number | undefined;
  const circuitOptions: RestorableOptions = {
    resetTimeout: options.cooldownMs,
    enableSnapshots: false,
    rollingPercentilesEnabled: false,
    ...(options.initial === 'half-open' ? { state: { closed: false, open: false, halfOpen: true } } : {}),
  };
  const circuit = new CircuitBreaker(() => Promise.resolve(), circuitOptions);
  let hold: Subscription | undefined;
  const stateOf = (): BreakerState => (circuit.opened ? 'open' : circuit.halfOpen ? 'half-open' : 'closed');
  circuit.on('open', () => {
    hold = options.scheduler?.schedule(() => undefined, options.cooldownMs + HOLD_MARGIN_MS);
    options.onChange('open', failures);
  });
  circuit.on('halfOpen', () => {
    probing = false;
    probe = undefined;
    hold?.unsubscribe();
    options.onChange('half-open', failures);
  });
  circuit.on('close', () => options.onChange('closed', failures));
  return {
    get state() {
      return stateOf();
    },
    get consecutiveFailures() {
      return failures;
    },
    tryAdmit(owner) {
      const state = stateOf();
      if (state === 'closed') return true;
      if (state === 'open' || probing) return false;
      probing = true;
      probe = owner;
      return true;
    },
    abandonProbe(owner) {
      if (!probing || probe !== owner || stateOf() !== 'half-open') return false;
      probing = false;
      probe = undefined;
      return true;
    },
    recordFailure() {
      failures += 1;
      if (threshold === 0) return;
      if (stateOf() === 'half-open' || (stateOf() === 'closed' && failures >= threshold)) circuit.open();
    },
    recordSuccess() {
      failures = 0;
      if (stateOf() === 'half-open') circuit.close();
    },
    arm(newThreshold) {
      if (threshold === 0) threshold = newThreshold;
    },
    dispose() {
      hold?.unsubscribe();
      circuit.shutdown();
    },
  };
}

/** How a resumed run starts from the breaker an earlier run left open: open for the rest of its cool-down, else half-open. */
export interface RestoredBreaker {
  readonly state: 'open' | 'half-open';
  /** The earlier run. */
  readonly fromRunId: string;
  /** When it opened, in milliseconds since the epoch. */
  readonly openedAtMs: number;
  /** What is left of the cool-down; 0 when half-open. */
  readonly remainingMs: number;
}

/** The state a resumed run's breaker starts in: open while `cooldownMs` from the opening lasts at `nowMs`, then half-open. */
export function restoreBreaker(previous: PreviousBreaker, cooldownMs: number, nowMs: number): RestoredBreaker {
  const remainingMs = previous.state === 'open' ? Math.max(0, previous.openedAtMs + cooldownMs - nowMs) : 0;
  return { state: remainingMs > 0 ? 'open' : 'half-open', fromRunId: previous.runId, openedAtMs: previous.openedAtMs, remainingMs };
}
