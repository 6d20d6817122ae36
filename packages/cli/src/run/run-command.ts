import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isatty } from 'node:tty';
import { inspect } from 'node:util';
import { createRunId } from '@kazuba/core/node';
import type { ExecutionMode, HypervisorEvent, RunSummary } from '@kazuba/hypervisor-v2';
import type { CliIo } from '../cli-io.js';
import { CLI_VERSION } from '../cli-version.js';
import { CliError, isCliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';
import { trapInterrupts } from './interrupts.js';
import type { InterruptSignal, SignalSource } from './interrupts.js';
import type { Ticker } from './live-progress.js';
import { startPlanRun } from './plan-run.js';
import type { PlanRunHandle } from './plan-run.js';
import { prepareRun } from './prepare-run.js';
import type { PreparedRun } from './prepare-run.js';
import { formatRunReport } from './run-report.js';
import { readConfigFile } from './config-file.js';
import { parseRunOptions } from './run-options.js';
import type { RawRunOptions, ResolvedRunOptions } from './run-options.js';
import type { SelectPrompt } from './terminal-approver.js';

/** The effects of `hypervisor run` that tests replace. */
export interface RunCommandDeps {
  /** @default process */
  readonly signals?: SignalSource;
  /** @default `select` of `@inquirer/prompts`, drawing on stderr */
  readonly select?: SelectPrompt;
  /** The live view's clock. @default Date.now */
  readonly now?: () => number;
  /** The live view's redraw timer. @default an unref'd setInterval */
  readonly ticker?: Ticker;
  /**
   * Ends the program at once, on a second interrupt. The process supervisor's exit hook then SIGKILLs every
   * process group still alive, so nothing is left behind.
   * @default process.exit
   */
  readonly forceExit?: (code: number) => void;
}

async function requireDirectory(path: string, flag: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory() !== true) throw new CliError('invalid_option', `${flag}: no such directory: ${path}`);
}

function requireTerminal(mode: ExecutionMode, io: CliIo): void {
  if (mode !== 'interactive' || (io.stdinIsTTY ?? isatty(0))) return;
  throw new CliError(
    'no_terminal',
    'interactive mode asks before each phase and needs a terminal on stdin; run it from a terminal, or use --mode sequential or parallel',
  );
}

/** How the run ended, as far as the command is concerned. */
type Ending = { readonly kind: 'finished'; readonly summary: RunSummary } | { readonly kind: 'forced' };

/**
 * Runs the plan until it ends, feeding each event to `onEvent`. The first SIGINT or SIGTERM stops it
 * gracefully (the run then ends `cancelled`); a second one stops everything and ends the program at once.
 */
function driveRun(prepared: PreparedRun, io: CliIo, onEvent: (event: HypervisorEvent) => void, deps: RunCommandDeps): Promise<Ending> {
  let summary: RunSummary | undefined;
  let handle: PlanRunHandle | undefined;
  let release = (): void => undefined;
  return new Promise<Ending>((resolve, reject) => {
    release = trapInterrupts(deps.signals ?? process, {
      onInterrupt: (signal: InterruptSignal) => {
        prepared.display.note(`${signal}: stopping the running phases and writing their state (interrupt again to stop at once)`, 'error');
        prepared.cancel(new Error(`interrupted by ${signal}`));
      },
      onForce: () => {
        prepared.display.close();
        io.stderr.write(`stopping at once: the phases that ran are not recorded\n${resumeHint(prepared)}\n`);
        handle?.stopNow();
        (deps.forceExit ?? process.exit)(EXIT.interrupted);
        resolve({ kind: 'forced' });
      },
    });
    handle = startPlanRun(prepared.setup, {
      next: (event) => {
        if (event.type === 'run:finished') summary = event.summary;
        onEvent(event);
      },
      done: () => (summary === undefined ? reject(new Error('the run ended without a run:finished event')) : resolve({ kind: 'finished', summary })),
      failed: reject,
    });
  }).finally(() => release());
}

function resumeHint(prepared: PreparedRun): string {
  return `to resume, run \`${prepared.reportContext.rerunCommand}\` again: completed phases are skipped`;
}

