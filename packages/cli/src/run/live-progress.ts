import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { formatEventLine } from './event-lines.js';
import { holdKeyboard } from './keyboard-hold.js';
import type { KeyboardInput } from './keyboard-hold.js';
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
  /**
   * The terminal's keyboard, when prompts read it (interactive mode): from the run's start, while the view is drawn,
   * keys are read and dropped, so that their echo cannot break the view nor their Enter answer the next prompt
   * unseen; `pause` gives the keyboard to the prompt and `resume` takes it back.
   * @default none: the keyboard is left alone
   */
  readonly keyboard?: KeyboardInput;
  /**
   * What Ctrl-C does while the keyboard is held (raw mode, where the terminal sends no signal for it).
   * @default sends SIGINT to this process, which stops the run as Ctrl-C does
   */
  readonly interrupt?: () => void;
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

const raiseInterrupt = (): void => void process.kill(process.pid, 'SIGINT');

const intervalTicker: Ticker = (everyMs, tick) => {
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Progress on a terminal: a view redrawn in place below the lines already printed (finished phases,
 * retries, the breaker, fallbacks and errors stay in the scrollback above it). Each redraw is one write.
 * While paused (a prompt is on the screen) the view is erased and not drawn; it is drawn again below the prompt on
 * resume, with the lines held meanwhile.
 */
export function createLiveProgress(options: LiveProgressOptions): ProgressDisplay {
  const { stream, tracker, styles, keyboard } = options;
  const now = options.now ?? Date.now;
  let drawn = 0;
  let paused = false;
  let closed = false;
  let cursorHidden = false;
  const held: string[] = [];
  let runStarted = false;
  let releaseKeyboard: (() => void) | undefined;

  // Only while the run goes on and the view is drawn: before it, nothing may come to close the view and let go.
  const takeKeyboard = (): void => {
    if (keyboard === undefined || !runStarted || paused || closed || releaseKeyboard !== undefined) return;
    releaseKeyboard = holdKeyboard(keyboard, options.interrupt ?? raiseInterrupt);
  };
  const giveKeyboardBack = (): void => {
    releaseKeyboard?.();
    releaseKeyboard = undefined;
  };

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
      if (event.type === 'run:started') {
        runStarted = true;
        takeKeyboard();
      }
      const line = SHOWN_IN_VIEW.has(event.type) ? undefined : formatEventLine(event, tracker, styles);
      draw(line === undefined ? [] : [line.text]);
    },
    note(text) {
      draw([text]);
    },
    pause() {
      if (paused || closed) return;
      giveKeyboardBack();
      stream.write(`${erase()}${SHOW_CURSOR}`);
      drawn = 0;
      cursorHidden = false;
      paused = true;
    },
    resume() {
      if (!paused) return;
      paused = false;
      takeKeyboard();
      draw(held.splice(0));
    },
    close() {
      if (closed) return;
      stopTicking();
      giveKeyboardBack();
      const rest = held.splice(0).map((line) => `${line}\n`).join('');
      stream.write(`${erase()}${rest}${cursorHidden ? SHOW_CURSOR : ''}`);
      drawn = 0;
      closed = true;
    },
  };
}
