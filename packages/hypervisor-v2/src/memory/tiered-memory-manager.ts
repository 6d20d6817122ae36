import { HypervisorV2Error } from '../errors.js';
import type { MemoryLease, MemoryRequest, UnifiedMemoryManager } from './memory-manager.js';

/** Options of {@link createTieredMemoryManager}. */
export interface TieredMemoryManagerOptions {
  /** Each tier's budget in megabytes (finite, more than 0), by tier name; at least one tier. */
  readonly tiers: Readonly<Record<string, number>>;
  /**
   * The tier of a request that names none.
   * @default the first tier of `tiers` in `Object.keys` order (integer-like names sort first there)
   */
  readonly defaultTier?: string;
}

interface Waiter {
  readonly owner: string;
  readonly mb: number;
  readonly resolve: (lease: MemoryLease) => void;
  readonly detach: () => void;
}

interface Tier {
  readonly name: string;
  readonly budgetMb: number;
  usedMb: number;
  held: number;
  // Strict arrival order: only the head may be granted, so a large request is never starved by smaller ones.
  readonly waiting: Waiter[];
}

/**
 * Checks the shape of a memory request: a non-empty owner and a finite number of megabytes above 0.
 * @throws HypervisorV2Error `invalid_memory_request` naming the owner and the amount.
 */
export function assertValidMemoryRequest(request: MemoryRequest): void {
  const { owner, mb } = request;
  if (typeof owner === 'string' && owner !== '' && typeof mb === 'number' && Number.isFinite(mb) && mb > 0) return;
  const shownOwner = typeof owner === 'string' ? JSON.stringify(owner) : String(owner);
  throw new HypervisorV2Error(
    'invalid_memory_request',
    'invalid memory request: owner must be a non-empty string and mb a finite number above 0, ' +
      `got owner ${shownOwner} and mb ${String(mb)}`,
    { owner, mb },
  );
}

/**
 * Creates a {@link UnifiedMemoryManager} with one budget per tier. Tiers are independent; within a tier,
 * requests are admitted in arrival order: while anyone waits, a new request waits behind them (or, through
 * `allocate`, fails with `memory_exhausted`) even if it would fit, so a large request is never overtaken.
 * A lease granted to a waiter is the caller's to free, even if its signal aborts after the grant.
 * Pure: no timers, no IO.
 * @throws HypervisorV2Error `invalid_options` when `tiers` is empty or a budget is not a
 *   finite number above 0; `unknown_memory_tier` when `defaultTier` is not one of `tiers`.
 * @example
 * const memory = createTieredMemoryManager({ tiers: { ram: 16_384, gpu: 8_192 } });
 * const lease = await memory.whenAvailable({ owner: 'phase-15', mb: 4_096, tier: 'gpu' }, signal);
 * try { await runPhase(); } finally { memory.free(lease); }
 */
export function createTieredMemoryManager(options: TieredMemoryManagerOptions): UnifiedMemoryManager {
  const tiers = resolveTiers(options.tiers);
  return new TieredMemoryManager(tiers, resolveDefaultTier(tiers, options.defaultTier));
}

class TieredMemoryManager implements UnifiedMemoryManager {
  readonly budgetMb: number;
  readonly #tiers: ReadonlyMap<string, Tier>;
  readonly #defaultTier: Tier;
  // Keyed by the lease object itself: a copy, or a lease of another manager with the same id, is unknown here.
  readonly #live = new Map<MemoryLease, Tier>();
  #leaseCount = 0;

  constructor(tiers: ReadonlyMap<string, Tier>, defaultTier: Tier) {
    this.#tiers = tiers;
    this.#defaultTier = defaultTier;
    this.budgetMb = sum([...tiers.values()].map((tier) => tier.budgetMb));
  }

  allocate(request: MemoryRequest): MemoryLease {
    const tier = this.#admit(request);
    if (tier.waiting.length > 0 || !fits(tier, request.mb)) throw memoryError('memory_exhausted', request, tier);
    return this.#grant(tier, request.owner, request.mb);
  }

  free(lease: MemoryLease): boolean {
    const tier = this.#live.get(lease);
    if (tier === undefined) return false;
    this.#live.delete(lease);
    tier.held -= 1;
    // Sums of fractions drift (0.1 + 0.2 - 0.1 - 0.2 is not 0); a tier that holds nothing is exactly empty.
    tier.usedMb = tier.held === 0 ? 0 : tier.usedMb - lease.mb;
    this.#drain(tier);
    return true;
  }

