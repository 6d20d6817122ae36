import { writeCheckpoint } from '@kazuba/toon';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';

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
  readonly breaker: string;
  readonly outcome: string;
  readonly phases: readonly ({ readonly phase_id: number } & Readonly<PhaseEntry>)[];
}

/**
 * Keeps `.hypervisor/runs/<run-id>/run.toon` current: fed every event, it rewrites the record atomically after
 * each transition (one write at a time, always the newest state), so a crash leaves a whole record that says
 * what was running.
 */
export class RunRecorder {
  private readonly phases = new Map<number, PhaseEntry>();
  private header = { run_id: '', plan: '', mode: '', started_at: '' };
  private breaker = 'closed';
  private outcome = 'running';
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private failure: unknown;

  constructor(private readonly path: string) {}

  /** Updates the record from one event and schedules a rewrite when the event is a transition. */
  observe(event: HypervisorEvent): void {
    if (!this.apply(event)) return;
    this.dirty = true;
    this.writing = this.writing.then(() => this.flushOnce());
  }

  /** Resolves when every rewrite is done. @throws the first write error, so a broken record is never silent. */
  async settled(): Promise<void> {
    await this.writing;
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
      case 'breaker:half-opened':
      case 'breaker:closed':
        this.breaker = event.type.slice('breaker:'.length);
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
    }
  }

  private snapshot(): RunRecord {
    return {
      kind: 'kazuba.hypervisor.run',
      ...this.header,
      pid: process.pid,
      updated_at: new Date().toISOString(),
      breaker: this.breaker,
      outcome: this.outcome,
      phases: [...this.phases].map(([phase_id, entry]) => ({ phase_id, ...entry })),
    };
  }
}
