/** The signals that stop a run. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or a fake in tests. */
export interface SignalSource {
  on(signal: InterruptSignal, listener: () => void): unknown;
  off(signal: InterruptSignal, listener: () => void): unknown;
}

/** What to do on the first signal and on the ones after it. */
export interface InterruptHandlers {
  /** The first SIGINT or SIGTERM: stop gracefully. */
  readonly onInterrupt: (signal: InterruptSignal) => void;
  /** Every later one: stop now, without waiting for records. */
  readonly onForce: (signal: InterruptSignal) => void;
}

const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * Traps SIGINT and SIGTERM while a run is on: the first asks for a graceful stop, any later one for a forced
 * stop. The signals stay trapped until the returned function is called, so that the process is never killed
 * by a signal while its phases still run (they would be left behind).
 */
export function trapInterrupts(source: SignalSource, handlers: InterruptHandlers): () => void {
  let count = 0;
  const listeners = SIGNALS.map((signal) => {
    const listener = (): void => {
      count += 1;
      if (count === 1) handlers.onInterrupt(signal);
      else handlers.onForce(signal);
    };
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) source.off(signal, listener);
  };
}
