import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePhaseCheckpoint, readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import { buildPhaseRecord } from '../../schedule/run-records.js';
import type { AttemptIsolation, AttemptRequest, AttemptResult } from '../../schedule/ports.js';
import { CoreError } from '../../core-error.js';
import { runFolder } from '../store/run-folder.js';
import { storageFullCode } from '../store/storage-full.js';

/**
 * The merge journal: before a phase's branch is merged, the record its checkpoint will hold is written to
 * `.hypervisor/runs/<run-id>/merges/phase-<id>.toon`. The run writes the checkpoint only after the merge, so a
 * hypervisor killed between the two leaves a merged commit without a checkpoint; the journal lets the next run
 * find that commit in the integration branch and count the phase complete.
 */

type Succeeded = Extract<AttemptResult, { outcome: 'succeeded' }>;

/** What the journal needs of an attempt about to be merged. */
export interface MergeIntent {
  readonly request: AttemptRequest;
  readonly result: Succeeded;
  readonly isolation: AttemptIsolation;
  /** When the attempt started (epoch ms). */
  readonly startedAtMs: number;
  readonly hypervisorVersion: string;
}

/** One journal entry read back: where it lies and the record it holds. */
export interface JournalEntry {
  readonly path: string;
  readonly record: PhaseCheckpoint;
}

function journalFolder(root: string, runId: string): string {
  return join(runFolder(root, runId), 'merges');
}

function recordOf(intent: MergeIntent, phase: Phase): PhaseCheckpoint {
  const { request, result, isolation, startedAtMs, hypervisorVersion } = intent;
  const status = result.partialReason === undefined ? 'success' : 'partial';
  const run = {
    status,
    attempts: request.attempt,
    waitingOn: 0,
    startedAtMs,
    finishedAtMs: Date.now(),
    satisfies: true,
    isolation,
    ...(result.agent === undefined ? {} : { agent: result.agent }),
    ...(result.validation === undefined ? {} : { validation: result.validation }),
    ...(result.quality === undefined ? {} : { quality: result.quality }),
    ...(result.scriptCheckpoint === undefined ? {} : { scriptCheckpoint: result.scriptCheckpoint }),
  } as const;
  return buildPhaseRecord(phase, run, status, { runId: request.runId, hypervisorVersion });
}

/**
 * Writes, atomically, the record of an attempt whose branch is about to be merged.
 * @throws CoreError `storage_full` when the disk is full or read-only, else the file system's error (the merge must
 *   then not happen).
 */
export async function writeMergeIntent(root: string, intent: MergeIntent): Promise<void> {
  const { phase, runId } = intent.request;
  const path = join(journalFolder(root, runId), `phase-${phase.id}.toon`);
  try {
    await writeCheckpoint(path, recordOf(intent, phase));
  } catch (error) {
    // A full disk stops the run (see the storage guard); any other failure fails the attempt as it was.
    const code = storageFullCode(error);
    if (code === undefined) throw error;
    throw new CoreError('storage_full', `cannot write the merge journal ${path}: ${code}`, { path }, { cause: error });
  }
}

/** The journal entries of a run; an entry that cannot be read is left out (it never makes a phase complete). */
export async function readMergeJournal(root: string, runId: string): Promise<JournalEntry[]> {
  const folder = journalFolder(root, runId);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => /^phase-\d+\.toon$/.test(name));
  const entries = await Promise.all(
    names.map(async (name) => {
      const path = join(folder, name);
      try {
        const { value } = await readCheckpoint(path);
        return { path, record: parsePhaseCheckpoint(value, path) };
      } catch {
        return undefined;
      }
    }),
  );
  return entries.filter((entry): entry is JournalEntry => entry !== undefined);
}

/** Forgets a journal entry once the next run has dealt with it. */
export async function forgetMergeIntent(entry: JournalEntry): Promise<void> {
  await rm(entry.path, { force: true });
}
