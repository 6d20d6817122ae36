import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A small plan in the shape of `plans-v2` (ids 1-6, an index, a notes file), kept beside the specs. */
export const companionPlanDir = join(here, 'companion-plan');

/**
 * A small plan in the shape of the original's `plans-v1` (ids 0-2, an index): front matter indented by six
 * spaces in all phase files but the last, and in `02-phase-build.md` a `cross_refs` list whose second item lost
 * its indentation (line 16).
 */
export const v1PlanDir = join(here, 'v1-plan');

/**
 * A real plan of the original project, `../shared/fixtures/kazuba/<name>` beside the workspace (the folder
 * holding `nx.json`, found by walking up from here): `plans-v2` (12 phases) unless told, or `plans-v1`;
 * undefined when this checkout does not have it.
 */
export function findSharedPlanDir(name: 'plans-v1' | 'plans-v2' = 'plans-v2'): string | undefined {
  let dir = here;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const plan = join(dir, '..', 'shared', 'fixtures', 'kazuba', name);
  return existsSync(plan) ? plan : undefined;
}

/**
 * A phase file: `---`, the front matter lines, `---`, then the body. Line 1 is the opening fence, so
 * `fields[i]` sits on line `i + 2`.
 */
export function phaseFile(fields: readonly string[], body = 'Do the work.'): string {
  return ['---', ...fields, '---', '', body, ''].join('\n');
}

/** Plan folders written to temporary directories, removed together at the end of a suite. */
export interface TempPlans {
  /** Writes `files` (name → content) to a new folder and returns its path. */
  write(files: Readonly<Record<string, string>>): Promise<string>;
  removeAll(): Promise<void>;
}

/** Creates a {@link TempPlans} whose folders live under the system's temporary directory. */
export function createTempPlans(): TempPlans {
  const made: string[] = [];
  return {
    async write(files) {
      const dir = await mkdtemp(join(tmpdir(), 'kazuba-plan-'));
      made.push(dir);
      for (const [name, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, name)), { recursive: true });
        await writeFile(join(dir, name), text);
      }
      return dir;
    },
    async removeAll() {
      await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}
