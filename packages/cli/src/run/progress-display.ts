import type { HypervisorEvent } from '@kazuba/hypervisor-v2';

/** A stream progress goes to: stderr, or a fake one in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Shows a run's progress. Each event is applied to the run's tracker before it is shown. */
export interface ProgressDisplay {
  /** Shows one event. */
  onEvent(event: HypervisorEvent): void;
  /** Shows a message of the command's own (a notice, a warning, an error) without breaking the view. */
  note(text: string, level: 'info' | 'error'): void;
  /** Stops drawing while someone else writes to the terminal (a prompt). */
  pause(): void;
  /** Draws again, with what happened meanwhile. */
  resume(): void;
  /** Stops drawing for good and leaves the terminal as it was. */
  close(): void;
}
