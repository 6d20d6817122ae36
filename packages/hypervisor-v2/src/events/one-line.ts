import { HypervisorV2Error } from '../errors.js';

/**
 * The most characters {@link toOneLine} keeps unless told otherwise: room for who failed and how (`shell exited
 * with code 1: …`) and the last lines of its output, which is where a failure usually says why.
 */
export const ONE_LINE_MAX_CHARS = 300;

/** What stands for a line break in a text put on one line. */
export const LINE_BREAK_MARK = '⏎';

/** How {@link toOneLine} shortens a text. */
export interface OneLineOptions {
  /**
   * The most characters (code points, `…` included) the line keeps. A longer one keeps its first third and its
   * end, with `…` between them; `Infinity` never cuts.
   * @default ONE_LINE_MAX_CHARS
   */
  readonly maxChars?: number;
}

// Terminal escape sequences (CSI: colours, cursor moves; OSC: titles, links; and the two-byte ones): printed as
// they are, they would restyle or redraw the screen around a progress line.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
const LINE_BREAKS = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/;
// What is left of control characters (tabs, a lone ESC, DEL …) counts as space; runs of space become one.
const SPACES = /[\s\p{Cc}]+/gu;

/**
 * A text without its terminal escape sequences (colours, cursor moves, titles, links), which would restyle or redraw
 * a screen, or show as garbage in a page; line breaks and everything else are kept.
 * @example
 * stripTerminalEscapes('\u001b[31merror\u001b[0m: bad input'); // 'error: bad input'
 */
export function stripTerminalEscapes(text: string): string {
  return text.replace(ESCAPES, '');
}

function cutMiddle(line: string, maxChars: number): string {
  // Code points, not UTF-16 units: a cut never splits a character in two.
  const chars = Array.from(line);
  if (chars.length <= maxChars) return line;
  const head = Math.floor((maxChars - 1) / 3);
  const tail = maxChars - 1 - head;
  return `${chars.slice(0, head).join('').trimEnd()}…${chars.slice(chars.length - tail).join('').trimStart()}`;
}

/**
 * A text (a failure reason, an agent's output, an error message) as one line for progress lines, tables and
 * events: terminal escape sequences removed, each line trimmed, blank lines dropped, the lines joined with
 * ` ⏎ `, other control characters and runs of spaces made one space; past `maxChars`, the middle cut out with `…`.
 * Applying it twice changes nothing.
 * @throws HypervisorV2Error `invalid_options` when `maxChars` is not a whole number of at least 2 or `Infinity`.
 * @example
 * toOneLine('shell exited with code 1: registry timed out\nnpm ERR! code ETIMEDOUT\n');
 * // 'shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT'
 */
export function toOneLine(text: string, options: OneLineOptions = {}): string {
  const maxChars = options.maxChars ?? ONE_LINE_MAX_CHARS;
  if (maxChars !== Infinity && (!Number.isInteger(maxChars) || maxChars < 2)) {
    const message = `invalid one-line options: maxChars must be a whole number of at least 2, or Infinity, got ${String(maxChars)}`;
    throw new HypervisorV2Error('invalid_options', message, { maxChars });
  }
  const lines = stripTerminalEscapes(text)
    .split(LINE_BREAKS)
    .map((line) => line.replace(SPACES, ' ').trim())
    .filter((line) => line !== '');
  const line = lines.join(` ${LINE_BREAK_MARK} `);
  return line.length <= maxChars ? line : cutMiddle(line, maxChars);
}
