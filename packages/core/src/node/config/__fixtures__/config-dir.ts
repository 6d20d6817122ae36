import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary project folder for config tests, removed by `remove`. */
export interface ConfigDir {
  readonly root: string;
  /** Writes `text` to `name` in the folder and returns its absolute path. */
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates an empty temporary project folder. */
export async function createConfigDir(): Promise<ConfigDir> {
  const root = await mkdtemp(join(tmpdir(), 'project-config-'));
  return {
    root,
    async write(name, text) {
      const file = join(root, name);
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
