import { formatEventLine } from './event-lines.js';
import type { ProgressDisplay, ProgressStream } from './progress-display.js';
import type { RunTracker } from './run-tracker.js';
import type { Styles } from './styles.js';

/** Options of {@link createPlainProgress}. */
export interface PlainProgressOptions {
  readonly stream: ProgressStream;
  readonly tracker: RunTracker;
  readonly styles: Styles;
  /** Only errors: failed phases, the breaker opening, records that could not be written. */
  readonly quiet: boolean;
}

/**
 * Progress for logs and pipes: one line per phase event (queued, started, retrying, finished), breaker and
 * fallback, never output chunks, never a cursor movement.
 */
export function createPlainProgress(options: PlainProgressOptions): ProgressDisplay {
  const { stream, tracker, styles, quiet } = options;
  const show = (text: string, level: 'info' | 'error'): void => {
    if (!quiet || level === 'error') stream.write(`${text}\n`);
  };
  return {
    onEvent(event) {
      const line = formatEventLine(event, tracker, styles);
      if (line !== undefined) show(line.text, line.level);
    },
    note: show,
    pause: () => undefined,
    resume: () => undefined,
    close: () => undefined,
  };
}
