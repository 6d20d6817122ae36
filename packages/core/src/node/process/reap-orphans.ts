import { readFile, readdir } from 'node:fs/promises';
import { readRunStates } from '../store/run-states.js';

/** What {@link reapOrphans} did. */
export interface ReapedOrphans {
  /** Runs whose hypervisor is gone while their record still says `running`. */
  readonly crashedRuns: readonly string[];
  /** Process groups of those runs that were still alive and got SIGKILL. */
  readonly killedGroups: readonly number[];
}

// The process group of every process whose environment names one of the runs (phases inherit HYPERVISOR_RUN_ID).
async function groupsOfRuns(runIds: ReadonlySet<string>): Promise<Set<number>> {
  const groups = new Set<number>();
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    const runId = /(?:^|\0)HYPERVISOR_RUN_ID=([^\0]*)/.exec(environ)?.[1];
    if (runId === undefined || !runIds.has(runId)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
    // Fields after the parenthesised command: state, ppid, pgrp.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (Number.isInteger(pgrp) && pgrp > 1) groups.add(pgrp);
  }
  return groups;
}

/**
 * Ends the phase processes that a crashed hypervisor left behind under `root`: a run whose record still says
 * `running` while its hypervisor process is gone had its phases in their own process groups, which outlive a
 * SIGKILLed parent. They are found by the `HYPERVISOR_RUN_ID` in their environment (Linux `/proc`), so a reused
 * process id can never make an unrelated process a target; elsewhere this finds nothing.
 */
export async function reapOrphans(root: string): Promise<ReapedOrphans> {
  const states = await readRunStates(root);
  const crashedRuns = [...states].filter(([, state]) => state === 'crashed').map(([runId]) => runId);
  if (crashedRuns.length === 0) return { crashedRuns, killedGroups: [] };
  const killedGroups: number[] = [];
  for (const group of await groupsOfRuns(new Set(crashedRuns))) {
    try {
      process.kill(-group, 'SIGKILL');
      killedGroups.push(group);
    } catch {
      // The group ended between the scan and the kill: nothing left to do.
    }
  }
  return { crashedRuns, killedGroups };
}
