import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { PlanProblem } from './plan-error.js';

/** A phase file split into its parsed front matter and its markdown body. */
export interface SplitPhaseFile {
  /** The front matter as plain data; undefined when the file has none. */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  readonly body: string;
  /** The 1-based line of a front matter key path, or of its nearest ancestor that is there. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

const FENCE = /^---[ \t]*$/;

function noLines(): undefined {
  return undefined;
}

function locate(document: Document, counter: LineCounter, firstLine: number): SplitPhaseFile['lineOf'] {
  const lineOf: SplitPhaseFile['lineOf'] = (path) => {
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset !== undefined) return counter.linePos(offset).line + firstLine - 1;
    // A field that is missing has no node: point at the entry that lacks it.
    return path.length === 0 ? undefined : lineOf(path.slice(0, -1));
  };
  return lineOf;
}

/** True when `value` contains itself, as YAML such as `a: &x [*x]` builds. */
function containsItself(value: unknown, ancestors: ReadonlySet<unknown> = new Set()): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (ancestors.has(value)) return true;
  const inner = new Set(ancestors).add(value);
  return Object.values(value).some((child) => containsItself(child, inner));
}

/**
 * Splits a phase file into YAML front matter (between a first line `---` and the next `---`) and body.
 * @returns the split file, or a problem (`unclosed_front_matter`, `malformed_yaml`) located in `file`.
 */
export function splitPhaseFile(text: string, file: string): SplitPhaseFile | PlanProblem {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) return { data: undefined, body: text, lineOf: noLines };
  const end = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
  if (end === -1) {
    return { code: 'unclosed_front_matter', file, line: 1, message: 'front matter opened with --- is never closed' };
  }
  const counter = new LineCounter();
  const document = parseDocument(lines.slice(1, end).join('\n'), { lineCounter: counter, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const line = (error.linePos?.[0].line ?? 1) + 1;
    return { code: 'malformed_yaml', file, line, message: `malformed YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}` };
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (toJsError) {
    // yaml reports some problems only when it resolves aliases (an alias to no anchor, an alias bomb), as a ReferenceError.
    return { code: 'malformed_yaml', file, line: 2, message: `malformed YAML: ${(toJsError as Error).message}` };
  }
  if (containsItself(data)) {
    return { code: 'malformed_yaml', file, line: 2, message: 'malformed YAML: an alias refers to a node that contains it' };
  }
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    return { code: 'malformed_yaml', file, line: 2, message: 'front matter must be a mapping of fields' };
  }
  return { data: (data ?? {}) as Record<string, unknown>, body: lines.slice(end + 1).join('\n'), lineOf: locate(document, counter, 2) };
}
