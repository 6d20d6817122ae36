import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { BridgeError } from '../errors.js';
import { LEARNING_EVENTS, parseEventLines } from '../io/learning-event-files.js';
import type { ReadLearningEventsOptions } from '../io/learning-event-files.js';
import { createCountingSink, createReplacement, lastLineEnd, readTextLinesOf, toFileError } from '../io/text-files.js';
import type { TextSink } from '../io/text-files.js';
import { formatLearningEventsJsonl } from '../jsonl.js';
import { CompactionCensus, markCompacted, resolveCompactionOptions } from './compaction-plan.js';
import type { CompactionOptions, CompactionPlan, ResolvedCompactionOptions } from './compaction-plan.js';

/** Options of {@link compactLearningEventsFile}. */
export interface CompactLearningEventsFileOptions extends CompactionOptions, ReadLearningEventsOptions {
  /**
   * Work out what compaction would do, and write nothing.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** What {@link compactLearningEventsFile} did, or would do in a dry run. */
export interface CompactedFile {
  readonly path: string;
  /** Whether the file was replaced: false in a dry run, and when no run is past `keepRuns` (nothing to do). */
  readonly rewritten: boolean;
  /** Runs whose events were whole before. */
  readonly runs: number;
  /** Of those, the runs reduced to their duration facts. */
  readonly compactedRuns: number;
  readonly eventsBefore: number;
  readonly eventsAfter: number;
  /** Events marked compacted after: the durations of older runs that the duration history keeps reading. */
  readonly compactedEvents: number;
  /** Lines that are not learning events, each handed to `onInvalidLine`; left out when the file is rewritten. */
  readonly invalidLines: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** How many times a compaction starts over when the file is replaced under it (by another compaction). */
const ATTEMPTS = 3;

interface Pass {
  readonly source: FileHandle;
  /** The whole lines read: bytes 0 to `end`. */
  readonly end: number;
  readonly path: string;
}

/**
 * Copies to the sink what writers appended during compaction (and a last line still being written or torn), as
 * it is, until the file stops growing.
 */
async function copyTail(source: FileHandle, from: number, sink: TextSink): Promise<void> {
  let copied = from;
  for (let size = (await source.stat()).size; size > copied; size = (await source.stat()).size) {
    await sink.copy(source, copied, size);
    copied = size;
  }
}

async function writeCompacted({ source, end, path }: Pass, plan: CompactionPlan, sink: TextSink): Promise<{ events: number; compacted: number }> {
  let events = 0;
  let compacted = 0;
  // The first pass reported the bad lines; this one reads the same bytes.
  for await (const { event, text } of parseEventLines(readTextLinesOf(source, end, path, LEARNING_EVENTS), path, { onInvalidLine: () => undefined })) {
    const verdict = plan.verdict(event);
    if (verdict === 'drop') continue;
    events += 1;
    if (verdict === 'mark' || event.metadata.compacted === true) compacted += 1;
    await sink.write(verdict === 'mark' ? formatLearningEventsJsonl([markCompacted(event)]) : `${text}\n`);
  }
  return { events, compacted };
}

/** Compacts the file open as `source`; 'replaced' when another writer replaced the file meanwhile. */
async function compactOpenFile(source: FileHandle, path: string, options: CompactLearningEventsFileOptions, resolved: ResolvedCompactionOptions): Promise<CompactedFile | 'replaced'> {
  const { size, ino, dev } = await source.stat();
  const pass: Pass = { source, end: await lastLineEnd(source, size), path };
  const census = new CompactionCensus();
  let invalidLines = 0;
  const onInvalidLine = (error: BridgeError): void => {
    invalidLines += 1;
    if (options.onInvalidLine === undefined) throw error;
    options.onInvalidLine(error);
  };
  for await (const { event } of parseEventLines(readTextLinesOf(source, pass.end, path, LEARNING_EVENTS), path, { onInvalidLine })) census.count(event);
  const plan = census.plan(resolved);
  const before = { path, runs: plan.runs, compactedRuns: plan.compactedRuns, eventsBefore: census.events, invalidLines, bytesBefore: size };
  if (!plan.changes) return { ...before, rewritten: false, eventsAfter: census.events, compactedEvents: census.compacted, bytesAfter: size };
  const replacement = options.dryRun === true ? undefined : await createReplacement(path);
  const sink = replacement ?? createCountingSink();
  try {
    const after = await writeCompacted(pass, plan, sink);
    await copyTail(source, pass.end, sink);
    if (replacement !== undefined) {
      const current = await stat(path);
      if (current.ino !== ino || current.dev !== dev) {
        await replacement.discard();
        return 'replaced';
      }
      await replacement.commit();
    }
    return { ...before, rewritten: replacement !== undefined, eventsAfter: after.events, compactedEvents: after.compacted, bytesAfter: sink.bytes };
  } catch (error) {
    await replacement?.discard();
    throw error;
  }
}

/**
 * Compacts a learning-events file in place, as {@link compactLearningEvents} does events in memory: the latest
 * `keepRuns` runs whole, older runs reduced to the duration facts a duration history reads. The file is read
 * twice, line by line, never whole; the new content goes to a temporary file that is flushed to disk and renamed
 * over the file, so a crash leaves the old file or the new one, whole. Nothing is written when no run is past
 * `keepRuns`. A last line without a line feed (being written, or torn by a writer that crashed) is kept as it
 * is, and so is what writers append while compaction runs. Other bad lines fail the compaction before anything
 * is written, or, with `onInvalidLine`, are handed to it and left out.
 * @throws BridgeError `invalid_options`; `not_found` when the file does not exist; `io_error`;
 * `invalid_json_line` or `invalid_event_line` naming the file and line (unless `onInvalidLine` is given).
 * @example
 * const result = await compactLearningEventsFile('.hypervisor/learning.jsonl', { keepRuns: 50, onInvalidLine: warn });
 * console.log(`${result.compactedRuns} runs compacted, ${result.bytesBefore} -> ${result.bytesAfter} bytes`);
 */
export async function compactLearningEventsFile(path: string, options: CompactLearningEventsFileOptions = {}): Promise<CompactedFile> {
  const resolved = resolveCompactionOptions(options);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    let source: FileHandle;
    try {
      source = await open(path, 'r');
    } catch (error) {
      throw toFileError(error, path, 'read', LEARNING_EVENTS);
    }
    try {
      const result = await compactOpenFile(source, path, options, resolved);
      if (result !== 'replaced') return result;
    } catch (error) {
      throw toFileError(error, path, 'compact', LEARNING_EVENTS);
    } finally {
      await source.close();
    }
  }
  throw new BridgeError('io_error', `${path}: cannot compact the ${LEARNING_EVENTS} file: another process kept replacing it`, { path });
}
