import { normalizeCheckpoint } from '@kazuba/toon';
import type { CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import type { CheckpointStore } from '../ports.js';

/** One record the store was asked to write. */
export interface StoreWrite {
  readonly phaseId: number;
  readonly record: PhaseCheckpoint;
}

/** How the store fails for one phase: a promise that rejects, or a call that throws before returning one. */
export type StoreFault = { readonly reject: unknown } | { readonly throw: unknown };

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Records present before the run, by phase id: the hypervisor's own, or any value the original wrote. */
  readonly records?: Readonly<Record<number, unknown>>;
  readonly readFaults?: Readonly<Record<number, StoreFault>>;
  readonly writeFaults?: Readonly<Record<number, StoreFault>>;
}

/** An in-memory {@link CheckpointStore} that keeps what is written, so a second run resumes from it. */
export interface MemoryStore extends CheckpointStore {
  /** Every write, in order (failed ones included). */
  readonly writes: readonly StoreWrite[];
  /** Phase ids read, in order. */
  readonly reads: readonly number[];
}

function failWith(fault: StoreFault): Promise<never> {
  if ('throw' in fault) throw fault.throw;
  return Promise.reject(fault.reject);
}

/** Creates a {@link MemoryStore}; reads answer with the normalised view of the current record, as a promise. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const records = new Map<number, unknown>(Object.entries(options.records ?? {}).map(([id, record]) => [Number(id), record]));
  const writes: StoreWrite[] = [];
  const reads: number[] = [];
  return {
    writes,
    reads,
    read(phase: Phase): Promise<CheckpointView | undefined> {
      reads.push(phase.id);
      const fault = options.readFaults?.[phase.id];
      if (fault !== undefined) return failWith(fault);
      const record = records.get(phase.id);
      return Promise.resolve(record === undefined ? undefined : normalizeCheckpoint(record));
    },
    write(phase: Phase, record: PhaseCheckpoint): Promise<void> {
      writes.push({ phaseId: phase.id, record });
      const fault = options.writeFaults?.[phase.id];
      if (fault !== undefined) return failWith(fault);
      records.set(phase.id, record);
      return Promise.resolve();
    },
  };
}

/** A record of the hypervisor's own for `phase`, as a run that ended with `status` would have written it. */
export function recordOf(phase: Phase, status: PhaseCheckpoint['status'], overrides: Partial<PhaseCheckpoint> = {}): PhaseCheckpoint {
  return {
    kind: 'kazuba.hypervisor.phase',
    schema_version: 1,
    phase_id: phase.id,
    phase_title: phase.title,
    status,
    attempts: 1,
    started_at: '2026-03-01T03:20:00.000Z',
    phase_hash: phase.hash,
    hypervisor_version: '0.1.0',
    run_id: 'earlier-run',
    ...overrides,
  };
}
