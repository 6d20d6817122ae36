import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlanProblem } from './plan-error.js';

/** The largest markdown file a plan folder may hold, 1 MiB: a phase file is a prompt, not a data set. */
export const MAX_PHASE_FILE_BYTES = 1024 * 1024;

function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
}

/**
 * Reads one markdown file of a plan folder, after looking at its size: a file over
 * {@link MAX_PHASE_FILE_BYTES}, or one that is not a regular file (a device, a pipe), is refused without being
 * read, so that a stray huge file or `/dev/zero` cannot exhaust memory or hang the load.
 * @returns the text, or the problem (`file_too_large`, `unreadable_plan`) located in `file`.
 */
export async function readPhaseFile(dir: string, file: string): Promise<string | PlanProblem> {
  const path = join(dir, file);
  try {
    const stats = await stat(path);
    if (stats.size > MAX_PHASE_FILE_BYTES) {
      const message = `the file is ${stats.size} bytes, over the 1 MiB (${MAX_PHASE_FILE_BYTES} bytes) limit of a plan's markdown file: not read`;
      return { code: 'file_too_large', file, message };
    }
    // A directory is left to readFile, which names it (EISDIR); anything else that is not a file would never end.
    if (!stats.isFile() && !stats.isDirectory()) return { code: 'unreadable_plan', file, message: 'cannot read the phase file: not a regular file' };
    return await readFile(path, 'utf8');
  } catch (error) {
    return { code: 'unreadable_plan', file, message: `cannot read the phase file: ${reasonOf(error)}` };
  }
}
