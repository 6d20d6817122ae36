import type { SchedulerLike, Subscription } from 'rxjs';
import type { ExecutionMode } from '@kazuba/hypervisor-v2';
import type { PhaseBreaker } from './breaker.js';
import type { HypervisorConfig } from './config.js';
import type { DispatchLoop } from './dispatch-loop.js';
import type { Unstamped } from './engine-parts.js';

/** What {@link StallWatchdog} watches and what it changes when it falls back. */
export interface StallWatchdogOptions {
  /** Only a `parallel` run is watched, for `stallWindowMs` at a time. */
  readonly config: Pick<HypervisorConfig, 'mode' | 'stallWindowMs'>;
  readonly scheduler: SchedulerLike;
  readonly loop: Pick<DispatchLoop, 'setWorkers'>;
  readonly breaker: Pick<PhaseBreaker, 'arm'>;
  readonly emit: (event: Unstamped) => void;
}

// The threshold the fallback gives a breaker that was configured off.
const ARMED_THRESHOLD = 5;

/**
 * The parallel mode's watchdog, and the owner of the run's current mode: when no phase finishes for a whole
 * window, the run falls back to one worker with the breaker armed, and stays sequential.
 */
export class StallWatchdog {
  private current: ExecutionMode;
  private timer: Subscription | undefined;
  private stopped = false;

  constructor(private readonly options: StallWatchdogOptions) {
    this.current = options.config.mode;
  }

  /** The mode the run is in now. */
  get mode(): ExecutionMode {
    return this.current;
  }

  /** Starts the window again: the run started, or a phase finished. */
  restart(): void {
    // A run that ended while starting (everything resumed as complete) must leave no timer behind.
    if (this.current !== 'parallel' || this.stopped) return;
    this.timer?.unsubscribe();
    this.timer = this.options.scheduler.schedule(() => this.fallBack(), this.options.config.stallWindowMs);
  }

  /** Stops watching for good (the run ended). */
  stop(): void {
    this.stopped = true;
    this.timer?.unsubscribe();
  }

  private fallBack(): void {
    if (this.stopped || this.current !== 'parallel') return;
    this.current = 'sequential';
    this.options.loop.setWorkers(1);
    this.options.breaker.arm(ARMED_THRESHOLD);
    const windowMs = this.options.config.stallWindowMs;
    this.options.emit({ type: 'mode:fell-back', from: 'parallel', to: 'sequential', reason: `no phase finished for ${windowMs} ms` });
  }
}
