import type { EventError, FINISHED_STATUSES, PhaseStatus } from '@kazuba/hypervisor-v2';
import type { MemoryLease } from '@kazuba/hypervisor-v2';
import type { AgentReport, AttemptIsolation, ValidationReport } from './ports.js';

/** A status a phase can end with. */
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

/** What the run knows about one phase while it runs. */
export interface PhaseRun {
  status: PhaseStatus;
  /** Attempts started (rate-limited re-runs of the same attempt count once). */
  attempts: number;
  /** Dependencies not yet satisfied. */
  waitingOn: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  reason?: string;
  error?: EventError;
  agent?: AgentReport;
  validation?: ValidationReport;
  /** The score, from 0 to 1, the validation script gave the attempt that ended the phase, when it gave one. */
  quality?: number;
  scriptCheckpoint?: unknown;
  /** Where the last attempt ran and what it merged, under worktree isolation. */
  isolation?: AttemptIsolation;
  lease?: MemoryLease;
  /** Whether it satisfies its dependents: success, resumed as complete, or partial when so configured. */
  satisfies: boolean;
}
