import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { formatEventLine } from './event-lines.js';
import { renderLiveFrame } from './live-frame.js';
import type { ProgressDisplay, ProgressStream } from './progress-display.js';
import type { RunTracker } from './run-tracker.js';
import type { Styles } from './styles.js';

/** Starts a repeating timer and returns how to stop it. */
export type Ticker = (everyMs: number, tick: () => void) => () => void;

/** Options of {@link createLiveProgress}. */
export interface LiveProgressOptions {
  /** A terminal: `columns` is read at every redraw, so a resized window is followed. */
  readonly stream: ProgressStream;
  readonly tracker: RunTracker;
  readonly styles: Styles;
  /** @default Date.now, the clock of the run's event timestamps */
  readonly now?: () => number;
  /** @default an unref'd setInterval */
  readonly ticker?: Ticker;
  /**
   * How often elapsed times and the ETA are redrawn.
   * @default 250
   */
  readonly refreshMs?: number;
}

const ESC = '\u001b[';
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;

// The view shows queued and started phases itself; every other shown event stays above it, in the scrollback.
const SHOWN_IN_VIEW: ReadonlySet<HypervisorEvent['type']> = new Set(['phase:queued', 'phase:started']);

/** The usable width of the terminal; a stream that does not know its size (or says 0) counts as 80 columns. */
function widthOf(stream: ProgressStream): number {
  const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
  // One column short of the edge: a line that fills it would wrap on some terminals and break the redraw.
  return Math.max(20, columns - 1);
}

const intervalTicker: Ticker = (everyMs, tick) => {
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Progress on a terminal: a view redrawn in place below the lines already printed (finished phases,
 * retries, the breaker, fallbacks and errors stay in the scrollback above it). Each redraw is one write.
 */
export function createLiveProgress(options: LiveProgressOptions): ProgressDisplay {
  const { stream, tracker, styles } = options;
  const now = options.now ?? Date.now;
  let drawn = 0;
  let paused = false;
  let closed = false;
  let cursorHidden = false;
  const held: string[] = [];

  const erase = (): string => (drawn > 0 ? `${ESC}${drawn}A${ESC}J` : '');
  const draw = (above: readonly string[] = []): void => {
    if (closed) return;
    if (paused) {
      held.push(...above);
      return;
    }
    const frame = renderLiveFrame(tracker, now(), widthOf(stream), styles);
    const hide = cursorHidden ? '' : HIDE_CURSOR;
    cursorHidden = true;
    stream.write(`${hide}${erase()}${above.map((line) => `${line}\n`).join('')}${frame.join('\n')}\n`);
    drawn = frame.length;
  };
  const stopTicking = (options.ticker ?? intervalTicker)(options.refreshMs ?? 250, () => draw());

  return {
    onEvent(event) {
      const line = SHOWN_IN_VIEW.has(event.type) ? undefined : formatEventLine(event, tracker, styles);
      draw(line === undefined ? [] : [line.text]);
    },
    note(text) {
      draw([text]);
    },
    pause() {
      if (paused || closed) return;
      stream.write(`${erase()}${SHOW_CURSOR}`);
      drawn = 0;
      cursorHidden = false;
      paused = true;
    },
    resume() {
      if (!paused) return;
      paused = false;
      draw(held.splice(0));
    },
    close() {
      if (closed) return;
      stopTicking();
      const rest = held.splice(0).map((line) => `${line}\n`).join('');
      stream.write(`${erase()}${rest}${cursorHidden ? SHOW_CURSOR : ''}`);
      drawn = 0;
      closed = true;
    },
  };
}
