import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A file to create: its path relative to the target folder, its text and Unix permissions. */
export interface NewFile {
  readonly path: string;
  readonly text: string;
  readonly mode: number;
}

async function exists(path: string): Promise<{ readonly isDirectory: boolean } | undefined> {
  try {
    return { isDirectory: (await lstat(path)).isDirectory() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates files under `dir` only if none of them exists yet: the first one that does (or `''` when `dir`
 * itself is not a folder) is returned as `clash` and nothing is written. Each file is created exclusively
 * (`wx`), so a file that appears meanwhile is not overwritten either.
 * @throws the file system's error when a folder or file cannot be created.
 */
export async function writeNewFiles(dir: string, files: readonly NewFile[]): Promise<{ readonly clash?: string }> {
  const target = await exists(dir);
  if (target !== undefined && !target.isDirectory) return { clash: '' };
  for (const file of files) {
    if ((await exists(join(dir, file.path))) !== undefined) return { clash: file.path };
  }
  for (const file of files) {
    const path = join(dir, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text, { flag: 'wx', mode: file.mode });
  }
  return {};
}
