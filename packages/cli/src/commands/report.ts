import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { loadPlanArg, resolveFromCwd } from './command-input.js';

/** The options of `hypervisor report`, as commander parses them. */
interface ReportCommandOptions {
  readonly root?: string;
  readonly run?: string;
  readonly output?: string;
}

async function writeReport(io: CliIo, dir: string, options: ReportCommandOptions): Promise<void> {
  // Loaded here, not at the top, so that `--help` and `--version` load nothing heavy.
  const { shownPath, writeRunReport } = await import('./report-input.js');
  const plan = await loadPlanArg(io, dir);
  const root = resolveFromCwd(io, options.root ?? '.');
  const output = options.output === undefined ? undefined : resolveFromCwd(io, options.output);
  const written = await writeRunReport({ plan, root, runId: options.run, output });
  io.stdout.write(`${shownPath(resolveFromCwd(io), written)}\n`);
}

/**
 * `hypervisor report <plan-dir>`: writes a run's report, one self-contained HTML page (timeline, dependencies,
 * phase table, failed phases' log tails), from its event log, and prints where.
 */
export function registerReportCommand(program: Command, io: CliIo): void {
  program
    .command('report')
    .description("write a run's report as one self-contained HTML page, and print its path")
    .argument('<plan-dir>', 'the plan folder the run ran')
    .option('--root <dir>', 'the project root the run ran in (default: the current directory)')
    .option('--run <run-id>', 'the run to report (default: the latest)')
    .option('-o, --output <file>', 'where to write the page (default: .hypervisor/runs/<run-id>/report.html)')
    .addHelpText(
      'after',
      "\nThe report is read from the run's event log (.hypervisor/runs/<run-id>/events.jsonl), so it also works for a\n" +
        'run still running (a snapshot taken now) or one that crashed. Each failed phase shows the last 40 lines of its\n' +
        'log (phase-<id>.log). The page loads nothing from the network. The file is replaced whole, never half-written.\n' +
        'Exit 0 once written; 2 when the plan cannot be loaded, there is no such run, or the run has no event log (it\n' +
        'ran before run reports).',
    )
    .action((dir: string, options: ReportCommandOptions) => writeReport(io, dir, options));
}
