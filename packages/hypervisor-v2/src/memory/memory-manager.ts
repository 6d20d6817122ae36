/** A request for memory: who needs it, how much, and from which tier. */
export interface MemoryRequest {
  /** Who holds the memory, e.g. `phase-15`. */
  readonly owner: string;
  /** Megabytes, more than 0. */
  readonly mb: number;
  /** The tier to draw from; the manager's default tier when absent. */
  readonly tier?: string;
}

/** Memory granted to an owner, until it is freed. */
export interface MemoryLease {
  readonly id: string;
  readonly owner: string;
  readonly mb: number;
  readonly tier: string;
}

/**
 * A memory budget in megabytes, split across tiers, that admits work only while it fits. The scheduler asks it
 * before starting a phase that declares a memory need, so parallel phases cannot overcommit the machine.
 */
export interface UnifiedMemoryManager {
  /** The total budget across tiers. */
  readonly budgetMb: number;
  /**
   * Grants `request` now.
   * @throws HypervisorV2Error `memory_exhausted` when it does not fit now, `memory_request_too_large` when it
   *   never could, `unknown_memory_tier`.
   */
  allocate(request: MemoryRequest): MemoryLease;
  /** Returns a lease's memory; false when it was already freed. Wakes waiting requests that now fit. */
  free(lease: MemoryLease): boolean;
  /** Megabytes held, in one tier or in all. */
  usedMb(tier?: string): number;
  /**
   * Grants `request` as soon as it fits, in arrival order within a tier.
   * @throws (rejects with) HypervisorV2Error `memory_request_too_large`, `unknown_memory_tier`, or `aborted`
   *   when `signal` aborts first.
   */
  whenAvailable(request: MemoryRequest, signal?: AbortSignal): Promise<MemoryLease>;
}
