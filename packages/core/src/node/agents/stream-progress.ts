import { isAbsolute, relative, sep } from 'node:path';
import type { AgentProgress } from '../../schedule/ports.js';

/** One message of an agent's JSON-lines stream: a JSON object. */
export type StreamMessage = Readonly<Record<string, unknown>>;

/**
 * Reads what one message of a stream says. Called once per message, in order; it may keep its own state (the
 * turns counted so far) and returns what the message says, in order (each over what was known before), none when
 * it says nothing.
 */
export type MessageReader = (message: StreamMessage) => readonly AgentProgress[];

/** Reads an agent's progress from its stdout as it comes. */
export interface ProgressReader {
  /** Takes a chunk of stdout; returns the progress after each change the lines it completed gave, in order. */
  take(chunk: string): AgentProgress[];
  /** The output has ended: reads the last line, which no line break ended. */
  end(): AgentProgress[];
}

/** A line longer than this is skipped (a tool result with a whole file in it): it is never progress worth its memory. */
export const MAX_STREAM_LINE_CHARS = 4_194_304;

/** The most characters of a command, pattern or URL that a tool description shows. */
export const TOOL_ARGUMENT_CHARS = 60;

function isObject(value: unknown): value is StreamMessage {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `text` parsed as one JSON object; undefined when it is not JSON, or JSON of another kind. */
export function parseJsonObject(text: string): StreamMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    // Text that only looks like JSON (a log line, a line cut by the output tail): not an object.
    return undefined;
  }
}

/** A line of a JSONL stream as a message; undefined for a line that is not one JSON object. */
export function parseMessage(line: string): StreamMessage | undefined {
  const text = line.trim();
  return text.startsWith('{') ? parseJsonObject(text) : undefined;
}

function sameProgress(a: AgentProgress, b: AgentProgress): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof AgentProgress)[]);
  return [...keys].every((key) => a[key] === b[key]);
}

/**
 * A reader of a JSON-lines stream: assembles lines across chunks, ignores lines that are not one JSON object, hands
 * each message to `read`, and gives the whole progress known so far after each step that changed it.
 * @example
 * const reader = createProgressReader((message) => (message['type'] === 'turn' ? [{ turns: 1 }] : []));
 * reader.take('{"type":"tu'); // []
 * reader.take('rn"}\n'); // [{ turns: 1 }]
 */
export function createProgressReader(read: MessageReader): ProgressReader {
  let pieces: string[] = [];
  let pending = 0;
  let skipping = false;
  let known: AgentProgress = {};
  const readLine = (line: string, out: AgentProgress[]): void => {
    const message = parseMessage(line);
    if (message === undefined) return;
    for (const step of read(message)) {
      const next: AgentProgress = { ...known, ...step };
      if (sameProgress(next, known)) continue;
      known = next;
      out.push(known);
    }
  };
  const keep = (text: string): void => {
    if (skipping) return;
    pending += text.length;
    if (pending <= MAX_STREAM_LINE_CHARS) pieces.push(text);
    else [pieces, pending, skipping] = [[], 0, true];
  };
  const completeLine = (end: string, out: AgentProgress[]): void => {
    const line = skipping ? '' : pieces.join('') + end;
    [pieces, pending, skipping] = [[], 0, false];
    readLine(line, out);
  };
  return {
    take(chunk) {
      const out: AgentProgress[] = [];
      let start = 0;
      for (let index = chunk.indexOf('\n'); index !== -1; index = chunk.indexOf('\n', start)) {
        keep(chunk.slice(start, index));
        completeLine('', out);
        start = index + 1;
      }
      keep(chunk.slice(start));
      return out;
    },
    end() {
      const out: AgentProgress[] = [];
      completeLine('', out);
      return out;
    },
  };
}

/** `value` when it is a JSON object, else an empty one. */
export function asMessage(value: unknown): StreamMessage {
  return isObject(value) ? value : {};
}

/** The object at `key` of `fields`, or an empty one. */
export function fieldsOf(fields: StreamMessage, key: string): StreamMessage {
  return asMessage(fields[key]);
}

/** The string at `key` of `fields`, when it is a non-empty one. */
export function textOf(fields: StreamMessage, key: string): string | undefined {
  const value = fields[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The first line of `text`, trimmed and cut to {@link TOOL_ARGUMENT_CHARS} characters (marked with `…`). */
export function briefText(text: string): string {
  const line = text.trim().replace(/\n[\s\S]*$/, '').trim();
  return line.length <= TOOL_ARGUMENT_CHARS ? line : `${line.slice(0, TOOL_ARGUMENT_CHARS - 1)}…`;
}

/** `path` relative to the project root when it is under it (`.` for the root itself), else as it is. */
export function projectPath(path: string, root: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(root, path);
  if (inside === '') return '.';
  return inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? path : inside;
}

/** A tool description: the tool's name, then its main argument when there is one. */
export function describeTool(name: string, argument: string | undefined): string {
  return argument === undefined || argument === '' ? name : `${name} ${argument}`;
}

/** How an agent CLI names its tools' arguments: which tools take a file, under which keys, and the others' main argument. */
export interface ToolVocabulary {
  /** Tools whose argument is a file, shown relative to the project root. */
  readonly fileTools: ReadonlySet<string>;
  /** The keys a file tool's path may be under, first found wins. */
  readonly pathKeys: readonly string[];
  /** The key of each other tool's main argument. */
  readonly mainArgument: Readonly<Record<string, string>>;
}

/** A tool in use, in a CLI's vocabulary: `Edit src/app.ts`, `Bash npm test`, or the name alone. */
export function describeToolCall(vocabulary: ToolVocabulary, name: string, input: StreamMessage, root: string): string {
  if (vocabulary.fileTools.has(name)) {
    const path = vocabulary.pathKeys.map((key) => textOf(input, key)).find((value) => value !== undefined);
    return describeTool(name, path === undefined ? undefined : projectPath(path, root));
  }
  const key = Object.hasOwn(vocabulary.mainArgument, name) ? vocabulary.mainArgument[name] : undefined;
  const argument = key === undefined ? undefined : textOf(input, key);
  return describeTool(name, argument === undefined ? undefined : briefText(argument));
}

/** The model and session a stream's first message (claude's `init`, gemini's `init`) names. */
export function initProgress(message: StreamMessage): AgentProgress {
  const model = textOf(message, 'model');
  const sessionId = textOf(message, 'session_id');
  return { ...(model === undefined ? {} : { model }), ...(sessionId === undefined ? {} : { sessionId }) };
}
