import { decode, encode, ToonDecodeError } from '@toon-format/toon';
import { ToonError } from '../errors.js';
import type { CheckpointLimits } from '../limits.js';

/** How TOON text is laid out. */
export interface ToonTextOptions {
  /**
   * Spaces per indentation level.
   * @default 2
   */
  readonly indentSize?: number;
}

/** Options for reading TOON text. */
export interface ToonDecodeOptions extends ToonTextOptions {
  /**
   * Enforce declared array lengths, exact indentation and unique keys (TOON's strict mode).
   * @default true
   */
  readonly strict?: boolean;
}

/** Options for writing TOON text. */
export interface ToonEncodeOptions extends ToonTextOptions {
  /**
   * Separator of tabular rows and inline arrays.
   * @default ','
   */
  readonly delimiter?: ',' | '\t' | '|';
}

function resolveIndentSize(options: ToonTextOptions): number {
  const indentSize = options.indentSize ?? 2;
  if (!Number.isInteger(indentSize) || indentSize < 1 || indentSize > 16) {
    throw new ToonError('invalid_options', `indentSize must be an integer from 1 to 16, got ${String(indentSize)}`);
  }
  return indentSize;
}

// The upstream decoder recurses once per indentation level, so hostile indentation could overflow the
// stack before any value exists to inspect: refuse it from the raw lines first.
function assertIndentationDepth(text: string, indentSize: number, limits: CheckpointLimits): void {
  let line = 1;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let spaces = 0;
    while (text.charCodeAt(lineStart + spaces) === 0x20) spaces += 1;
    if (Math.floor(spaces / indentSize) >= limits.maxDepth) {
      throw new ToonError('depth_limit', `line ${line}: indentation deeper than ${limits.maxDepth} levels`, { line });
    }
    const next = text.indexOf('\n', lineStart);
    if (next === -1) return;
    lineStart = next + 1;
    line += 1;
  }
}

/**
 * Parses TOON text into a JSON value.
 * @throws ToonError `invalid_toon` with the line, or `depth_limit`.
 */
export function decodeToonText(text: string, options: ToonDecodeOptions, limits: CheckpointLimits): unknown {
  const indentSize = resolveIndentSize(options);
  assertIndentationDepth(text, indentSize, limits);
  try {
    return decode(text, { indentSize, strict: options.strict ?? true });
  } catch (error) {
    if (error instanceof ToonDecodeError) {
      const detail = error.message.replace(/^Line \d+: /, '');
      const line = error.line;
      if (line === undefined) throw new ToonError('invalid_toon', `invalid TOON: ${detail}`, {}, { cause: error });
      throw new ToonError('invalid_toon', `line ${line}: ${detail}`, { line }, { cause: error });
    }
    if (error instanceof RangeError) {
      throw new ToonError('depth_limit', 'TOON nesting too deep to decode', {}, { cause: error });
    }
    throw new ToonError('invalid_toon', 'invalid TOON: the decoder failed', {}, { cause: error });
  }
}

const DELIMITERS: readonly string[] = [',', '\t', '|'];

/** Writes a JSON value as TOON text ending with a newline, as text files do. */
export function encodeToonText(value: unknown, options: ToonEncodeOptions): string {
  const delimiter = options.delimiter ?? ',';
  if (!DELIMITERS.includes(delimiter)) {
    throw new ToonError('invalid_options', `delimiter must be one of , tab |, got ${JSON.stringify(delimiter)}`);
  }
  const text = encode(value, { indentSize: resolveIndentSize(options), delimiter });
  return text.length === 0 ? text : `${text}\n`;
}
