import CircuitBreaker from 'opossum';
import type { SchedulerLike, Subscription } from 'rxjs';

/** Where the breaker stands: `closed` lets phases start, `open` stops them, `half-open` lets one probe through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link createPhaseBreaker}. */
export interface PhaseBreakerOptions {
  /** Consecutive failed attempts that open it; 0 disables it. */
  readonly threshold: number;
  /** Time open before a probe may run. */
  readonly cooldownMs: number;
  /** Told of every change of state. */
  readonly onChange: (state: BreakerState, consecutiveFailures: number) => void;
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
  /** Whether a new attempt may start now; in half-open state the first caller becomes the probe. */
  tryAdmit(): boolean;
  /** An attempt failed (a rate limit is not a failure). */
  recordFailure(): void;
  /** An attempt succeeded: the count restarts, and a successful probe closes the breaker. */
  recordSuccess(): void;
  /** Re-enables a disabled breaker with this threshold (the watchdog's fallback arms it). */
  arm(threshold: number): void;
  /** Stops its timers. */
  dispose(): void;
}

/**
 * Our adapter over opossum 9: opossum holds the open / half-open / closed state and times the cool-down (its
 * timers are unref'd); the counting rule is ours, because a run's failures are consecutive attempts, not a
 * rolling error percentage.
 */
export function createPhaseBreaker(options: PhaseBreakerOptions): PhaseBreaker {
  let threshold = options.threshold;
  let failures = 0;
  let probing = false;
  const circuit = new CircuitBreaker(() => Promise.resolve(), {
    resetTimeout: options.cooldownMs,
    enableSnapshots: false,
    rollingPercentilesEnabled: false,
  });
  let hold: Subscription | undefined;
  const stateOf = (): BreakerState => (circuit.opened ? 'open' : circuit.halfOpen ? 'half-open' : 'closed');
  circuit.on('open', () => {
    hold = options.scheduler?.schedule(() => undefined, options.cooldownMs + HOLD_MARGIN_MS);
    options.onChange('open', failures);
  });
  circuit.on('halfOpen', () => {
    probing = false;
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
    tryAdmit() {
      const state = stateOf();
      if (state === 'closed') return true;
      if (state === 'open' || probing) return false;
      probing = true;
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
