import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A small plan in the shape of `plans-v2` (ids 1-6, an index, a notes file), kept beside the specs. */
export const companionPlanDir = join(here, 'companion-plan');

/**
 * The real 12-phase plan, `../shared/fixtures/kazuba/plans-v2` beside the workspace (the folder holding
 * `nx.json`, found by walking up from here); undefined when this checkout does not have it.
 */
export function findSharedPlanDir(): string | undefined {
  let dir = here;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const plan = join(dir, '..', 'shared', 'fixtures', 'kazuba', 'plans-v2');
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
