import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.js';

/** A path given on the command line (or several segments of one), made absolute against the command's working directory. */
export function resolveFromCwd(io: CliIo, ...paths: string[]): string {
  return resolve(io.cwd ?? process.cwd(), ...paths);
}
