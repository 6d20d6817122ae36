import { CommanderError } from 'commander';
import { inspect } from 'node:util';
import { isToonError } from '@kazuba/toon';
import { createProgram } from './program.js';
import type { CliIo } from './cli-io.js';

/** Exit codes of the `hypervisor` command. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2 });

/**
 * Runs the `hypervisor` command line and returns its exit code, never throwing: expected errors are printed
 * as one line, real bugs with their stack.
 *
 * @param argv the arguments after the program name
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isToonError(error)) {
      io.stderr.write(`hypervisor: ${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr.write(`hypervisor: unexpected error, please report it\n${inspect(error)}\n`);
    return EXIT.failed;
  }
}
