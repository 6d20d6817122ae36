import type { HypervisorEvent } from '@kazuba/hypervisor-v2';

/** A lifecycle event without its run id and sequence number, which {@link recordedRun} fills in. */
export type UnsequencedEvent = HypervisorEvent extends infer E ? (E extends HypervisorEvent ? Omit<E, 'runId' | 'seq'> : never) : never;

/** Gives each event the run id and its position in the run, as core emits them. */
export function recordedRun(runId: string, events: readonly UnsequencedEvent[]): HypervisorEvent[] {
  return events.map((event, seq) => ({ ...event, runId, seq }) as HypervisorEvent);
}

/** 2026-03-01T03:30:00.000Z in epoch milliseconds: the start of every recorded run. */
export const T0 = Date.UTC(2026, 2, 1, 3, 30, 0);

/** The phases of the recorded runs, with their hashes, as a plan would give them. */
export const phases = [
  { id: 11, hash: 'sha256:aa11', title: 'Shared infrastructure' },
  { id: 12, hash: 'sha256:bb12', title: 'Hooks' },
  { id: 13, hash: 'sha256:cc13', title: 'Hypervisor' },
  { id: 14, hash: 'sha256:dd14', title: 'Integration' },
  { id: 15, hash: 'sha256:ee15', title: 'Presets' },
] as const;

const counts = { pending: 0, queued: 0, running: 0, validating: 0, success: 1, partial: 1, failed: 1, skipped: 1, cancelled: 0 };

/**
 * A parallel run of plan `plans-v2` (run `r-1`), as core emits it:
 * - 11 succeeds on its first attempt (agent claude, 14 turns, $0.43);
 * - 12 fails once, is retried after 2 s and succeeds on attempt 2;
 * - 13 hits a rate limit (the same attempt runs again after 5 s), then fails attempt 1, is retried, and fails
 *   attempt 2 for good (exit code 1);
 * - 14 is skipped because 13 failed;
 * - 15 ends partial (quality below the threshold);
 * plus events the bridge does not record (queued, output, breaker opened).
 */
