import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** The folder that holds one folder per run: `<root>/.hypervisor/runs`. */
export function runsFolder(root: string): string {
  return join(root, '.hypervisor', 'runs');
}

/**
 * A name that stays one folder name: anything but letters, digits, `_`, `.` and `-` becomes `_`, and a name of
 * dots only is spelled with `_`, so that nothing built from it climbs out of its parent folder.
 */
export function pathSegment(name: string): string {
  const safe = name.replace(/[^\w.-]/g, '_');
  return /^\.+$/.test(safe) ? safe.replace(/\./g, '_') : safe;
}

/**
 * The folder of one run, where its logs and its record go: `<root>/.hypervisor/runs/<runId>`, with the run id
 * made a single folder name (see {@link pathSegment}).
 * @example
 * runFolder('/repo', 'run-20260101T120000Z-1a2b3c'); // '/repo/.hypervisor/runs/run-20260101T120000Z-1a2b3c'
 */
export function runFolder(root: string, runId: string): string {
  return join(runsFolder(root), pathSegment(runId));
}

/**
 * A new run id: the UTC time to the second and a random suffix, so that ids sort by start time and two runs
 * started in the same second still differ.
 * @example
 * createRunId(); // 'run-20260101T120000Z-1a2b3c'
 */
export function createRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}
