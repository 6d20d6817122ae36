import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { RawRunOptions } from '../run/run-options.js';
import { RUN_DEFAULTS } from '../run/run-defaults.js';

/**
 * `hypervisor run <plan-dir>`: runs a plan, with progress on stderr and the summary as JSON on stdout with
 * `--json`. Everything but the option list is loaded when the command runs, so `--help` stays fast.
 */
export function registerRunCommand(program: Command, io: CliIo): void {
  program
    .command('run')
    .description('run a plan: each phase after its dependencies, resuming from checkpoints')
    .argument('<plan-dir>', 'the plan folder (markdown phase files)')
    .option('--mode <mode>', `sequential, parallel, interactive or dry-run (default: ${RUN_DEFAULTS.mode})`)
    .option('-j, --workers <n>', `most phases at once in parallel mode (default: ${RUN_DEFAULTS.workers})`)
    .option('--agent <profile>', `agent profile for phases without a run: line (default: ${RUN_DEFAULTS.agent})`)
    .option('--root <dir>', 'project root: where phases run and checkpoints live (default: the current directory)')
    .option('--timeout <seconds>', `time limit of one attempt of a phase (default: ${RUN_DEFAULTS.timeoutSeconds})`)
    .option('--retries <n>', `retries after a failed attempt (default: ${RUN_DEFAULTS.retries})`)
    .option('--keep-going', 'after a failure, still run every phase whose dependencies succeeded')
    .option('--force', 'ignore checkpoints: run phases that are already complete')
    .option('--only <ids>', 'run only these phases (comma-separated ids); their other dependencies are taken as done')
    .option('--from <id>', 'run this phase and every phase that depends on it')
    .option('--checkpoint-format <format>', `toon or kazuba (default: ${RUN_DEFAULTS.checkpointFormat})`)
    .option('--events <file>', `learning events JSONL, appended after the run (default: <root>/${RUN_DEFAULTS.eventsFile})`)
    .option('--no-history', 'do not estimate durations from the events file')
    .option('--json', 'print the run summary as JSON on stdout')
    .option('--quiet', 'print only errors')
    .action(async (planDir: string, options: RawRunOptions) => {
      const { runCommand } = await import('../run/run-command.js');
      await runCommand(planDir, options, io);
    });
}
