import { readFileSync, readdirSync } from 'node:fs';
import { errnoOf } from './error-details.js';

/**
 * Sends `signal` (0 only checks) to every process of the group led by `pgid`.
 * @returns false when no process of the group exists any more.
 * @throws the `kill` error for anything but a missing group or a member we may not signal.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ESRCH') return false;
    // A member owned by another user (a setuid program) still exists, and is not ours to kill.
    if (code === 'EPERM') return true;
    throw error;
  }
}

/** The process group and state of a process from `/proc/<pid>/stat`, or undefined when it is gone. */
function readStat(pid: string): { readonly pgrp: number; readonly state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // The process ended between listing /proc and reading its entry.
    return undefined;
  }
  // The command name in parentheses may itself hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

/**
 * Whether a member of the group is more than a zombie. A killed process whose parent died too is reparented to
 * PID 1, and in a container whose PID 1 does not reap, it stays a zombie forever: dead, yet `kill(-pgid, 0)`
 * still finds it.
 */
function hasLiveMember(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    // No procfs (not Linux): the kill check already said a member exists.
    return true;
  }
  return entries.some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = readStat(name);
    return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X';
  });
}

/** Whether any process of the group led by `pgid` is still running (zombies do not count). */
export function isGroupRunning(pgid: number): boolean {
  return signalGroup(pgid, 0) && hasLiveMember(pgid);
}
