import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReplaySubject, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import type { ProcessEvent, ProcessResult, ProcessSpec } from '../process-types.js';

/** This folder. */
export const FIXTURES = dirname(fileURLToPath(import.meta.url));

/** The parent's environment, as a complete environment for a child. */
export const parentEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined));

/** A spec that runs one of the fixture scripts with this Node. */
export function nodeScript(script: string, args: readonly string[] = [], extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { command: process.execPath, args: [join(FIXTURES, script), ...args], cwd: FIXTURES, env: parentEnv(), ...extra };
}

/**
 * Whether a pid still runs. A zombie does not: a killed orphan is reparented to PID 1, which in some containers
 * never reaps it, so `kill(pid, 0)` would keep finding it although it is dead.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Every event of a run, and its result. */
export async function collect(events: Observable<ProcessEvent>): Promise<{ events: ProcessEvent[]; result: ProcessResult; stdout: string; stderr: string }> {
  const all = await lastValueFrom(events.pipe(toArray()));
  const last = all.at(-1) as Extract<ProcessEvent, { type: 'exit' }>;
  const text = (stream: 'stdout' | 'stderr'): string =>
    all.map((event) => (event.type === 'output' && event.stream === stream ? event.text : '')).join('');
  return { events: all, result: last.result, stdout: text('stdout'), stderr: text('stderr') };
}

/** A run being watched: its first stdout line as soon as it comes, its result, and the subscription. */
export interface WatchedRun {
  readonly firstLine: Promise<string>;
  readonly result: Promise<ProcessResult>;
  readonly subscription: Subscription;
  /** All stdout so far. */
  readonly stdout: () => string;
}

/** Subscribes once to a run (a second subscription would start a second process). */
export function watch(events: Observable<ProcessEvent>): WatchedRun {
  let stdout = '';
  const lines = new ReplaySubject<string>(1);
  const exits = new ReplaySubject<ProcessResult>(1);
  const subscription = events.subscribe({
    next: (event) => {
      if (event.type === 'exit') return exits.next(event.result);
      if (event.stream === 'stdout') stdout += event.text;
      if (stdout.includes('\n')) lines.next(stdout.slice(0, stdout.indexOf('\n')));
    },
    error: (error: unknown) => exits.error(error),
  });
  return { firstLine: firstValueFrom(lines), result: firstValueFrom(exits), subscription, stdout: () => stdout };
}

/** The pids a fixture prints as its first line, `{"pids": [...]}`. */
export const pidsOf = async (run: WatchedRun): Promise<number[]> => (JSON.parse(await run.firstLine) as { pids: number[] }).pids;

/** Kills pids a test left behind, so that a failed test does not leak processes. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, which is what the test hoped for.
    }
  }
}

/** A scratch folder removed by `cleanup`. */
export async function scratchDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-process-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
