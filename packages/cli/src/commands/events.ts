import { Option } from 'commander';
import type { Command } from 'commander';
import type { BridgeError, CompactedFile, LearningEvent } from '@kazuba/bridge';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../run/cli-error.js';
import { RUN_DEFAULTS } from '../run/run-defaults.js';
import { resolveFromCwd } from './command-input.js';


const EXPORT_FORMATS = ['toon', 'jsonl'] as const;

/** How a command finds and reads the learning-events file. */
interface EventsSourceOptions {
  readonly events?: string;
  readonly root?: string;
  readonly strict?: boolean;
}

interface StatsOptions extends EventsSourceOptions {
  readonly json?: boolean;
}

interface ExportOptions extends EventsSourceOptions {
  readonly to: (typeof EXPORT_FORMATS)[number];
}

interface CompactOptions extends EventsSourceOptions {
  /** Same as `events`. */
  readonly file?: string;
  readonly keepRuns?: string;
  readonly dryRun?: boolean;
  readonly config?: string;
}

function eventsFileOf(io: CliIo, options: EventsSourceOptions): string {
  return options.events === undefined ? resolveFromCwd(io, options.root ?? '.', RUN_DEFAULTS.eventsFile) : resolveFromCwd(io, options.events);
}

/**
 * Reads the events file. By default a line that is not a learning event (a run killed mid-write leaves a torn
 * line) is reported on stderr and left out; with `--strict` it fails the command.
 */
async function readEvents(io: CliIo, options: EventsSourceOptions): Promise<{ file: string; events: LearningEvent[]; invalidLines: number }> {
  const { readLearningEvents } = await import('@kazuba/bridge');
  const file = eventsFileOf(io, options);
  let invalidLines = 0;
  const onInvalidLine = (error: BridgeError): void => {
    invalidLines += 1;
    io.stderr.write(`warning: ${error.message} (line skipped)\n`);
  };
  try {
    const events = await readLearningEvents(file, options.strict === true ? {} : { onInvalidLine });
    return { file, events, invalidLines };
  } catch (error) {
    throw await withHint(error, options);
  }
}

/** Adds to a missing default events file where it comes from: the hint a first-time user needs. */
async function withHint(error: unknown, options: EventsSourceOptions): Promise<unknown> {
  const { BridgeError: BridgeErrorClass, isBridgeError } = await import('@kazuba/bridge');
  if (!isBridgeError(error) || error.code !== 'not_found') return error;
  const hint = options.events === undefined ? '; `hypervisor run` appends to it, or pass --events <file>' : '';
  return new BridgeErrorClass('not_found', `${error.message}${hint}`, error.context, { cause: error });
}

async function showStats(io: CliIo, options: StatsOptions): Promise<void> {
  // One import after the other: Jest's ESM loader trips over concurrent imports of modules that share dependencies.
  const { summarizeLearningEvents } = await import('@kazuba/bridge');
  const { renderEventStatsText } = await import('./event-stats.js');
  const { file, events, invalidLines } = await readEvents(io, options);
  const stats = summarizeLearningEvents(events);
  io.stdout.write(options.json === true ? `${JSON.stringify({ file, invalidLines, ...stats }, null, 2)}\n` : renderEventStatsText(file, stats, invalidLines));
}

async function exportEvents(io: CliIo, out: string, options: ExportOptions): Promise<void> {
  const { writeLearningEventsJsonl, writeLearningEventsToon } = await import('@kazuba/bridge');
  const { file, events } = await readEvents(io, options);
  const target = resolveFromCwd(io, out);
  if (options.to === 'toon') {
    const written = await writeLearningEventsToon(target, events);
    io.stderr.write(`${file} -> ${target}: ${written.count} events as a TOON table (${written.bytes} bytes)\n`);
  } else {
    const written = await writeLearningEventsJsonl(target, events);
    io.stderr.write(`${file} -> ${target}: ${written.count} events as JSONL\n`);
  }
}

/** `--keep-runs`, else the config file's `run.events.keepRuns`, else the default. */
async function keepRunsOf(io: CliIo, options: CompactOptions): Promise<number> {
  if (options.keepRuns !== undefined) {
    const keepRuns = /^\s*\d+\s*$/.test(options.keepRuns) ? Number(options.keepRuns) : Number.NaN;
    if (Number.isSafeInteger(keepRuns) && keepRuns >= 1) return keepRuns;
    throw new CliError('invalid_option', `--keep-runs: expected a whole number ≥ 1, got ${JSON.stringify(options.keepRuns)}`);
  }
  const { readConfigFile } = await import('../run/config-file.js');
  const loaded = await readConfigFile(options, io.cwd ?? process.cwd());
  return loaded?.config.run.events?.keepRuns ?? RUN_DEFAULTS.eventsKeepRuns;
}

