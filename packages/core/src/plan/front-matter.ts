import { LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { Phase } from './plan.js';
import type { PlanProblem } from './plan-error.js';

/** A phase file split into its parsed front matter and its markdown body. */
export interface SplitPhaseFile {
  /** The front matter as plain data; undefined when the file has none. */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  /** The markdown after the front matter; the whole text when there is none. */
  readonly body: string;
  /** Set when the front matter came after blank lines or was indented, and was read as if it were not. */
  readonly place?: NonNullable<Phase['frontMatterAt']>;
  /** The 1-based line of a front matter key path, or of its nearest ancestor that is there. */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** A `---` line, after spaces or tabs at most (the original's v1 generator indented its front matter). */
const FENCE = /^([ \t]*)---[ \t]*$/;

/** Where the front matter opens (0-based line) and how far its opening `---` is indented. */
interface Opening {
  readonly open: number;
  readonly indent: number;
}

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

function indentOf(line: string): number {
  return (/^[ \t]*/.exec(line) as RegExpExecArray)[0].length;
}

/** The front matter opens at the first line that is not blank, when that line is `---`. */
function findOpening(lines: readonly string[]): Opening | undefined {
  const open = lines.findIndex((line) => line.trim() !== '');
  const indent = FENCE.exec(lines[open] ?? '')?.[1]?.length;
  return indent === undefined ? undefined : { open, indent };
}

/** A YAML error located in the file; a line indented less than the opening `---` is the usual cause, so it is named. */
function yamlProblem(error: YAMLError, lines: readonly string[], { open, indent }: Opening, file: string): PlanProblem {
  const line = (error.linePos?.[0].line ?? 1) + open + 1;
  const text = lines[line - 1] ?? '';
  const under = indent > 0 && text.trim() !== '' && indentOf(text) < indent;
  const hint = under ? "; the line is indented less than the front matter's opening ---" : '';
  return { code: 'malformed_yaml', file, line, message: `malformed YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}${hint}` };
}

/** The front matter's fields as plain data, or the problem, reported on its first line. */
function toData(document: Document, file: string, line: number): { readonly data: Record<string, unknown> } | { readonly problem: PlanProblem } {
  const problem = (message: string): { problem: PlanProblem } => ({ problem: { code: 'malformed_yaml', file, line, message } });
  let data: unknown;
  try {
    data = document.toJS();
  } catch (toJsError) {
    // yaml reports some problems only when it resolves aliases (an alias to no anchor, an alias bomb), as a ReferenceError.
    return problem(`malformed YAML: ${(toJsError as Error).message}`);
  }
  if (containsItself(data)) return problem('malformed YAML: an alias refers to a node that contains it');
  if (data !== null && (typeof data !== 'object' || Array.isArray(data))) return problem('front matter must be a mapping of fields');
  return { data: (data ?? {}) as Record<string, unknown> };
}

/**
 * Splits a phase file into YAML front matter (between a first line `---` and the next `---`) and body. Front
 * matter that comes after blank lines, or is indented as a block (its closing `---` indented no deeper than its
 * opening one), is read as if it were not: every line loses up to that indentation, lines keep their numbers,
 * and `place` says where it was.
 * @returns the split file, or a problem (`unclosed_front_matter`, `malformed_yaml`) located in `file`.
 */
export function splitPhaseFile(text: string, file: string): SplitPhaseFile | PlanProblem {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const opening = findOpening(lines);
  if (opening === undefined) return { data: undefined, body: text, lineOf: noLines };
  const { open, indent } = opening;
  const end = lines.findIndex((line, index) => index > open && (FENCE.exec(line)?.[1]?.length ?? Infinity) <= indent);
  if (end === -1) {
    return { code: 'unclosed_front_matter', file, line: open + 1, message: 'front matter opened with --- is never closed' };
  }
  const counter = new LineCounter();
  const yaml = lines.slice(open + 1, end).map((line) => line.slice(Math.min(indent, indentOf(line))));
  const document = parseDocument(yaml.join('\n'), { lineCounter: counter, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) return yamlProblem(error, lines, opening, file);
  const fields = toData(document, file, open + 2);
  if ('problem' in fields) return fields.problem;
  const place = open === 0 && indent === 0 ? {} : { place: { line: open + 1, indent } };
  return { data: fields.data, body: lines.slice(end + 1).join('\n'), ...place, lineOf: locate(document, counter, open + 2) };
}