  usedMb(tier?: string): number {
    if (tier === undefined) return sum([...this.#tiers.values()].map((each) => each.usedMb));
    const found = this.#tiers.get(tier);
    if (found !== undefined) return found.usedMb;
    const message = `usedMb of unknown tier ${JSON.stringify(tier)}; the tiers are ${listTiers(this.#tiers)}`;
    throw new HypervisorV2Error('unknown_memory_tier', message, { tier });
  }

  whenAvailable(request: MemoryRequest, signal?: AbortSignal): Promise<MemoryLease> {
    try {
      const tier = this.#admit(request);
      if (signal?.aborted === true) return Promise.reject(memoryError('aborted', request, tier, signal.reason));
      if (tier.waiting.length > 0 || !fits(tier, request.mb)) return this.#enqueue(tier, request, signal);
      return Promise.resolve(this.#grant(tier, request.owner, request.mb));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #admit(request: MemoryRequest): Tier {
    assertValidMemoryRequest(request);
    const tier = request.tier === undefined ? this.#defaultTier : this.#tiers.get(request.tier);
    if (tier === undefined) throw unknownTierError(request, this.#tiers);
    if (request.mb > tier.budgetMb) throw memoryError('memory_request_too_large', request, tier);
    return tier;
  }

  #grant(tier: Tier, owner: string, mb: number): MemoryLease {
    this.#leaseCount += 1;
    const id = `lease-${String(this.#leaseCount)}`;
    const lease: MemoryLease = Object.freeze({ id, owner, mb, tier: tier.name });
    tier.usedMb += mb;
    tier.held += 1;
    this.#live.set(lease, tier);
    return lease;
  }

  // Only the head may go: a waiter that does not fit yet holds back everyone behind it.
  #drain(tier: Tier): void {
    for (let head = tier.waiting[0]; head !== undefined && fits(tier, head.mb); head = tier.waiting[0]) {
      tier.waiting.shift();
      head.detach();
      head.resolve(this.#grant(tier, head.owner, head.mb));
    }
  }

  #enqueue(tier: Tier, request: MemoryRequest, signal?: AbortSignal): Promise<MemoryLease> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        tier.waiting.splice(tier.waiting.indexOf(waiter), 1);
        reject(memoryError('aborted', request, tier, signal?.reason));
        // The one that left may have been the head that held the others back.
        this.#drain(tier);
      };
      const waiter: Waiter = {
        owner: request.owner,
        mb: request.mb,
        resolve,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      tier.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function fits(tier: Tier, mb: number): boolean {
  return tier.usedMb + mb <= tier.budgetMb;
}

function resolveTiers(budgets: Readonly<Record<string, number>>): ReadonlyMap<string, Tier> {
  const entries = Object.entries(budgets);
  if (entries.length === 0) {
    throw new HypervisorV2Error('invalid_options', 'invalid memory tiers: at least one tier is needed');
  }
  const tiers = new Map<string, Tier>();
  for (const [name, budgetMb] of entries) {
    if (typeof budgetMb !== 'number' || !Number.isFinite(budgetMb) || budgetMb <= 0) {
      throw new HypervisorV2Error(
        'invalid_options',
        `invalid memory tiers: the budget of tier ${JSON.stringify(name)} must be a finite number of MB above 0, ` +
          `got ${String(budgetMb)}`,
        { tier: name, budgetMb },
      );
    }
    tiers.set(name, { name, budgetMb, usedMb: 0, held: 0, waiting: [] });
  }
  return tiers;
}

function resolveDefaultTier(tiers: ReadonlyMap<string, Tier>, name: string | undefined): Tier {
  const tier = tiers.get(name ?? (tiers.keys().next().value as string));
  if (tier !== undefined) return tier;
  throw new HypervisorV2Error(
    'unknown_memory_tier',
    `invalid memory tiers: the default tier ${JSON.stringify(name)} is not one of ${listTiers(tiers)}`,
    { tier: name },
  );
}

function unknownTierError(request: MemoryRequest, tiers: ReadonlyMap<string, Tier>): HypervisorV2Error {
  return new HypervisorV2Error(
    'unknown_memory_tier',
    `${request.owner} asked for ${String(request.mb)} MB of unknown tier ${JSON.stringify(request.tier)}; ` +
      `the tiers are ${listTiers(tiers)}`,
    { owner: request.owner, mb: request.mb, tier: request.tier },
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function listTiers(tiers: ReadonlyMap<string, Tier>): string {
  return [...tiers.keys()].map((name) => JSON.stringify(name)).join(', ');
}

const PROBLEMS = {
  memory_exhausted: 'it does not fit now',
  memory_request_too_large: 'more than the whole tier',
  aborted: 'aborted before it was granted',
} as const;

function memoryError(
  code: keyof typeof PROBLEMS,
  request: MemoryRequest,
  tier: Tier,
  cause?: unknown,
): HypervisorV2Error {
  const waiting = tier.waiting.length;
  const queue = code === 'memory_exhausted' && waiting > 0 ? `, ${String(waiting)} waiting ahead` : '';
  const message =
    `${request.owner} asked for ${String(request.mb)} MB of tier ${JSON.stringify(tier.name)}, ${PROBLEMS[code]}: ` +
    `${String(tier.usedMb)} of ${String(tier.budgetMb)} MB in use${queue}`;
  const { owner, mb } = request;
  const context = { owner, mb, tier: tier.name, usedMb: tier.usedMb, budgetMb: tier.budgetMb, waiting };
  return new HypervisorV2Error(code, message, context, code === 'aborted' ? { cause } : undefined);
}
