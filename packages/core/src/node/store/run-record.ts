import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import type { PreviousBreaker } from '../../schedule/ports.js';
import { runsFolder } from './run-folder.js';
import { readRunStates } from './run-states.js';

/** One phase in the run record. */
interface PhaseEntry {
  status: string;
  attempts: number;
  reason?: string;
}

/** The run record as it is written: every phase's state, the breaker's, and the outcome once known. */
export interface RunRecord {
  readonly kind: 'kazuba.hypervisor.run';
  readonly run_id: string;
  readonly plan: string;
  readonly mode: string;
  readonly started_at: string;
  /** The hypervisor's process id: a later run uses it to tell a crashed run from a live one. */
  readonly pid: number;
  readonly updated_at: string;
  /** `closed`, `opened` or `half-opened`. */
  readonly breaker: string;
  /**
   * When the breaker last opened (ISO 8601), in this run or, for a run that started from it, in an earlier one; absent
   * while it never opened, and in records written before it existed.
   */
  readonly breaker_opened_at?: string;
  readonly outcome: string;
  readonly phases: readonly ({ readonly phase_id: number } & Readonly<PhaseEntry>)[];
}

/** Options of {@link RunRecorder}. */
export interface RunRecorderOptions {
  /**
   * The longest a phase transition waits before the record is rewritten: transitions within it share one write.
   * The run's start and its end are written at once.
   * @default 100
   */
  readonly coalesceMs?: number;
}

/**
 * Keeps `.hypervisor/runs/<run-id>/run.toon` current: fed every event, it rewrites the record atomically (one write
 * at a time, always the newest state), so a crash leaves a whole record that says what was running. The record
 * that says the run started (with its process id, which tells a crashed run from a live one) is written at once;
 * phase transitions are coalesced for at most `coalesceMs`; the outcome is written at once.
 */
export class RunRecorder {
  private readonly phases = new Map<number, PhaseEntry>();
  private header = { run_id: '', plan: '', mode: '', started_at: '' };
  private breaker = 'closed';
  private breakerOpenedAt: string | undefined;
  private outcome = 'running';
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private readonly coalesceMs: number;
  private startWritten: Promise<void> | undefined;

  /** @param onWriteFailure told of a failed rewrite at once (the record keeps the first failure for `settled`). */
  constructor(
    private readonly path: string,
    private readonly onWriteFailure?: (error: unknown) => void,
    options: RunRecorderOptions = {},
  ) {
    this.coalesceMs = options.coalesceMs ?? 100;
  }

