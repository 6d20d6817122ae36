import { toOneLine } from '@kazuba/hypervisor-v2';

/**
 * Lines of a plain-text table: every column but the last padded to its widest cell, two spaces between
 * columns, so a free-width column such as a title goes last and nothing is cut.
 */
export function formatTable(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return rows.map((row) => {
    const cells = row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] as number)));
    return `${indent}${cells.join('  ')}`.trimEnd();
  });
}

/**
 * Text on one line and whole, so a table keeps its shape: line breaks shown as `⏎`, escape sequences removed,
 * other control characters a space (the rule of `toOneLine`, without its cut).
 */
export function oneLine(text: string): string {
  return toOneLine(text, { maxChars: Infinity });
}
