import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Plan, ReportPhaseRow } from '@kazuba/core';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import type { PhaseLogTail } from '../report/phase-table.js';
import { CliError } from '../run/cli-error.js';

/** How much of a failed phase's log the report shows: its last lines, within a byte budget. */
const LOG_TAIL = { lines: 40, bytes: 8 * 1024 } as const;

/** The run a report is about, and its events. */
export interface ReportRun {
  readonly runId: string;
  /** `.hypervisor/runs/<run-id>`, where its logs are and the report goes by default. */
  readonly dir: string;
  readonly events: readonly HypervisorEvent[];
  /** Whether its hypervisor is still running: the report is then a snapshot taken now. */
  readonly live: boolean;
}

/**
 * Finds the run to report (`runId`, or the newest under `root`) and reads its event log.
 * @throws CliError `invalid_option` when there is no run, no such run, or a run without an event log; an event
 *   log with an invalid line also ends the command in one line
 */
export async function readReportRun(root: string, runId: string | undefined): Promise<ReportRun> {
  // One import after the other: Jest's ESM loader trips over concurrent imports of modules that share dependencies.
  const { listRuns, readRunEvents, runFolder } = await import('@kazuba/core/node');
  const { isHypervisorV2Error } = await import('@kazuba/hypervisor-v2');
  const runs = await listRuns(root);
  const id = runId ?? runs[0]?.runId;
  if (id === undefined) throw new CliError('invalid_option', `no run under ${root}: run the plan first`);
  const dir = runFolder(root, id);
  if (!existsSync(dir)) throw new CliError('invalid_option', `--run ${id}: no such run under ${root} (\`ls ${join(root, '.hypervisor', 'runs')}\` lists them)`);
  let read;
  try {
    read = await readRunEvents(root, id);
  } catch (error) {
    if (!isHypervisorV2Error(error)) throw error;
    throw new CliError('invalid_option', error.message, { cause: error });
  }
  if (read === undefined) throw new CliError('invalid_option', `run ${id} has no events.jsonl: it ran before run reports (or was a dry run); run the plan again`);
  const live = runs.find((run) => run.runId === id)?.state === 'live';
  return { runId: id, dir, events: read.events, live };
}

/** The end of a log: its last {@link LOG_TAIL} lines, read from its last bytes only. */
async function readLogTail(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, LOG_TAIL.bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').replace(/\n$/, '').split('\n');
    // A cut file starts mid-line (maybe mid-character): that first piece is dropped.
    if (length < size) lines.shift();
    return lines.slice(-LOG_TAIL.lines).join('\n');
  } finally {
    await handle.close();
  }
}

/** The log tail (`phase-<id>.log` in the run folder) of each failed phase that has a log. */
export async function readFailureTails(runDir: string, rows: readonly ReportPhaseRow[]): Promise<PhaseLogTail[]> {
  const failed = rows.filter((row) => row.status === 'failed');
  const tails = await Promise.all(failed.map(async (row) => ({ phaseId: row.phaseId, logTail: await readLogTail(join(runDir, `phase-${row.phaseId}.log`)) })));
  return tails.flatMap(({ phaseId, logTail }) => (logTail === undefined ? [] : [{ phaseId, logTail }]));
}

/**
 * Writes `text` to `file` through a temporary file in the same folder and a rename, so that a reader never sees
 * half a report.
 * @throws CliError `invalid_option` when the file cannot be written (a missing folder, no permission)
 */
export async function writeFileAtomically(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new CliError('invalid_option', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}

/** A path as the user reads it best: relative to `cwd` when inside it, else absolute. */
export function shownPath(cwd: string, path: string): string {
  const inCwd = relative(cwd, path);
  return inCwd !== '' && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : path;
}

/** Which run {@link writeRunReport} reports, and where the page goes. */
export interface WriteRunReportOptions {
  /** The plan the run ran. */
  readonly plan: Plan;
  /** The project root the run ran in. */
  readonly root: string;
  /**
   * The run to report.
   * @default the newest run under `root`
   */
  readonly runId?: string | undefined;
  /**
   * Where to write the page, absolute.
   * @default `.hypervisor/runs/<run-id>/report.html`
   */
  readonly output?: string | undefined;
}

/**
 * Writes the report of a run, the one `hypervisor report` and `hypervisor run --report` write: reads the run's
 * event log, builds the report (a live run's as a snapshot taken now), reads each failed phase's log tail, and
 * writes the page atomically. Resolves with the path written.
 * @throws CliError `invalid_option` when there is no such run, its event log is missing or holds no `run:started`, or
 *   the page cannot be written
 * @example
 * const path = await writeRunReport({ plan, root: process.cwd(), runId: 'run-20260301-032000' });
 */
export async function writeRunReport(options: WriteRunReportOptions): Promise<string> {
  // Loaded here, one after the other: `--help` loads nothing heavy, and Jest's ESM loader trips over concurrent
  // imports of modules that share dependencies.
  const { buildRunReport } = await import('@kazuba/core');
  const { renderRunReportHtml } = await import('../report/report-html.js');
  const run = await readReportRun(options.root, options.runId);
  // A run that died before its first event was written leaves an empty log.
  if (!run.events.some((event) => event.type === 'run:started')) {
    throw new CliError('invalid_option', `run ${run.runId}: its events.jsonl holds no run:started, nothing to report`);
  }
  const now = Date.now();
  // A live run's open attempts end now; a finished or crashed one's where its events stop.
  const report = buildRunReport({ plan: options.plan, events: run.events, ...(run.live ? { snapshotAt: now } : {}) });
  const failures = await readFailureTails(run.dir, report.phases);
  const output = options.output ?? join(run.dir, 'report.html');
  await writeFileAtomically(output, renderRunReportHtml(report, { failures, generatedAt: new Date(now).toISOString() }));
  return output;
}
