import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { BridgeError } from '../errors.js';
import { LEARNING_EVENTS, parseEventLines } from '../io/learning-event-files.js';
import type { ReadLearningEventsOptions } from '../io/learning-event-files.js';
import { createCountingSink, createReplacement, lastLineEnd, readTextLinesOf, toFileError } from '../io/text-files.js';
import type { TextSink } from '../io/text-files.js';
import { formatLearningEventsJsonl, stripByteOrderMark } from '../jsonl.js';
import { LEARNING_EVENT_TYPES } from '../learning-event.js';
import type { LearningEvent } from '../learning-event.js';
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
  /**
   * Lines that are not learning events, each handed to `onInvalidLine`; left out when the file is rewritten. With
   * `onInvalidLine`, a file with nothing to compact is only read as JSON: a line that is a JSON object with an event's
   * type, run and plan but is otherwise no learning event is then counted as an event, not as invalid (nothing is
   * left out, as nothing is rewritten).
   */
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

const EVENT_TYPES: ReadonlySet<unknown> = new Set(LEARNING_EVENT_TYPES);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalName = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value !== '');

/**
 * The line as an event when it has, with the right types, every field a census reads (type, phase, duration, success,
 * run, plan, compacted, dry run), checked without the schema; undefined for anything else.
 */
function looseEvent(text: string): LearningEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || !EVENT_TYPES.has(value['event_type']) || !isRecord(value['metadata'])) return undefined;
  const { phase_id: phaseId, duration_ms: durationMs, success, metadata } = value;
  const fieldsOk = (phaseId === null || Number.isSafeInteger(phaseId)) && (durationMs === null || typeof durationMs === 'number') && (success === null || typeof success === 'boolean');
  const metadataOk = isOptionalName(metadata['run_id']) && isOptionalName(metadata['plan_name']) && (metadata['compacted'] === undefined || metadata['compacted'] === true);
  return fieldsOk && metadataOk ? (value as LearningEvent) : undefined;
}

/**
 * Counts the file's runs from JSON alone, without validating each event, which is most of the cost of a census: what
 * tells cheaply, after each run, that there is nothing to compact yet. Its census counts every event a validated
 * one does, with the same runs and facts, and maybe more; so when it finds nothing to compact, neither would a
 * validated census. Undefined when a line is not a JSON event with the fields a census reads, or when there may be
 * something to compact: then a validated census decides, and reports the bad lines.
 */
async function unchangedByLooseCensus({ source, end, path }: Pass, resolved: ResolvedCompactionOptions): Promise<CompactionCensus | undefined> {
  const census = new CompactionCensus();
  let complete = true;
  // Read to the end even after a line that settles it: stopping a stream early would close the shared handle.
  for await (const { text: raw, line } of readTextLinesOf(source, end, path, LEARNING_EVENTS)) {
    const text = line === 1 ? stripByteOrderMark(raw) : raw;
    if (!complete || text.trim() === '') continue;
    const event = looseEvent(text);
    if (event === undefined) complete = false;
    else census.count(event);
  }
  return complete && !census.plan(resolved).changes ? census : undefined;
}

/** Compacts the file open as `source`; 'replaced' when another writer replaced the file meanwhile. */
async function compactOpenFile(source: FileHandle, path: string, options: CompactLearningEventsFileOptions, resolved: ResolvedCompactionOptions): Promise<CompactedFile | 'replaced'> {
  const { size, ino, dev } = await source.stat();
  const pass: Pass = { source, end: await lastLineEnd(source, size), path };
  // Without onInvalidLine every bad line must fail the compaction, so every line is validated.
  const loose = options.onInvalidLine === undefined ? undefined : await unchangedByLooseCensus(pass, resolved);
  if (loose !== undefined) {
    const unchanged = { runs: loose.plan(resolved).runs, eventsBefore: loose.events, eventsAfter: loose.events, compactedEvents: loose.compacted };
    return { path, ...unchanged, compactedRuns: 0, rewritten: false, invalidLines: 0, bytesBefore: size, bytesAfter: size };
  }
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
