import { CommanderError } from 'commander';
import { inspect } from 'node:util';
import { createProgram } from './program.js';
import type { CliIo } from './cli-io.js';
import { isCliError } from './run/cli-error.js';
import type { CliErrorCode } from './run/cli-error.js';
import { EXIT } from './run/exit-codes.js';

export { EXIT } from './run/exit-codes.js';

const EXIT_BY_CLI_CODE: Readonly<Record<CliErrorCode, number>> = {
  invalid_option: EXIT.usage,
  invalid_plan: EXIT.usage,
  no_terminal: EXIT.usage,
  run_failed: EXIT.failed,
  interrupted: EXIT.interrupted,
};

// Files a user hands the CLI that can be wrong: these bridge errors are bad input, not bugs.
const BAD_INPUT_BRIDGE_CODES: ReadonlySet<string> = new Set(['not_found', 'io_error', 'invalid_json_line', 'invalid_event_line']);

/**
 * Whether an error is an expected one (a bad plan, checkpoint, config or input file), told by each package's
 * guard. The packages are loaded only here, on the error path, so that `--help` does not load them.
 */
async function isBadInput(error: unknown): Promise<boolean> {
  let guards;
  try {
    // One after the other: loading modules that share dependencies concurrently trips Jest's ESM loader.
    guards = { ...(await import('@kazuba/toon')), ...(await import('@kazuba/core')), ...(await import('@kazuba/bridge')) };
  } catch {
    // A package that cannot even be loaded (a broken install) makes the error unexpected: it is then printed
    // in full, with its stack, and it is most often this same failure to load.
    return false;
  }
  const { isToonError, isCoreError, isPlanError, isBridgeError } = guards;
  if (isPlanError(error) || isToonError(error)) return true;
  if (isCoreError(error)) return error.code === 'invalid_config';
  return isBridgeError(error) && BAD_INPUT_BRIDGE_CODES.has(error.code);
}

/**
 * Tells the user about an error that ended a command, in one line for an expected one and with its stack for
 * a bug, and returns the exit code it means (see {@link EXIT}).
 */
export async function reportFailure(error: unknown, io: CliIo): Promise<number> {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (isCliError(error)) {
    if (!error.reported) io.stderr.write(`hypervisor: ${error.message}\n`);
    return EXIT_BY_CLI_CODE[error.code];
  }
  if (await isBadInput(error)) {
    io.stderr.write(`hypervisor: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  io.stderr.write(`hypervisor: unexpected error, please report it\n${inspect(error)}\n`);
  return EXIT.failed;
}

/**
 * Runs the `hypervisor` command line and returns its exit code (see {@link EXIT}), never throwing: expected
 * errors are printed as one line without a stack, real bugs with their stack.
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
    return reportFailure(error, io);
  }
}
