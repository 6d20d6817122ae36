/** The size of the terminal that {@link renderScreen} plays output on. */
export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
}

const ESC = '\u001b';
// After ESC: [ (?) (params) (final letter), the CSI sequences the live view and the inquirer prompt write.
const CSI = /^\[(\??)([0-9;]*)([A-Za-z])/;

/**
 * Plays what was written to a terminal and returns the lines that stay, scrollback and screen, as a person sees
 * them (without colours), trailing spaces trimmed. Knows what the live view and the prompt use: CR, LF (as CR LF), cursor up
 * and down (within the screen), to a column, erase below and erase line; other sequences (colours, cursor shown or
 * hidden) change nothing that is read here. Lines wider than the terminal wrap.
 */
export function renderScreen(output: string, size: ScreenSize = { columns: 100, rows: 24 }): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let column = 0;
  let top = 0;
  const lineAt = (index: number): string[] => {
    while (lines.length <= index) lines.push([]);
    return lines[index] as string[];
  };
  const down = (): void => {
    row += 1;
    lineAt(row);
    top = Math.max(top, row - size.rows + 1);
  };
  for (let index = 0; index < output.length; ) {
    const match = output[index] === ESC ? CSI.exec(output.slice(index + 1, index + 32)) : null;
    if (match !== null) {
      index += 1 + match[0].length;
      const [, privateMode, params = '', command] = match;
      if (privateMode === '?') continue;
      const count = params === '' ? undefined : Number(params.split(';')[0]);
      if (command === 'A') row = Math.max(top, row - (count ?? 1));
      else if (command === 'B') for (let step = 0; step < (count ?? 1) && row < top + size.rows - 1; step += 1) down();
      else if (command === 'G') column = Math.max(0, (count ?? 1) - 1);
      else if (command === 'J') {
        lineAt(row).length = Math.min(lineAt(row).length, column);
        lines.length = row + 1;
      } else if (command === 'K') {
        if (count === 2) lines[row] = [];
        else lineAt(row).length = Math.min(lineAt(row).length, column);
      }
      continue;
    }
    const char = output[index] as string;
    index += 1;
    if (char === '\r') column = 0;
    else if (char === '\n') {
      // As a terminal's output processing (ONLCR) turns it: to the start of the next line.
      down();
      column = 0;
    } else if (char !== ESC) {
      if (column >= size.columns) {
        down();
        column = 0;
      }
      lineAt(row)[column] = char;
      column += 1;
    }
  }
  return lines.map((cells) => Array.from(cells, (cell) => cell ?? ' ').join('').trimEnd());
}
