import { ToonError } from '../errors.js';

// V8 names the failing character as "position N" (Node 20) and also as "line L column C" (Node 22+).
const POSITION = /position (\d+)/;

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/**
 * Parses JSON text.
 * @throws ToonError `invalid_json` with the line of the first error when the parser gives its position.
 */
export function decodeJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Newer V8 quotes a multi-line excerpt of the input; the message stays on one line without it.
    const detail = (error as Error).message.replace(/, ".*" is not valid JSON$/s, '');
    const position = POSITION.exec(detail)?.[1];
    if (position === undefined) throw new ToonError('invalid_json', `invalid JSON: ${detail}`, {}, { cause: error });
    const line = lineAt(text, Number(position));
    throw new ToonError('invalid_json', `line ${line}: invalid JSON: ${detail}`, { line }, { cause: error });
  }
}

/** Writes a JSON value as indented JSON text ending with a newline. */
export function encodeJsonText(value: unknown, indentSize: number): string {
  return `${JSON.stringify(value, null, indentSize)}\n`;
}
