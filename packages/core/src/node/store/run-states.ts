import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readCheckpoint } from '@kazuba/toon';
import { runsFolder } from './run-folder.js';

/**
 * What became of a run, from its record: `live` while its hypervisor process still runs, `crashed` when the
 * record says running but that process is gone, `ended` once the record holds an outcome.
 */
export type RunState = 'live' | 'crashed' | 'ended';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The state of every run under `root` that has a readable record, by run id. A record that cannot be read is left
 * out (a run without a record is not running: nothing of it can be told apart from leftovers).
 * @example
 * const crashed = [...(await readRunStates(root))].filter(([, state]) => state === 'crashed');
 */
export async function readRunStates(root: string): Promise<Map<string, RunState>> {
  const folder = runsFolder(root);
  const entries = await readdir(folder).catch(() => [] as string[]);
  const states = new Map<string, RunState>();
  await Promise.all(
    entries.map(async (entry) => {
      const record = await readCheckpoint(join(folder, entry, 'run.toon')).then(
        ({ value }) => value as { run_id?: unknown; outcome?: unknown; pid?: unknown },
        () => undefined,
      );
      if (typeof record?.run_id !== 'string') return;
      if (record.outcome !== 'running') return void states.set(record.run_id, 'ended');
      states.set(record.run_id, typeof record.pid === 'number' && isAlive(record.pid) ? 'live' : 'crashed');
    }),
  );
  return states;
}
