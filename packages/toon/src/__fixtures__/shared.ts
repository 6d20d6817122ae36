import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findWorkspaceRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${start}`);
}

/**
 * The folder `shared/fixtures/<name>` beside the checkout, or undefined where it is absent (a fresh
 * clone elsewhere): those files come from other projects and are never copied into this repository.
 */
export function sharedFixtures(name: string): string | undefined {
  const root = findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)));
  const dir = join(root, '..', 'shared', 'fixtures', name);
  return existsSync(dir) ? dir : undefined;
}
