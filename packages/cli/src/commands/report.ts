import { isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { loadPlanArg, resolveFromCwd } from './command-input.js';

/** The options of `hypervisor report`, as commander parses them. */
interface ReportCommandOptions {
  readonly root?: string;
  readonly run?: string;
  readonly output?: string;
}

/** A path as the user reads it best: relative to the working directory when inside it, else absolute. */
function shownPath(io: CliIo, path: string): string {
  const inCwd = relative(resolveFromCwd(io), path);
  return inCwd !== '' && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : path;
}

async function writeReport(io: CliIo, dir: string, options: ReportCommandOptions): Promise<void> {
  // Loaded here, not at the top, so that `--help` and `--version` load nothing heavy; one after the other,
  // since Jest's ESM loader trips over concurrent imports of modules that share dependencies.
  const { buildRunReport } = await import('@kazuba/core');
  const { renderRunReportHtml } = await import('../report/report-html.js');
  const { readFailureTails, readReportRun, writeFileAtomically } = await import('./report-input.js');
  const plan = await loadPlanArg(io, dir);
  const root = resolveFromCwd(io, options.root ?? '.');
  const run = await readReportRun(root, options.run);
  const now = Date.now();
  // A live run's open attempts end now; a finished or crashed one's where its events stop.
  const report = buildRunReport({ plan, events: run.events, ...(run.live ? { snapshotAt: now } : {}) });
  const failures = await readFailureTails(run.dir, report.phases);
  const output = options.output === undefined ? join(run.dir, 'report.html') : resolveFromCwd(io, options.output);
  await writeFileAtomically(output, renderRunReportHtml(report, { failures, generatedAt: new Date(now).toISOString() }));
  io.stdout.write(`${shownPath(io, output)}\n`);
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
