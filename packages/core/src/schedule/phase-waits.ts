import { Subscription, from } from 'rxjs';
import type { ObservableInput, SchedulerLike } from 'rxjs';

/**
 * What each phase waits on between its steps: an asynchronous step before it starts, a timer (backoff, rate
 * limit), or the breaker's leave to retry. A phase waits on one thing at a time; the run finishes only once
 * nothing is waited on, and ending a phase ends its wait.
 */
export class PhaseWaits {
  private readonly steps = new Map<number, Subscription>();
  private readonly timers = new Map<number, Subscription>();
  private readonly held = new Map<number, () => void>();

  /** `failed` is told when a followed step fails; the step is then no longer waited on. */
  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly failed: (phaseId: number, error: unknown) => void,
  ) {}

  /** Whether no phase waits on anything. */
  get idle(): boolean {
    return this.steps.size === 0 && this.held.size === 0 && this.timers.size === 0;
  }

  /** The waiting phases, in the order a stopping run ends them: held retries, steps, then timers. */
  ids(): number[] {
    return [...this.held.keys(), ...this.steps.keys(), ...this.timers.keys()];
  }

  /** Follows one asynchronous step of a phase and passes on its first value. */
  follow<T>(phaseId: number, input: ObservableInput<T>, then: (value: T) => void): void {
    let settled = false;
    const wait = new Subscription();
    this.steps.set(phaseId, wait);
    wait.add(
      from(input).subscribe({
        next: (value) => {
          if (settled) return;
          settled = true;
          this.steps.delete(phaseId);
          wait.unsubscribe();
          then(value);
        },
        error: (error: unknown) => {
          this.steps.delete(phaseId);
          this.failed(phaseId, error);
        },
      }),
    );
  }

  /** Runs a phase's next step after `delayMs`. */
  delay(phaseId: number, delayMs: number, action: () => void): void {
    const timer = this.scheduler.schedule(() => {
      this.timers.delete(phaseId);
      action();
    }, delayMs);
    if (!timer.closed) this.timers.set(phaseId, timer);
  }

  /** Holds a phase's retry until {@link release} lets it go. */
  hold(phaseId: number, retry: () => void): void {
    this.held.set(phaseId, retry);
  }

  /** Runs the held retries, oldest first, as long as `admit` lets each one through. */
  release(admit: () => boolean): void {
    for (const [id, retry] of [...this.held]) {
      if (!admit()) break;
      this.held.delete(id);
      retry();
    }
  }

  /** The phase has ended: whatever it waited on no longer matters. */
  end(phaseId: number): void {
    this.steps.get(phaseId)?.unsubscribe();
    this.steps.delete(phaseId);
    this.held.delete(phaseId);
    this.timers.get(phaseId)?.unsubscribe();
    this.timers.delete(phaseId);
  }

  /** Stops every step and timer without telling anyone (the run was torn down). */
  dispose(): void {
    for (const wait of this.steps.values()) wait.unsubscribe();
    for (const timer of this.timers.values()) timer.unsubscribe();
  }
}
