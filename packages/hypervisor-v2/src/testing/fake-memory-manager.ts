import { HypervisorV2Error } from '../errors.js';
import type { MemoryLease, MemoryRequest, UnifiedMemoryManager } from '../memory/memory-manager.js';
import { assertValidMemoryRequest, createTieredMemoryManager } from '../memory/tiered-memory-manager.js';

/** Options of {@link createFakeMemoryManager}. */
export interface FakeMemoryManagerOptions {
  /**
   * Tier budgets in MB, as for `createTieredMemoryManager`; with them the fake admits and waits exactly like it.
   * @default none: an unlimited budget that accepts any tier name
   */
  readonly tiers?: Readonly<Record<string, number>>;
  /**
   * The tier of a request that names none.
   * @default the first of `tiers`, or `default` when the budget is unlimited
   */
  readonly defaultTier?: string;
}

/** One call the fake recorded: a lease it granted, or a lease it was asked to free. */
export interface MemoryLogEntry {
  readonly op: 'allocate' | 'free';
  readonly lease: MemoryLease;
}

/** A {@link UnifiedMemoryManager} for tests that records every grant and free in {@link FakeMemoryManager.log}. */
export interface FakeMemoryManager extends UnifiedMemoryManager {
  /**
   * Every grant (`allocate`, or `whenAvailable` once it resolves) and every call of `free`, in order. A free is
   * logged even when it returns false, so a test can see a lease freed twice.
   */
  readonly log: readonly MemoryLogEntry[];
}

/**
 * Creates a {@link FakeMemoryManager}. Without `tiers` the budget is unlimited (`budgetMb` is `Infinity`):
 * every valid request is granted at once, in any tier. With `tiers` it behaves as `createTieredMemoryManager`.
 * @throws HypervisorV2Error as `createTieredMemoryManager` when `tiers` is given; its methods throw as
 *   {@link UnifiedMemoryManager}'s (`invalid_memory_request` for a malformed request, `aborted` for an aborted signal).
 * @example
 * const memory = createFakeMemoryManager();
 * const lease = memory.allocate({ owner: 'phase-1', mb: 512 });
 * memory.free(lease);
 * expect(memory.log).toEqual([{ op: 'allocate', lease }, { op: 'free', lease }]);
 */
export function createFakeMemoryManager(options: FakeMemoryManagerOptions = {}): FakeMemoryManager {
  const { tiers, defaultTier } = options;
  if (tiers === undefined) return new LoggingMemory(new UnlimitedMemory(defaultTier ?? 'default'));
  return new LoggingMemory(createTieredMemoryManager(defaultTier === undefined ? { tiers } : { tiers, defaultTier }));
}

class LoggingMemory implements FakeMemoryManager {
  readonly #inner: UnifiedMemoryManager;
  readonly #log: MemoryLogEntry[] = [];

  constructor(inner: UnifiedMemoryManager) {
    this.#inner = inner;
  }

  get budgetMb(): number {
    return this.#inner.budgetMb;
  }

  get log(): readonly MemoryLogEntry[] {
    return Object.freeze([...this.#log]);
  }

  allocate(request: MemoryRequest): MemoryLease {
    return this.#record('allocate', this.#inner.allocate(request));
  }

  free(lease: MemoryLease): boolean {
    this.#record('free', lease);
    return this.#inner.free(lease);
  }

  usedMb(tier?: string): number {
    return this.#inner.usedMb(tier);
  }

  async whenAvailable(request: MemoryRequest, signal?: AbortSignal): Promise<MemoryLease> {
    return this.#record('allocate', await this.#inner.whenAvailable(request, signal));
  }

  #record(op: MemoryLogEntry['op'], lease: MemoryLease): MemoryLease {
    this.#log.push(Object.freeze({ op, lease }));
    return lease;
  }
}

// Admits everything, so a test about something else never waits on memory.
class UnlimitedMemory implements UnifiedMemoryManager {
  readonly budgetMb = Number.POSITIVE_INFINITY;
  readonly #defaultTier: string;
  readonly #live = new Set<MemoryLease>();
  #leaseCount = 0;

  constructor(defaultTier: string) {
    this.#defaultTier = defaultTier;
  }

  allocate(request: MemoryRequest): MemoryLease {
    assertValidMemoryRequest(request);
    this.#leaseCount += 1;
    const { owner, mb, tier = this.#defaultTier } = request;
    const lease = Object.freeze({ id: `lease-${String(this.#leaseCount)}`, owner, mb, tier });
    this.#live.add(lease);
    return lease;
  }

  free(lease: MemoryLease): boolean {
    return this.#live.delete(lease);
  }

  usedMb(tier?: string): number {
    const held = [...this.#live].filter((lease) => tier === undefined || lease.tier === tier);
    return held.reduce((sum, lease) => sum + lease.mb, 0);
  }

  whenAvailable(request: MemoryRequest, signal?: AbortSignal): Promise<MemoryLease> {
    try {
      assertValidMemoryRequest(request);
      if (signal?.aborted === true) {
        const { owner, mb } = request;
        const message = `${owner} asked for ${String(mb)} MB, aborted before it was granted`;
        return Promise.reject(new HypervisorV2Error('aborted', message, { owner, mb }, { cause: signal.reason }));
      }
      return Promise.resolve(this.allocate(request));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
