import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { RawRunOptions } from '../run/run-options.js';
import { RUN_DEFAULTS } from '../run/run-defaults.js';

/**
 * The options that choose the config file and the agents (`--agent`, `--model` …), shared by `run`, `plan` and
 * `config`. Each wins over the config file's setting.
 */
export function addAgentOptions(command: Command): Command {
  return command
    .option('--config <file>', 'the config file (default: hypervisor.config.yaml, .yml or .json in the root)')
    .option('--root <dir>', 'project root: where phases run, checkpoints and the config file live (default: the current directory)')
    .option('--agent <profile>', `agent profile for phases that name none and have no run: line (default: ${RUN_DEFAULTS.agent})`)
    .option('--model <name>', "the default agent's model (a phase's own model wins)")
    .option('--permission-mode <mode>', "the default agent's permission mode, e.g. acceptEdits for claude (its default)")
    .option('--max-turns <n>', "turn limit of phases that set none (claude's default: 50)")
    .option('--allowed-tools <tools>', "tools the default agent may use without asking, comma-separated, e.g. 'Edit,Bash(npm test:*)'")
    .option('--disallowed-tools <tools>', 'tools the default agent may not use, comma-separated');
}

/** The options that shape the schedule, shared by `run`, `plan` (for its estimate) and `config`. */
export function addScheduleOptions(command: Command): Command {
  return command
    .option('-j, --workers <n>', `most phases at once in parallel mode (default: ${RUN_DEFAULTS.workers})`)
    .option('--group-policy <policy>', `strict or ignore: whether parallel_group limits concurrency (default: ${RUN_DEFAULTS.groupPolicy})`);
}

/** Every run-wide setting a flag can give, shared by `run` and `config`. */
export function addRunSettingOptions(command: Command): Command {
  return addScheduleOptions(addAgentOptions(command))
    .option('--mode <mode>', `sequential, parallel, interactive or dry-run (default: ${RUN_DEFAULTS.mode})`)
    .option('--timeout <seconds>', `time limit of one attempt of a phase (default: ${RUN_DEFAULTS.timeoutSeconds})`)
    .option('--retries <n>', `retries after a failed attempt (default: ${RUN_DEFAULTS.retries})`)
    .option('--keep-going', 'after a failure, still run every phase whose dependencies succeeded')
    .option('--report', 'when the run ends, however it ends, write its HTML report to .hypervisor/runs/<run-id>/report.html and print its path')
    .option('--max-cost <usd>', 'budget in US dollars: once the attempts have cost that much, no phase or retry starts (default: none)')
    .option('--checkpoint-format <format>', `toon or kazuba (default: ${RUN_DEFAULTS.checkpointFormat})`)
    .option('--isolation <mode>', `worktree (each phase in its own git worktree, merged back), none, or auto: worktree in a git repository (default: ${RUN_DEFAULTS.isolation})`);
}

/**
 * `hypervisor run <plan-dir>`: runs a plan, with progress on stderr and the summary as JSON on stdout with
 * `--json`. Everything but the option list is loaded when the command runs, so `--help` stays fast.
 */
export function registerRunCommand(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('run a plan: each phase after its dependencies, resuming from checkpoints')
    .argument('<plan-dir>', 'the plan folder (markdown phase files)');
  addRunSettingOptions(command)
    .option('--force', 'ignore checkpoints: run phases that are already complete')
    .option('--allow-dirty', 'under worktree isolation, run although tracked files of the root are changed (phases start from the branch tip)')
    .option('--only <ids>', 'run only these phases (comma-separated ids); their other dependencies are taken as done')
    .option('--from <id>', 'run this phase and every phase that depends on it')
    .option('--events <file>', `learning events JSONL, appended after the run (default: <root>/${RUN_DEFAULTS.eventsFile})`)
    .option('--no-history', 'do not estimate durations from the events file')
    .option('--json', 'print the run summary as JSON on stdout')
    .option('--quiet', 'print only errors')
    .option('--verbose', 'without the live view, print a line for each tool the agent uses')
    .addHelpText(
      'after',
      '\nSettings come from the flags, then hypervisor.config.yaml, then the defaults: `hypervisor config` shows them.\n' +
        "\nWith --report (or run.report: true in the config file) the report's path is the last line on stderr, also after a\n" +
        'failure, the breaker, the budget or Ctrl-C; not after a second Ctrl-C (which stops at once), and --report refuses\n' +
        '--mode dry-run (nothing runs). A report that cannot be written is told in one line and the exit code stays the\n' +
        "run's; `hypervisor report <plan-dir>` writes it again.",
    )
    .action(async (planDir: string, options: RawRunOptions) => {
      const { runCommand } = await import('../run/run-command.js');
      await runCommand(planDir, options, io);
    });
}
