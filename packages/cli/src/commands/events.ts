import { Option } from 'commander';
import type { Command } from 'commander';
import type { BridgeError, LearningEvent } from '@kazuba/bridge';
import type { CliIo } from '../cli-io.js';
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

function eventsFileOf(io: CliIo, options: EventsSourceOptions): string {
  return options.events === undefined ? resolveFromCwd(io, options.root ?? '.', RUN_DEFAULTS.eventsFile) : resolveFromCwd(io, options.events);
}

/**
 * Reads the events file. By default a line that is not a learning event (a run killed mid-write leaves a torn
 * line) is reported on stderr and left out; with `--strict` it fails the command.
 */
async function readEvents(io: CliIo, options: EventsSourceOptions): Promise<{ file: string; events: LearningEvent[]; invalidLines: number }> {
  const { BridgeError: BridgeErrorClass, isBridgeError, readLearningEvents } = await import('@kazuba/bridge');
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
    if (!isBridgeError(error) || error.code !== 'not_found') throw error;
    const hint = options.events === undefined ? '; `hypervisor run` appends to it, or pass --events <file>' : '';
    throw new BridgeErrorClass('not_found', `${error.message}${hint}`, error.context, { cause: error });
  }
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

function withSource(command: Command): Command {
  return command
    .option('--events <file>', `the learning-events JSONL file (default: <root>/${RUN_DEFAULTS.eventsFile})`)
    .option('--root <dir>', 'the project root whose events file is read (default: the current directory)')
    .option('--strict', 'fail on the first line that is not a learning event, instead of skipping it with a warning');
}

/** `hypervisor events stats|export`: what the learning-events file of past runs says, and that file in another form. */
export function registerEventsCommands(program: Command, io: CliIo): void {
  const events = program.command('events').description('summarise or export the learning events that runs append');

  withSource(events.command('stats'))
    .description('count attempts, successes, failures, retries and skips; phase durations and cost')
    .option('--json', 'print the figures as JSON')
    .action((options: StatsOptions) => showStats(io, options));

  withSource(events.command('export'))
    .description('write the learning events as a TOON table or as JSONL (atomically)')
    .argument('<out>', 'the file to write')
    .addOption(new Option('--to <format>', 'the format to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .action((out: string, options: ExportOptions) => exportEvents(io, out, options));
}
