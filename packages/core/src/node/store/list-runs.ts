import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readCheckpoint } from '@kazuba/toon';
import { runsFolder } from './run-folder.js';
import { readRunStates } from './run-states.js';
import type { RunState } from './run-states.js';

/** One run found under a root, from its run record. */
export interface RunListing {
  readonly runId: string;
  /** The run's folder, `.hypervisor/runs/<run-id>`. */
  readonly dir: string;
  readonly plan: string;
  /** When the run started (ISO 8601). */
  readonly startedAt: string;
  /** `succeeded`, `failed`, `cancelled`, or `running` while it runs and after it crashed. */
  readonly outcome: string;
  /** `live` while its hypervisor runs, `crashed` when it died before its outcome, `ended` once it has one. */
  readonly state: RunState;
}

const listedFieldsSchema = z.looseObject({ run_id: z.string().min(1), plan: z.string(), started_at: z.string(), outcome: z.string() });

/** Epoch ms of a record's start, the oldest possible for one that cannot be read as a time. */
function startOf(run: RunListing): number {
  const ms = Date.parse(run.startedAt);
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * Every run under `root` whose run record can be read, newest first by the record's `started_at` (then by run id,
 * which sorts by start time as `createRunId` makes them). A folder without a readable record is left out.
 * @example
 * const [latest] = await listRuns(root);
 */
export async function listRuns(root: string): Promise<RunListing[]> {
  const folder = runsFolder(root);
  const entries = await readdir(folder).catch(() => [] as string[]);
  const records = await Promise.all(
    entries.map(async (entry) => {
      const dir = join(folder, entry);
      const value = await readCheckpoint(join(dir, 'run.toon')).then(({ value: read }) => read, () => undefined);
      const parsed = listedFieldsSchema.safeParse(value);
      return parsed.success ? [{ dir, fields: parsed.data }] : [];
    }),
  );
  const found = records.flat();
  const states = found.some(({ fields }) => fields.outcome === 'running') ? await readRunStates(root) : new Map<string, RunState>();
  const runs = found.map(({ dir, fields }): RunListing => {
    const state = fields.outcome === 'running' ? (states.get(fields.run_id) ?? 'crashed') : 'ended';
    return { runId: fields.run_id, dir, plan: fields.plan, startedAt: fields.started_at, outcome: fields.outcome, state };
  });
  return runs.sort((a, b) => startOf(b) - startOf(a) || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0));
}

/**
 * The id of the newest run under `root` (see {@link listRuns}), live, crashed or ended; undefined when there is none.
 * @example
 * const runId = options.run ?? (await latestRunId(root));
 */
export async function latestRunId(root: string): Promise<string | undefined> {
  return (await listRuns(root))[0]?.runId;
}
