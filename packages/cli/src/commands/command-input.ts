import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.js';

/**
 * Parses a count given on the command line (`-j 4`): a whole number of at least 1.
 * @throws InvalidArgumentError, which commander reports as a usage error naming the option.
 */
export function parsePositiveInt(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return parsed;
}

/** A path given on the command line (or several segments of one), made absolute against the command's working directory. */
export function resolveFromCwd(io: CliIo, ...paths: string[]): string {
  return resolve(io.cwd ?? process.cwd(), ...paths);
}
