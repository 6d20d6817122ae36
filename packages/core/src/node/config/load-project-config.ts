import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { CoreError, isCoreError } from '../../core-error.js';
import { CONFIG_FILE_NAMES, parseProjectConfig } from './project-config.js';
import type { ConfigPath, ProjectConfig } from './project-config.js';

/** Where to find the project config file. */
export interface LoadProjectConfigOptions {
  /** The project root, where the file is looked for under each of {@link CONFIG_FILE_NAMES}. */
  readonly root: string;
  /** A file chosen by the user (`--config`), relative to `displayBase` unless absolute; it must exist. */
  readonly file?: string;
  /** The folder file names are shown relative to, as the user would type them. @default root */
  readonly displayBase?: string;
}

/** A project config file, read and validated. */
export interface LoadedProjectConfig {
  /** The absolute path of the file. */
  readonly file: string;
  /** The file relative to the display base, as messages name it. */
  readonly displayName: string;
  readonly config: ProjectConfig;
  /**
   * The 1-based line where a setting is written, by its path in the file (`['run', 'workers']`,
   * `['agents', 'opus', 'model']`): its key's line (a list item's own line), or its nearest ancestor's when it is
   * not there; undefined when nothing of the path is.
   */
  lineOf(path: ConfigPath): number | undefined;
}

type LineOf = LoadedProjectConfig['lineOf'];

function fileError(displayName: string, line: number | undefined, problem: string, context: Record<string, unknown>, cause?: unknown): CoreError {
  const where = line === undefined ? displayName : `${displayName}:${line}`;
  return new CoreError('invalid_config', `${where}: ${problem}`, { file: displayName, ...(line === undefined ? {} : { line }), ...context }, { cause });
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'cannot read the config file: it is a directory';
  if (code === 'EACCES') return 'cannot read the config file: permission denied';
  return `cannot read the config file: ${(error as Error).message}`;
}

/** Whether there is something at `file`; only "no such file" counts as absent, other failures are reported. */
async function exists(file: string, displayName: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw fileError(displayName, undefined, readProblem(error), {}, error);
  }
}

async function findConfigFile(options: LoadProjectConfigOptions, base: string): Promise<string | undefined> {
  const show = (file: string): string => relative(base, file);
  if (options.file !== undefined) {
    const file = resolve(base, options.file);
    if (!(await exists(file, show(file)))) throw fileError(show(file), undefined, 'config file not found', {});
    return file;
  }
  const found: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    const file = resolve(options.root, name);
    if (await exists(file, show(file))) found.push(file);
  }
  if (found.length > 1) {
    const names = found.map(show);
    throw new CoreError('invalid_config', `${names.join(' and ')}: found ${found.length} config files, keep one`, { files: names });
  }
  return found[0];
}

async function readText(file: string, displayName: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw fileError(displayName, undefined, readProblem(error), {}, error);
  }
}

function keyLine(parent: unknown, key: string | number, lineAt: (node: Node) => number): number | undefined {
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    return isScalar(pair?.key) ? lineAt(pair.key) : undefined;
  }
  const item: unknown = isSeq(parent) ? parent.items[Number(key)] : undefined;
  return isMap(item) || isSeq(item) || isScalar(item) ? lineAt(item) : undefined;
}

function locate(document: Document, counter: LineCounter): LineOf {
  // A node the parser made always has its range.
  const lineAt = (node: Node): number => counter.linePos((node.range as [number, number, number])[0]).line;
  const lineOf: LineOf = (path) => {
    if (path.length === 0) return document.contents === null ? undefined : lineAt(document.contents);
    const line = keyLine(document.getIn(path.slice(0, -1), true), path[path.length - 1] as string | number, lineAt);
    return line ?? lineOf(path.slice(0, -1));
  };
  return lineOf;
}

function parseYaml(text: string, displayName: string): { readonly data: unknown; readonly lineOf: LineOf } {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const message = error.message.split('\n', 1).join('').replace(/ at line \d+, column \d+:?$/, '');
    throw fileError(displayName, error.linePos?.[0].line ?? 1, `malformed YAML: ${message}`, {}, error);
  }
  try {
    return { data: document.toJS(), lineOf: locate(document, counter) };
  } catch (toJsError) {
    // yaml reports some problems only when it resolves aliases (an alias bomb), as an error of toJS.
    throw fileError(displayName, 1, `malformed YAML: ${(toJsError as Error).message}`, {}, toJsError);
  }
}

function validate(data: unknown, displayName: string, lineOf: LineOf): ProjectConfig {
  try {
    return parseProjectConfig(data);
  } catch (error) {
    if (!isCoreError(error) || !Array.isArray(error.context['path'])) throw error;
    const path = error.context['path'] as ConfigPath;
    throw fileError(displayName, lineOf(path) ?? 1, error.message, { path }, error.cause);
  }
}

/**
 * Reads the project config file (DESIGN.md section 8): the `--config` file when one is given, else the one of
 * {@link CONFIG_FILE_NAMES} at the root. YAML (and so JSON), validated with `projectConfigSchema` and the
 * profiles checked with `resolveProfiles`.
 * @returns the config with its file and a way to find a setting's line; undefined when the root has none.
 * @throws CoreError `invalid_config`, one line `<file>:<line>: <dotted.path>: <problem>` (context `file`, `line`,
 *   `path`, and the underlying error as `cause`); `<file>: <problem>` for a file that is missing (`--config`) or
 *   unreadable; both names when the root has two config files.
 * @example
 * const loaded = await loadProjectConfig({ root: '/repo', displayBase: process.cwd() });
 * loaded?.config.run.workers; // 4
 * loaded?.lineOf(['run', 'workers']); // 3
 */
export async function loadProjectConfig(options: LoadProjectConfigOptions): Promise<LoadedProjectConfig | undefined> {
  const base = resolve(options.displayBase ?? options.root);
  const file = await findConfigFile(options, base);
  if (file === undefined) return undefined;
  const displayName = relative(base, file);
  const { data, lineOf } = parseYaml(await readText(file, displayName), displayName);
  const config = validate(data, displayName, lineOf);
  return Object.freeze({ file, displayName, config, lineOf });
}
