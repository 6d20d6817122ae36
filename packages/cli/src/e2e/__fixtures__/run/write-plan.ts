import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A phase of a throw-away plan: its work is a `run:` line (or, without one, its body goes to the agent). */
export interface FixturePhase {
  readonly id: number;
  readonly title?: string;
  readonly run?: string;
  readonly dependsOn?: readonly number[];
  readonly group?: string;
  /** Front matter lines added as they are, e.g. `effort: XS`. */
  readonly extra?: readonly string[];
  readonly body?: string;
}

/** A project root holding a plan folder `plan/`. */
export interface FixtureProject {
  readonly root: string;
  readonly planDir: string;
}

const made: string[] = [];

function phaseFile(phase: FixturePhase): string {
  return [
    '---',
    `phase: ${phase.id}`,
    `title: ${phase.title ?? `Phase ${phase.id}`}`,
    `depends_on: [${(phase.dependsOn ?? []).join(', ')}]`,
    ...(phase.group === undefined ? [] : [`parallel_group: ${phase.group}`]),
    ...(phase.run === undefined ? [] : [`run: ${JSON.stringify(phase.run)}`]),
    ...(phase.extra ?? []),
    '---',
    phase.body ?? `Work of phase ${phase.id}.`,
    '',
  ].join('\n');
}

/** Writes the phases as a plan folder `plan/` in a fresh temporary project root. */
export async function writePlan(phases: readonly FixturePhase[]): Promise<FixtureProject> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-cli-run-'));
  made.push(root);
  const planDir = join(root, 'plan');
  await mkdir(planDir);
  await Promise.all(phases.map((phase) => writeFile(join(planDir, `${String(phase.id).padStart(2, '0')}-phase.md`), phaseFile(phase))));
  return { root, planDir };
}

/** Removes every project `writePlan` made; for `afterAll`. */
export async function removePlans(): Promise<void> {
  await Promise.all(made.splice(0).map((root) => rm(root, { recursive: true, force: true })));
}

/** A `run:` line that appends `<id>,<attempt>` to `<root>/ledger`, to see what ran in which order. */
export const ledger = (id: number): string => `echo "${id},$HYPERVISOR_ATTEMPT" >> "$HYPERVISOR_ROOT/ledger"`;

/** Whether a process is still running: a zombie (exited, not yet reaped by its parent) does not count. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Waits until `check` holds, polling every 25 ms, for at most `ms`; returns whether it held. */
export async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 25))) {
    if (check()) return true;
  }
  return check();
}
