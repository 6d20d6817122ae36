import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { catchError, defer, map, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { ValidationReport } from '../../schedule/ports.js';
import type { ProcessResult, ProcessSpec } from '../process/process-types.js';
import type { ProcessLauncher } from './process-launcher.js';

/** How much of the validation output (stdout and stderr, interleaved) a report keeps. */
export const VALIDATION_TAIL_CHARS = 4_096;

/** How to run a phase's validation script, and where. */
export interface ValidationOptions {
  /** Starts and watches the script's process. */
  readonly launcher: ProcessLauncher;
  /** The phase's `validation_script`, relative to the plan folder; reports name it as written. */
  readonly script: string;
  /** The plan folder. */
  readonly planDir: string;
  /** The working directory: the project root. */
  readonly root: string;
  /** The complete environment: the same as the agent's. */
  readonly env: Readonly<Record<string, string>>;
  /** The attempt's signal: aborting it stops the script's process group. */
  readonly signal: AbortSignal;
  /**
   * Time between SIGTERM and SIGKILL when the script is stopped.
   * @default the launcher's
   */
  readonly killGraceMs?: number;
  /** Where the output is appended; not logged when absent. */
  readonly logFile?: string;
  /** Written to the log before the output. */
  readonly logHeader?: string;
}

/** What a validation emits: its output as it comes, then its verdict. */
export type ValidationEvent =
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | {
      readonly type: 'validated';
      readonly report: ValidationReport;
      /** From 0 to 1: the script's `{"quality": <0-100>}` divided by 100, when it passed and printed one. */
      readonly quality?: number;
    };

const INTERPRETERS: Readonly<Record<string, string>> = { '.py': 'python3', '.sh': 'sh' };
const NODE_SCRIPTS = new Set(['.js', '.mjs', '.cjs']);

/**
 * The command that runs a validation script, chosen by its extension: `.py` with `python3`, `.sh` with `sh`,
 * `.js`/`.mjs`/`.cjs` with this Node (`process.execPath`); any other file is executed directly.
 * @example
 * validationCommand('/plan/validation/validate_phase_11.py'); // { command: 'python3', args: ['/plan/validation/validate_phase_11.py'] }
 */
export function validationCommand(scriptPath: string): { readonly command: string; readonly args: readonly string[] } {
  const extension = extname(scriptPath).toLowerCase();
  const interpreter = NODE_SCRIPTS.has(extension) ? process.execPath : INTERPRETERS[extension];
  return interpreter === undefined ? { command: scriptPath, args: [] } : { command: interpreter, args: [scriptPath] };
}

/**
 * The quality a validation script reports on the last non-empty line of its stdout, `{"quality": <0-100>}`,
 * scaled to 0..1; undefined when that line is not such an object or the number is out of range.
 * @example
 * parseQuality('checks passed\n{"quality": 85}\n'); // 0.85
 */
export function parseQuality(stdout: string): number | undefined {
  const text = stdout.trimEnd();
  const line = text.slice(text.lastIndexOf('\n') + 1).trim();
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // A last line that only looks like JSON carries no quality.
    return undefined;
  }
  const quality = (value as { quality?: unknown } | null)?.quality;
  return typeof quality === 'number' && quality >= 0 && quality <= 100 ? quality / 100 : undefined;
}

function keepTail(tail: string, text: string): string {
  const joined = tail + text;
  return joined.length <= VALIDATION_TAIL_CHARS ? joined : joined.slice(joined.length - VALIDATION_TAIL_CHARS);
}

function verdict(script: string, result: ProcessResult, output: string): ValidationEvent {
  const passed = result.exitCode === 0 && !result.stopped;
  const outputTail = output === '' ? keepTail(result.stdoutTail, result.stderrTail) : output;
  const quality = passed ? parseQuality(result.stdoutTail) : undefined;
  const report: ValidationReport = { script, passed, exitCode: result.exitCode, outputTail };
  return { type: 'validated', report, ...(quality === undefined ? {} : { quality }) };
}

function notRun(script: string, problem: string, output = ''): ValidationEvent {
  return { type: 'validated', report: { script, passed: false, exitCode: null, outputTail: keepTail(output, problem) } };
}

function launch(options: ValidationOptions, spec: ProcessSpec): Observable<ValidationEvent> {
  return defer(() => {
    let output = '';
    const processOptions = {
      signal: options.signal,
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
      ...(options.logHeader === undefined ? {} : { logHeader: options.logHeader }),
    };
    return options.launcher.run(spec, processOptions).pipe(
      map((event): ValidationEvent => {
        if (event.type === 'exit') return verdict(options.script, event.result, output);
        output = keepTail(output, event.text);
        return { type: 'output', stream: event.stream, text: event.text };
      }),
      catchError((error: unknown) => of(notRun(options.script, `cannot run the validation script: ${toEventError(error).message}`, output))),
    );
  });
}

async function problemWith(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? undefined : `the validation script ${path} is not a file`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `the validation script ${path} does not exist` : `cannot read the validation script ${path}: ${toEventError(error).message}`;
  }
}

/**
 * Runs a phase's validation script (resolved against the plan folder) in the project root with the phase's
 * environment, under the attempt's signal: output as it comes, then one `validated` event. Exit 0 passes; a
 * missing script or one that cannot start fails, with the reason in the report's output tail.
 * @example
 * runValidation({ launcher, script: 'validation/validate_phase_11.py', planDir, root, env, signal })
 *   .subscribe((event) => event.type === 'validated' && console.log(event.report.passed, event.quality));
 */
export function runValidation(options: ValidationOptions): Observable<ValidationEvent> {
  const path = resolve(options.planDir, options.script);
  return defer(() => problemWith(path)).pipe(
    mergeMap((problem) => {
      if (problem !== undefined) return of(notRun(options.script, problem));
      const { command, args } = validationCommand(path);
      return launch(options, { command, args, cwd: options.root, env: options.env });
    }),
  );
}