  /** Updates the record from one event and schedules a rewrite when the event is a transition. */
  observe(event: HypervisorEvent): void {
    if (!this.apply(event)) return;
    this.dirty = true;
    if (event.type === 'run:started') this.startWritten = this.flush();
    else if (event.type === 'run:finished') void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.coalesceMs).unref();
  }

  /**
   * Resolves once the record written for `run:started` is on disk (or could not be written: `settled` says so), so
   * that no phase process starts before a crash of this run could be told apart from a live run.
   */
  started(): Promise<void> {
    return this.startWritten ?? Promise.resolve();
  }

  /** Writes the newest state now, if it changed since the last write; resolves when written. Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.flushOnce());
    return this.writing;
  }

  /** Writes what is pending and resolves when every rewrite is done. @throws the first write error, so a broken record is never silent. */
  async settled(): Promise<void> {
    await this.flush();
    if (this.failure !== undefined) throw this.failure;
  }

  private apply(event: HypervisorEvent): boolean {
    switch (event.type) {
      case 'run:started':
        this.header = { run_id: event.runId, plan: event.plan, mode: event.mode, started_at: new Date(event.timestamp).toISOString() };
        for (const id of event.phaseIds) this.phases.set(id, { status: 'pending', attempts: 0 });
        return true;
      case 'phase:queued':
        return this.set(event.phaseId, { status: 'queued' });
      case 'phase:started':
        return this.set(event.phaseId, { status: 'running', attempts: event.attempt });
      case 'phase:finished':
        return this.set(event.phaseId, { status: event.status, attempts: event.attempts, ...(event.reason === undefined ? {} : { reason: event.reason }) });
      case 'breaker:opened':
        this.breakerOpenedAt = new Date(event.timestamp).toISOString();
        this.breaker = 'opened';
        return true;
      case 'breaker:half-opened':
      case 'breaker:closed':
        this.breaker = event.type.slice('breaker:'.length);
        return true;
      case 'breaker:restored':
        // The cool-down runs from the opening in the earlier run: a chain of resumed runs must not extend it.
        this.breakerOpenedAt = new Date(event.openedAt).toISOString();
        this.breaker = event.state === 'open' ? 'opened' : 'half-opened';
        return true;
      case 'mode:fell-back':
        this.header = { ...this.header, mode: event.to };
        return true;
      case 'run:finished':
        this.outcome = event.summary.outcome;
        return true;
      default:
        return false;
    }
  }

  private set(id: number, change: Partial<PhaseEntry>): boolean {
    const entry = this.phases.get(id);
    if (entry === undefined) return false;
    this.phases.set(id, { ...entry, ...change });
    return true;
  }

  private async flushOnce(): Promise<void> {
    if (!this.dirty || this.failure !== undefined) return;
    this.dirty = false;
    try {
      await writeCheckpoint(this.path, this.snapshot());
    } catch (error) {
      this.failure = error;
      this.onWriteFailure?.(error);
    }
  }

  private snapshot(): RunRecord {
    return {
      kind: 'kazuba.hypervisor.run',
      ...this.header,
      pid: process.pid,
      updated_at: new Date().toISOString(),
      breaker: this.breaker,
      ...(this.breakerOpenedAt === undefined ? {} : { breaker_opened_at: this.breakerOpenedAt }),
      outcome: this.outcome,
      phases: [...this.phases].map(([phase_id, entry]) => ({ phase_id, ...entry })),
    };
  }
}

/** The fields of a run record that say which run it was and how it left its breaker; older records lack the time. */
const breakerFieldsSchema = z.looseObject({
  run_id: z.string(),
  plan: z.string(),
  started_at: z.string(),
  updated_at: z.string().optional(),
  breaker: z.string(),
  breaker_opened_at: z.string().optional(),
  outcome: z.string().optional(),
});

type BreakerFields = z.infer<typeof breakerFieldsSchema>;

/** A record's time as epoch ms, or undefined when it holds none. */
function timeOf(value: string | undefined): number | undefined {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The runs under `root` whose record can be read; one that cannot is left out, as by `readRunStates`. */
async function readBreakerFields(root: string): Promise<BreakerFields[]> {
  const folder = runsFolder(root);
  const entries = await readdir(folder).catch(() => [] as string[]);
  const records = await Promise.all(entries.map((entry) => readCheckpoint(join(folder, entry, 'run.toon')).then(({ value }) => value, () => undefined)));
  return records.flatMap((value) => {
    const parsed = breakerFieldsSchema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * The breaker as the previous run of `plan` under `root` left it, for a resumed run to start from: the previous run
 * is the newest by start time whose record can be read, finished or crashed (a run still live is not previous). Its
 * breaker counts when it was opened or half-opened; a record written before `breaker_opened_at` existed counts from
 * its last update, which is no earlier than the opening.
 * @returns undefined when there is no previous run, or its breaker was closed.
 * @example
 * const previousBreaker = await readPreviousBreaker(root, plan.name);
 */
export async function readPreviousBreaker(root: string, plan: string): Promise<PreviousBreaker | undefined> {
  const runs = (await readBreakerFields(root)).filter((record) => record.plan === plan);
  runs.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
  const states = runs.some((record) => record.outcome === 'running') ? await readRunStates(root) : undefined;
  const previous = runs.find((record) => states?.get(record.run_id) !== 'live');
  if (previous === undefined || (previous.breaker !== 'opened' && previous.breaker !== 'half-opened')) return undefined;
  const openedAtMs = timeOf(previous.breaker_opened_at) ?? timeOf(previous.updated_at);
  if (openedAtMs === undefined) return undefined;
  return { runId: previous.run_id, state: previous.breaker === 'opened' ? 'open' : 'half-open', openedAtMs };
}
