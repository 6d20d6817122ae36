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
  /**
   * Also a line each time an agent starts using a tool (`· phase 3 (API) Bash npm test`).
   * @default false
   */
  readonly verbose?: boolean;
}

/**
 * Progress for logs and pipes: one line per phase event (queued, started, retrying, finished), breaker, budget
 * and fallback, with `verbose` one per tool an agent uses; never output chunks, never a cursor movement.
 */
export function createPlainProgress(options: PlainProgressOptions): ProgressDisplay {
  const { stream, tracker, styles, quiet } = options;
  const verbose = options.verbose === true && !quiet;
  const lastTool = new Map<number, string>();
  const show = (text: string, level: 'info' | 'error'): void => {
    if (!quiet || level === 'error') stream.write(`${text}\n`);
  };
  return {
    onEvent(event) {
      if (event.type === 'phase:agent') {
        // An agent reports its progress often: a line only when it turns to another tool.
        if (!verbose || event.tool === undefined || lastTool.get(event.phaseId) === event.tool) return;
        lastTool.set(event.phaseId, event.tool);
        return show(`${styles.dim('·')} phase ${event.phaseId} (${tracker.titleOf(event.phaseId)}) ${event.tool}`, 'info');
      }
      const line = formatEventLine(event, tracker, styles);
      if (line !== undefined) show(line.text, line.level);
    },
    note: show,
    pause: () => undefined,
    resume: () => undefined,
    close: () => undefined,
  };
}