export const mixedRun: readonly HypervisorEvent[] = recordedRun('r-1', [
  { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11, 12, 13, 14, 15], mode: 'parallel', maxWorkers: 2 },
  { type: 'phase:queued', timestamp: T0, phaseId: 11 },
  { type: 'phase:started', timestamp: T0 + 1_000, phaseId: 11, attempt: 1, agent: 'claude' },
  { type: 'phase:started', timestamp: T0 + 1_000, phaseId: 12, attempt: 1 },
  { type: 'phase:output', timestamp: T0 + 2_000, phaseId: 11, attempt: 1, stream: 'stdout', text: 'working\n' },
  { type: 'phase:retrying', timestamp: T0 + 4_000, phaseId: 12, attempt: 1, delayMs: 2_000, reason: 'validation failed', rateLimited: false },
  { type: 'phase:started', timestamp: T0 + 6_000, phaseId: 12, attempt: 2 },
  { type: 'phase:finished', timestamp: T0 + 61_000, phaseId: 11, status: 'success', attempts: 1, durationMs: 60_000, exitCode: 0, turns: 14, costUsd: 0.43, sessionId: 's-11' },
  { type: 'phase:started', timestamp: T0 + 61_000, phaseId: 13, attempt: 1 },
  { type: 'phase:retrying', timestamp: T0 + 62_000, phaseId: 13, attempt: 1, delayMs: 5_000, reason: 'usage limit reached', rateLimited: true },
  { type: 'phase:started', timestamp: T0 + 67_000, phaseId: 13, attempt: 1 },
  { type: 'phase:finished', timestamp: T0 + 91_000, phaseId: 12, status: 'success', attempts: 2, durationMs: 90_000, exitCode: 0, costUsd: 0.2 },
  { type: 'phase:retrying', timestamp: T0 + 97_000, phaseId: 13, attempt: 1, delayMs: 1_000, reason: 'exit code 1', rateLimited: false },
  { type: 'breaker:opened', timestamp: T0 + 97_000, consecutiveFailures: 2, cooldownMs: 30_000 },
  { type: 'phase:started', timestamp: T0 + 98_000, phaseId: 13, attempt: 2 },
  {
    type: 'phase:finished',
    timestamp: T0 + 108_000,
    phaseId: 13,
    status: 'failed',
    attempts: 2,
    durationMs: 47_000,
    reason: 'exit code 1',
    error: { name: 'AgentError', code: 'exit_code', message: 'exit code 1' },
    exitCode: 1,
  },
  { type: 'phase:finished', timestamp: T0 + 108_000, phaseId: 14, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 13 failed' },
  { type: 'phase:started', timestamp: T0 + 108_000, phaseId: 15, attempt: 1 },
  { type: 'phase:finished', timestamp: T0 + 128_000, phaseId: 15, status: 'partial', attempts: 1, durationMs: 20_000, reason: 'quality 0.5 below 0.8', exitCode: null, quality: 0.5 },
  {
    type: 'run:finished',
    timestamp: T0 + 128_000,
    summary: {
      outcome: 'failed',
      durationMs: 128_000,
      countsByStatus: counts,
      phases: [
        { phaseId: 11, status: 'success', attempts: 1, durationMs: 60_000 },
        { phaseId: 12, status: 'success', attempts: 2, durationMs: 90_000 },
        { phaseId: 13, status: 'failed', attempts: 2, durationMs: 47_000, reason: 'exit code 1' },
        { phaseId: 14, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 13 failed' },
        { phaseId: 15, status: 'partial', attempts: 1, durationMs: 20_000, reason: 'quality 0.5 below 0.8' },
      ],
    },
  },
]);

/** A sequential run (`r-2`) cancelled with Ctrl-C while phase 11 ran: 11 is cancelled mid-attempt, 12 never starts. */
export const cancelledRun: readonly HypervisorEvent[] = recordedRun('r-2', [
  { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11, 12], mode: 'sequential', maxWorkers: 1 },
  { type: 'phase:started', timestamp: T0 + 1_000, phaseId: 11, attempt: 1, agent: 'codex' },
  { type: 'phase:finished', timestamp: T0 + 9_000, phaseId: 11, status: 'cancelled', attempts: 1, durationMs: 8_000, reason: 'the run was cancelled', exitCode: null },
  { type: 'phase:finished', timestamp: T0 + 9_000, phaseId: 12, status: 'cancelled', attempts: 0, durationMs: 0, reason: 'the run was cancelled' },
  {
    type: 'run:finished',
    timestamp: T0 + 9_000,
    summary: {
      outcome: 'cancelled',
      durationMs: 9_000,
      countsByStatus: { ...counts, success: 0, partial: 0, failed: 0, skipped: 0, cancelled: 2 },
      phases: [
        { phaseId: 11, status: 'cancelled', attempts: 1, durationMs: 8_000, reason: 'the run was cancelled' },
        { phaseId: 12, status: 'cancelled', attempts: 0, durationMs: 0, reason: 'the run was cancelled' },
      ],
    },
  },
]);

/** A dry run (`r-dry`): phase 11 "succeeds" after its estimate, which is no measurement. */
export const dryRun: readonly HypervisorEvent[] = recordedRun('r-dry', [
  { type: 'run:started', timestamp: T0, plan: 'plans-v2', phaseIds: [11], mode: 'dry_run', maxWorkers: 1 },
  { type: 'phase:started', timestamp: T0, phaseId: 11, attempt: 1 },
  { type: 'phase:finished', timestamp: T0 + 600_000, phaseId: 11, status: 'success', attempts: 1, durationMs: 600_000 },
  {
    type: 'run:finished',
    timestamp: T0 + 600_000,
    summary: { outcome: 'succeeded', durationMs: 600_000, countsByStatus: { ...counts, partial: 0, failed: 0, skipped: 0 }, phases: [] },
  },
]);

/** One run (`runId`) of plan `plans-v2` in which phase 11 succeeds on its first attempt after `durationMs`. */
export function successfulRun(runId: string, durationMs: number, start = T0): HypervisorEvent[] {
  return recordedRun(runId, [
    { type: 'run:started', timestamp: start, plan: 'plans-v2', phaseIds: [11], mode: 'sequential', maxWorkers: 1 },
    { type: 'phase:started', timestamp: start, phaseId: 11, attempt: 1 },
    { type: 'phase:finished', timestamp: start + durationMs, phaseId: 11, status: 'success', attempts: 1, durationMs },
    {
      type: 'run:finished',
      timestamp: start + durationMs,
      summary: { outcome: 'succeeded', durationMs, countsByStatus: { ...counts, partial: 0, failed: 0, skipped: 0 }, phases: [] },
    },
  ]);
}
