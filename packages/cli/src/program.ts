import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { CLI_VERSION } from './cli-version.js';
import { registerCheckpointCommands } from './commands/checkpoint.js';
import { registerCleanCommand } from './commands/clean.js';
import { registerConfigCommand } from './commands/config.js';
import { registerEventsCommands } from './commands/events.js';
import { registerInitCommand } from './commands/init.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerReportCommand } from './commands/report.js';
import { registerRunCommand } from './commands/run.js';
import { registerStatusCommand } from './commands/status.js';

export type { CliIo } from './cli-io.js';

/**
 * Builds the `hypervisor` command line. Each command loads what it needs when it runs, so `--help` and
 * `--version` start fast. Commander's own exits are turned into exceptions so that the caller decides the
 * exit code; output goes to `io`.
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('hypervisor')
    .description('run multi-phase plans for AI coding agents')
    .version(CLI_VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  // Subcommands inherit the exit override and the output settings from here.
  registerRunCommand(program, io);
  registerPlanCommand(program, io);
  registerStatusCommand(program, io);
  registerReportCommand(program, io);
  registerCleanCommand(program, io);
  registerCheckpointCommands(program, io);
  registerEventsCommands(program, io);
  registerConfigCommand(program, io);
  registerInitCommand(program, io);
  return program;
}
