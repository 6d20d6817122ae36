import { writeCheckpoint } from '@kazuba/toon';
import { BridgeError } from '../errors.js';
import type { JsonValue } from '../json-value.js';
import { validateLearningEvent } from '../jsonl.js';
import type { LearningEvent, LearningEventType } from '../learning-event.js';

/** The metadata keys that get a column of their own in a {@link LearningEventRow}, in column order. */
export const LEARNING_EVENT_METADATA_COLUMNS = [
  'attempt',
  'status',
  'exit_code',
  'agent',
  'turns',
  'cost_usd',
  'quality',
  'run_id',
  'plan_name',
  'phase_hash',
] as const;

/**
 * One learning event flattened into a table row: the event's fields, one column per listed metadata key, and
 * `extra` holding every other metadata key as JSON text. Every row has every column (`null` where the event
 * has no value), so TOON writes a list of rows as one compact table.
 */
export interface LearningEventRow {
  readonly event_type: LearningEventType;
  readonly phase_id: number | null;
  readonly duration_ms: number | null;
  readonly success: boolean | null;
  readonly timestamp: string;
  readonly attempt: number | null;
  readonly status: string | null;
  readonly exit_code: number | null;
  readonly agent: string | null;
  readonly turns: number | null;
  readonly cost_usd: number | null;
  readonly quality: number | null;
  readonly run_id: string | null;
  readonly plan_name: string | null;
  readonly phase_hash: string | null;
  /** The other metadata keys as a JSON object text, e.g. `{"reason":"circuit-open"}`; null when there are none. */
  readonly extra: string | null;
}

/** What {@link writeLearningEventsToon} wrote. */
export interface ExportedTable {
  /** The file written. */
  readonly path: string;
  /** How many events (table rows) were written. */
  readonly count: number;
  /** The size of the file in bytes. */
  readonly bytes: number;
}

const COLUMN_SET: ReadonlySet<string> = new Set(LEARNING_EVENT_METADATA_COLUMNS);

function toRow(event: LearningEvent): LearningEventRow {
  const { metadata } = event;
  const extra: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(metadata)) if (!COLUMN_SET.has(key)) extra[key] = value as JsonValue;
  return {
    event_type: event.event_type,
    phase_id: event.phase_id,
    duration_ms: event.duration_ms,
    success: event.success,
    timestamp: event.timestamp,
    attempt: metadata.attempt ?? null,
    status: metadata.status ?? null,
    exit_code: metadata.exit_code ?? null,
    agent: metadata.agent ?? null,
    turns: metadata.turns ?? null,
    cost_usd: metadata.cost_usd ?? null,
    quality: metadata.quality ?? null,
    run_id: metadata.run_id ?? null,
    plan_name: metadata.plan_name ?? null,
    phase_hash: metadata.phase_hash ?? null,
    extra: Object.keys(extra).length === 0 ? null : JSON.stringify(extra),
  };
}

/**
 * Flattens learning events into uniform table rows (see {@link LearningEventRow}), validating each first.
 * @throws BridgeError `invalid_event` naming the 0-based position of the first invalid event.
 * @example
 * const rows = toLearningEventRows(bridge.history());
 * console.table(rows);
 */
export function toLearningEventRows(events: Iterable<LearningEvent>): LearningEventRow[] {
  const rows: LearningEventRow[] = [];
  let index = 0;
  for (const event of events) {
    rows.push(toRow(validateLearningEvent(event, index)));
    index += 1;
  }
  return rows;
}

/**
 * Writes learning events as a TOON document `{ events: [...] }` whose rows are {@link LearningEventRow}s, so
 * TOON writes them as one table (`events[N]{event_type,phase_id,…}:` then one line per event): compact for an
 * agent to read. The file is replaced atomically.
 * @throws BridgeError `invalid_event` naming the first invalid event, `io_error` naming the file (its cause is
 * the `ToonError`).
 * @example
 * await writeLearningEventsToon('.hypervisor/learning.toon', bridge.history());
 */
export async function writeLearningEventsToon(path: string, events: Iterable<LearningEvent>): Promise<ExportedTable> {
  const rows = toLearningEventRows(events);
  try {
    const written = await writeCheckpoint(path, { events: rows });
    return { path, count: rows.length, bytes: written.bytes };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'unknown failure';
    throw new BridgeError('io_error', `${path}: cannot write the learning events table (${detail})`, { path }, { cause: error });
  }
}
