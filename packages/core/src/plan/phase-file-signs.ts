/** How many lines from the top of a file a `phase:` line counts in, for {@link findPhaseLine}. */
const FIRST_LINES = 20;

/** Names the original's generator gives phase files (`03-phase-core.md`), and `phase-03.md` or `phase_3.md`. */
const PHASE_FILE_NAME = /^(\d+[-_ ]phase[-_ .]|phase[-_ ]?\d+)/i;

const PHASE_LINE = /^[ \t]*phase[ \t]*:(.*)$/;
const PHASE_ID = /^[ \t]*(\d+)[ \t]*(#.*)?$/;

/** Whether a file's name says it is a phase file, as the original's plans name them. */
export function isPhaseFileName(file: string): boolean {
  return PHASE_FILE_NAME.test(file);
}

/** A `phase:` line near the top of a file: its 1-based number, and the id it gives when that is a whole number. */
export interface PhaseLine {
  readonly line: number;
  readonly id?: number;
}

/**
 * The first `phase:` line among the first lines of `text`, whatever its indentation: a sign that the file is
 * meant as a phase, and its id, for a file whose front matter cannot be read.
 */
export function findPhaseLine(text: string): PhaseLine | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, FIRST_LINES);
  const index = lines.findIndex((line) => PHASE_LINE.test(line));
  if (index === -1) return undefined;
  const value = (PHASE_LINE.exec(lines[index] as string) as RegExpExecArray)[1] as string;
  const id = PHASE_ID.exec(value)?.[1];
  return id === undefined ? { line: index + 1 } : { line: index + 1, id: Number(id) };
}