function exitFor(summary: RunSummary | undefined, stoppedBy: string | undefined): CliError | undefined {
  if (summary === undefined) return new CliError('interrupted', 'stopped at once', { reported: true });
  // A run that stopped because its storage was full did not finish, but nobody interrupted it.
  if (summary.outcome === 'failed' || stoppedBy !== undefined) return new CliError('run_failed', 'the run failed', { reported: true });
  if (summary.outcome === 'cancelled') return new CliError('interrupted', 'the run was interrupted', { reported: true });
  return undefined;
}

function report(prepared: PreparedRun, options: ResolvedRunOptions, io: CliIo, events: readonly HypervisorEvent[], summary: RunSummary | undefined): void {
  if (options.mode === 'dry_run' && !options.json) io.stdout.write(prepared.dryRunReport(events));
  if (summary !== undefined && options.mode !== 'dry_run') {
    const { level, lines } = formatRunReport(summary, prepared.reportContext);
    if (!options.quiet || level === 'error') io.stderr.write(lines.map((line) => `${line}\n`).join(''));
  }
  if (summary !== undefined && options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

/**
 * `--report`: writes the run's HTML report (as `hypervisor report` would) and prints its path as the last line on
 * stderr, `--quiet` or not: it was asked for, as `--json`'s summary is. A report that cannot be written is told in
 * one line, and the exit code stays the run's: it says how the run went, and the report can be written again.
 */
async function writeReportOf(prepared: PreparedRun, options: ResolvedRunOptions, io: CliIo): Promise<void> {
  const { shownPath, writeRunReport } = await import('../commands/report-input.js');
  const { cwd, runDir } = prepared.reportContext;
  try {
    const written = await writeRunReport({ plan: prepared.setup.plan, root: options.root, runId: prepared.setup.runId });
    io.stderr.write(`report: ${shownPath(cwd, written)}\n`);
  } catch (error) {
    io.stderr.write(`hypervisor: report not written: ${reportProblem(error, shownPath(cwd, join(runDir, 'report.html')))}\n`);
  }
}

/**
 * Why the report was not written, naming the file: our own errors name it; the file system's (a file the report is
 * made from that cannot be read) go on one line after the page's path; anything else is a bug, shown with its stack.
 */
function reportProblem(error: unknown, page: string): string {
  if (isCliError(error)) return error.message;
  // Told by its errno code rather than `instanceof`, which fails across realms (vm contexts, Jest).
  const { code, message } = (error ?? {}) as { readonly code?: unknown; readonly message?: unknown };
  if (typeof code === 'string' && typeof message === 'string') return `${page}: ${message}`;
  return `${page}: unexpected error, please report it\n${inspect(error)}`;
}

/**
 * `hypervisor run <plan-dir>`: validates the flags, loads the plan, runs it with progress on stderr, appends
 * the learning events, reports (with `--report` also as an HTML page, unless a second interrupt stopped it at
 * once), and ends with the run's outcome as a {@link CliError} (`run_failed`, `interrupted`) when it did not succeed.
 * @throws CliError `invalid_option`, `invalid_plan`, `no_terminal`, CoreError `invalid_config` (a bad config file)
 *   before anything runs.
 */
export async function runCommand(planArg: string, raw: RawRunOptions, io: CliIo, deps: RunCommandDeps = {}): Promise<void> {
  const cwd = io.cwd ?? process.cwd();
  const loaded = await readConfigFile(raw, cwd);
  const options = parseRunOptions(planArg, raw, cwd, loaded?.config);
  requireTerminal(options.mode, io);
  await requireDirectory(options.root, '--root');
  const prepared = await prepareRun({ options, planArg, io, deps, runId: createRunId(), version: CLI_VERSION });
  const events: HypervisorEvent[] = [];
  const keep = (event: HypervisorEvent): void => {
    prepared.observe(event);
    if (options.mode === 'dry_run') events.push(event);
  };
  let ending: Ending;
  try {
    ending = await driveRun(prepared, io, keep, deps);
  } finally {
    prepared.display.close();
  }
  const summary = ending.kind === 'finished' ? ending.summary : undefined;
  report(prepared, options, io, events, summary);
  await prepared.saveEvents();
  // A dry run keeps no event log: `run.report` in the config file asks nothing of it (the flag is refused).
  if (summary !== undefined && options.report && options.mode !== 'dry_run') await writeReportOf(prepared, options, io);
  const exit = exitFor(summary, prepared.reportContext.stoppedBy?.());
  if (exit !== undefined) throw exit;
}