/** Whether compaction changes the file (or would, in a dry run). */
const changes = (result: CompactedFile): boolean => result.compactedRuns > 0 || result.eventsAfter !== result.eventsBefore;

function describeCompaction(file: string, result: CompactedFile, keepRuns: number, dryRun: boolean): string {
  const runs = `${result.runs} run${result.runs === 1 ? '' : 's'}`;
  if (!changes(result)) return `${file}: ${runs}, no more than the ${keepRuns} to keep whole: nothing to compact\n`;
  const figures = `${result.eventsBefore} -> ${result.eventsAfter} events, ${result.bytesBefore} -> ${result.bytesAfter} bytes`;
  const what = `${result.compactedRuns} of ${runs} to their phase durations, keeping the latest ${keepRuns} whole`;
  return `${file}: ${dryRun ? 'would compact' : 'compacted'} ${what}: ${figures}\n`;
}

async function compactEvents(io: CliIo, options: CompactOptions): Promise<void> {
  const { compactLearningEventsFile } = await import('@kazuba/bridge');
  if (options.file !== undefined && options.events !== undefined) throw new CliError('invalid_option', '--file and --events both name the events file: give one');
  const source: EventsSourceOptions = { ...options, ...(options.file === undefined ? {} : { events: options.file }) };
  const file = eventsFileOf(io, source);
  const keepRuns = await keepRunsOf(io, options);
  const dryRun = options.dryRun === true;
  const bad: BridgeError[] = [];
  let result: CompactedFile;
  try {
    result = await compactLearningEventsFile(file, { keepRuns, dryRun, ...(options.strict === true ? {} : { onInvalidLine: (error: BridgeError) => void bad.push(error) }) });
  } catch (error) {
    throw await withHint(error, source);
  }
  // Only a file that is rewritten loses its bad lines; otherwise they stay where they are.
  if (changes(result)) for (const error of bad) io.stderr.write(`warning: ${error.message} (line ${dryRun ? 'would be ' : ''}left out)\n`);
  io.stdout.write(describeCompaction(file, result, keepRuns, dryRun));
}

function withSource(command: Command): Command {
  return command
    .option('--events <file>', `the learning-events JSONL file (default: <root>/${RUN_DEFAULTS.eventsFile})`)
    .option('--root <dir>', 'the project root whose events file is read (default: the current directory)')
    .option('--strict', 'fail on the first line that is not a learning event, instead of skipping it with a warning');
}

const COMPACT_HELP = `
Runs append their learning events to the events file. Once it holds more runs
than it keeps whole, the run compacts it: the latest runs keep all their events,
older runs only their successful phase durations (the last 10 of each phase),
which is all the duration estimates read, so the estimates do not change. How
many runs to keep whole, in hypervisor.config.yaml:

  run:
    events:
      keepRuns: ${RUN_DEFAULTS.eventsKeepRuns}   # the default

The file is replaced atomically (a temporary file, flushed, then renamed): a
crash leaves the old file or the new one, whole.`;

/**
 * `hypervisor events stats|export|compact`: what the learning-events file of past runs says, that file in another
 * form, and that file kept bounded.
 */
export function registerEventsCommands(program: Command, io: CliIo): void {
  const events = program
    .command('events')
    .description('summarise, export or compact the learning events that runs append')
    .addHelpText('after', COMPACT_HELP);

  withSource(events.command('stats'))
    .description('count attempts, successes, failures, retries and skips; phase durations and cost')
    .option('--json', 'print the figures as JSON')
    .action((options: StatsOptions) => showStats(io, options));

  withSource(events.command('export'))
    .description('write the learning events as a TOON table or as JSONL (atomically)')
    .argument('<out>', 'the file to write')
    .addOption(new Option('--to <format>', 'the format to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .action((out: string, options: ExportOptions) => exportEvents(io, out, options));

  withSource(events.command('compact'))
    .description('keep the latest runs whole and only the phase durations of older runs (what the estimates read)')
    .option('--file <file>', 'the learning-events JSONL file, as --events')
    .option('--keep-runs <n>', `how many of the latest runs keep all their events (default: run.events.keepRuns of the config file, else ${RUN_DEFAULTS.eventsKeepRuns})`)
    .option('--config <file>', 'the config file to read run.events.keepRuns from (default: <root>/hypervisor.config.yaml)')
    .option('--dry-run', 'say what compacting would do, and change nothing')
    .addHelpText('after', COMPACT_HELP)
    .action((options: CompactOptions) => compactEvents(io, options));
}
