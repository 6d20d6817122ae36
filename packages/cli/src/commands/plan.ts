import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import type { PlanCommandOptions } from './plan-report.js';
import { addAgentOptions, addScheduleOptions } from './run.js';

export type { PlanPhaseJson, PlanReportJson } from './plan-report.js';

const FORMATS = ['text', 'json', 'mermaid', 'dot'] as const;

/** The formats `hypervisor plan --format` accepts. */
export type PlanFormat = (typeof FORMATS)[number];

/**
 * `hypervisor plan <plan-dir>`: loads and lints a plan and shows what running it will look like (order,
 * levels, estimates, critical path, makespan), as text, JSON, Mermaid or Graphviz DOT.
 */
export function registerPlanCommand(program: Command, io: CliIo): void {
  const command = program
    .command('plan')
    .description("check a plan and show its order, critical path, estimated makespan and each phase's agent and command")
    .argument('<plan-dir>', 'the plan folder: markdown phase files with YAML front matter')
    .addOption(new Option('--format <format>', 'what to print on stdout').choices(FORMATS).default('text'));
  addScheduleOptions(addAgentOptions(command))
    .addHelpText(
      'after',
      '\nLint warnings go to stderr (in JSON they are the "warnings" field). A plan that cannot be loaded, or whose\n' +
        "phases' agent settings cannot run, exits 2. Settings come from the flags, then hypervisor.config.yaml.",
    )
    .action(async (dir: string, options: PlanCommandOptions) => {
      // Loaded when the command runs, so that `--help` and the other commands load nothing of it.
      const { showPlan } = await import('./plan-report.js');
      await showPlan(io, dir, options);
    });
}
