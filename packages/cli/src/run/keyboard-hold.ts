/** The keyboard as the live view holds it: a terminal's standard input (`process.stdin`), or a fake in tests. */
export interface KeyboardInput {
  readonly isTTY?: boolean;
  readonly isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

/** What the keyboard sends for Ctrl-C in raw mode, where the terminal no longer turns it into SIGINT. */
const CTRL_C = '\u0003';

/**
 * Takes the keyboard while a live view is drawn: in raw mode, keys are read and dropped, so that the terminal
 * does not echo them (an echoed Enter moves the cursor down a line, and the next redraw then leaves a copy of
 * the view above itself) and does not keep them for the next prompt (which they would answer unseen). Ctrl-C
 * still interrupts, through `interrupt`. Returns how to give the keyboard back as it was; does nothing for an
 * input that is not a terminal.
 */
export function holdKeyboard(input: KeyboardInput, interrupt: () => void): () => void {
  if (input.isTTY !== true || input.setRawMode === undefined) return () => undefined;
  const wasRaw = input.isRaw === true;
  const onData = (chunk: Buffer | string): void => {
    if (chunk.toString().includes(CTRL_C)) interrupt();
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    input.removeListener('data', onData);
    input.setRawMode?.(wasRaw);
    input.pause();
  };
}
