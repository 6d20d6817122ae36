import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HypervisorV2Error, parseHypervisorEvent } from '@kazuba/hypervisor-v2';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { runFolder } from './run-folder.js';
import { RUN_EVENTS_FILE } from './run-event-log.js';

/** A run's event log as read back. */
export interface RunEvents {
  /** The file read. */
  readonly path: string;
  /** Every whole event in the file, in the order the run emitted them, validated and frozen. */
  readonly events: readonly HypervisorEvent[];
  /** Whether the file ended in a torn line (the run died while writing it), which was left out. */
  readonly torn: boolean;
}

function parseLine(text: string, source: string): HypervisorEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HypervisorV2Error('invalid_event', `${source}: not a JSON line: ${(error as Error).message}`, { source }, { cause: error });
  }
  return parseHypervisorEvent(value, source);
}

/**
 * Reads the event log of run `runId` under `root` (`.hypervisor/runs/<run-id>/events.jsonl`, see
 * `createRunEventLog`), also of a run still in progress or one that died: a last line without its line break was
 * torn by the crash and is left out.
 * @returns undefined when the run has no event log (a dry run, a run older than event logs, or no such run).
 * @throws HypervisorV2Error `invalid_event` for any other line that is not a valid event, its message starting
 *   with `<file>:<line>:` (its context's `source`); the file system's error when the file cannot be read.
 * @example
 * const read = await readRunEvents(root, (await latestRunId(root)) ?? 'none');
 * const finished = read?.events.filter((event) => event.type === 'phase:finished');
 */
export async function readRunEvents(root: string, runId: string): Promise<RunEvents | undefined> {
  const path = join(runFolder(root, runId), RUN_EVENTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const lines = text.split('\n');
  // Every write ends with a line break: what follows the last one is a torn line, or nothing.
  const torn = lines.pop() !== '';
  const events = lines.map((line, index) => parseLine(line, `${path}:${index + 1}`));
  return { path, events, torn };
}
