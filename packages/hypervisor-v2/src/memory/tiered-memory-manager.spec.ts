import { describe, expect, it, jest } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import type { MemoryLease } from './memory-manager.js';
import { assertValidMemoryRequest, createTieredMemoryManager } from './tiered-memory-manager.js';

function thrownBy(action: () => unknown): HypervisorV2Error {
  try {
    action();
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a HypervisorV2Error');
}

async function rejectionOf(promise: Promise<unknown>): Promise<HypervisorV2Error> {
  try {
    await promise;
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection with a HypervisorV2Error');
}

/** Records the order in which promises settle, so tests can tell granted from still waiting. */
function recorder(): { readonly settled: string[]; watch: (name: string, promise: Promise<unknown>) => void } {
  const settled: string[] = [];
  return {
    settled,
    watch: (name, promise) => {
      promise.then(
        () => settled.push(name),
        () => settled.push(`${name} rejected`),
      );
    },
  };
}

// Settling a promise runs its handlers on the microtask queue; a few turns are enough for the chains above.
async function flush(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

describe('createTieredMemoryManager', () => {
  it('reports the sum of the tier budgets as its budget', () => {
    expect(createTieredMemoryManager({ tiers: { ram: 1024, gpu: 512 } }).budgetMb).toBe(1536);
  });

  it('grants a request that fits as a frozen lease and counts it as used', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 1000 } });
    const lease = memory.allocate({ owner: 'phase-1', mb: 600, tier: 'ram' });
    expect(lease).toEqual({ id: expect.any(String), owner: 'phase-1', mb: 600, tier: 'ram' });
    expect(Object.isFrozen(lease)).toBe(true);
    expect(memory.usedMb('ram')).toBe(600);
    expect(memory.allocate({ owner: 'phase-2', mb: 400 }).mb).toBe(400);
    expect(memory.usedMb()).toBe(1000);
  });

  it('gives every lease its own id', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const ids = [1, 2, 3].map((n) => memory.allocate({ owner: `phase-${String(n)}`, mb: 10 }).id);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses a request that does not fit now with memory_exhausted, naming owner, mb, tier, used and budget', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 1000 } });
    memory.allocate({ owner: 'phase-1', mb: 800 });
    const error = thrownBy(() => memory.allocate({ owner: 'phase-2', mb: 300 }));
    expect(error.code).toBe('memory_exhausted');
    expect(error.message).toBe('phase-2 asked for 300 MB of tier "ram", it does not fit now: 800 of 1000 MB in use');
    expect(error.context).toMatchObject({ owner: 'phase-2', mb: 300, tier: 'ram', usedMb: 800, budgetMb: 1000 });
    expect(memory.usedMb()).toBe(800);
  });

  it('keeps the budget of each tier to itself', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100, gpu: 50 } });
    memory.allocate({ owner: 'phase-1', mb: 100, tier: 'ram' });
    expect(memory.allocate({ owner: 'phase-2', mb: 50, tier: 'gpu' }).tier).toBe('gpu');
    expect(thrownBy(() => memory.allocate({ owner: 'phase-3', mb: 1, tier: 'ram' })).code).toBe('memory_exhausted');
    expect(thrownBy(() => memory.allocate({ owner: 'phase-3', mb: 1, tier: 'gpu' })).code).toBe('memory_exhausted');
    expect([memory.usedMb('ram'), memory.usedMb('gpu'), memory.usedMb()]).toEqual([100, 50, 150]);
  });

  it('draws from the first tier listed unless defaultTier names another', () => {
    expect(createTieredMemoryManager({ tiers: { ram: 10, gpu: 10 } }).allocate({ owner: 'p', mb: 1 }).tier).toBe('ram');
    const memory = createTieredMemoryManager({ tiers: { ram: 10, gpu: 10 }, defaultTier: 'gpu' });
    expect(memory.allocate({ owner: 'p', mb: 1 }).tier).toBe('gpu');
  });

  it('refuses a request larger than its whole tier with memory_request_too_large, even when empty', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 1000, gpu: 5000 } });
    const error = thrownBy(() => memory.allocate({ owner: 'phase-9', mb: 1001, tier: 'ram' }));
    expect(error.code).toBe('memory_request_too_large');
    expect(error.message).toBe(
      'phase-9 asked for 1001 MB of tier "ram", more than the whole tier: 0 of 1000 MB in use',
    );
    expect((await rejectionOf(memory.whenAvailable({ owner: 'phase-9', mb: 1001, tier: 'ram' }))).code).toBe(
      'memory_request_too_large',
    );
  });

  it('rejects a tier it does not have with unknown_memory_tier, listing the tiers', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 10, gpu: 10 } });
    const error = thrownBy(() => memory.allocate({ owner: 'phase-4', mb: 1, tier: 'vram' }));
    expect(error.code).toBe('unknown_memory_tier');
    expect(error.message).toBe('phase-4 asked for 1 MB of unknown tier "vram"; the tiers are "ram", "gpu"');
    expect((await rejectionOf(memory.whenAvailable({ owner: 'phase-4', mb: 1, tier: 'toString' }))).code).toBe(
      'unknown_memory_tier',
    );
    expect(thrownBy(() => memory.usedMb('vram')).code).toBe('unknown_memory_tier');
  });

  it.each<[string, unknown, number]>([
    ['an empty owner', '', 1],
    ['an owner that is not a string', 7, 1],
    ['zero megabytes', 'p', 0],
    ['negative megabytes', 'p', -5],
    ['NaN megabytes', 'p', Number.NaN],
    ['infinite megabytes', 'p', Number.POSITIVE_INFINITY],
  ])('rejects a request with %s as invalid_memory_request, in allocate and in whenAvailable', async (_name, owner, mb) => {
    const memory = createTieredMemoryManager({ tiers: { ram: 10 } });
    const request = { owner: owner as string, mb };
    const error = thrownBy(() => memory.allocate(request));
    expect(error.code).toBe('invalid_memory_request');
    expect(error.message).toMatch(/^invalid memory request: .+, got owner .+ and mb .+$/);
    expect((await rejectionOf(memory.whenAvailable(request))).code).toBe('invalid_memory_request');
    expect(thrownBy(() => assertValidMemoryRequest(request)).code).toBe('invalid_memory_request');
  });

  it.each<[string, Record<string, number>, string]>([
    ['no tier', {}, 'invalid memory tiers: at least one tier is needed'],
    ['a budget of 0', { ram: 0 }, 'the budget of tier "ram" must be a finite number of MB above 0, got 0'],
    ['a negative budget', { ram: 10, gpu: -1 }, 'tier "gpu"'],
    ['an infinite budget', { ram: Number.POSITIVE_INFINITY }, 'got Infinity'],
    ['a budget that is not a number', { ram: '10' as unknown as number }, 'got 10'],
  ])('refuses options with %s as invalid_options', (_name, tiers, expected) => {
    const error = thrownBy(() => createTieredMemoryManager({ tiers }));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toContain(expected);
  });

  it('refuses a default tier that is not one of its tiers with unknown_memory_tier', () => {
    const error = thrownBy(() => createTieredMemoryManager({ tiers: { ram: 10 }, defaultTier: 'gpu' }));
    expect(error.code).toBe('unknown_memory_tier');
    expect(error.message).toBe('invalid memory tiers: the default tier "gpu" is not one of "ram"');
  });

  it('returns freed memory to its tier and answers false when the lease was already freed', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const lease = memory.allocate({ owner: 'phase-1', mb: 100 });
    expect(memory.free(lease)).toBe(true);
    expect(memory.usedMb('ram')).toBe(0);
    expect(memory.free(lease)).toBe(false);
    expect(memory.usedMb('ram')).toBe(0);
    expect(memory.allocate({ owner: 'phase-2', mb: 100 }).mb).toBe(100);
  });

  it('does not free for a lease it never granted, not even a copy or one of another manager', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const other = createTieredMemoryManager({ tiers: { ram: 100 } });
    const lease = memory.allocate({ owner: 'phase-1', mb: 40 });
    expect(memory.free({ ...lease })).toBe(false);
    expect(memory.free(other.allocate({ owner: 'phase-1', mb: 40 }))).toBe(false);
    expect(memory.usedMb()).toBe(40);
  });

  it('comes back to exactly 0 MB after fractional leases are all freed', () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 1 } });
    const leases = [0.1, 0.2, 0.3].map((mb) => memory.allocate({ owner: 'p', mb }));
    for (const lease of leases) memory.free(lease);
    expect(memory.usedMb()).toBe(0);
  });
});

describe('assertValidMemoryRequest', () => {
  it('accepts a fractional number of megabytes without a tier', () => {
    expect(() => assertValidMemoryRequest({ owner: 'phase-1', mb: 0.5 })).not.toThrow();
  });
});

describe('createTieredMemoryManager whenAvailable', () => {
  it('grants at once when the request fits and nobody waits', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const pending = memory.whenAvailable({ owner: 'phase-1', mb: 60 });
    expect(memory.usedMb()).toBe(60);
    expect(await pending).toMatchObject({ owner: 'phase-1', mb: 60, tier: 'ram' });
  });

  it('grants a waiter when enough memory is freed', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const held = memory.allocate({ owner: 'phase-1', mb: 70 });
    const { settled, watch } = recorder();
    const pending = memory.whenAvailable({ owner: 'phase-2', mb: 50 });
    watch('phase-2', pending);
    await flush();
    expect(settled).toEqual([]);
    memory.free(held);
    expect(memory.usedMb()).toBe(50);
    expect(await pending).toMatchObject({ owner: 'phase-2', mb: 50 });
  });

  it('grants waiters in arrival order, as many as fit', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const held = memory.allocate({ owner: 'phase-0', mb: 100 });
    const { settled, watch } = recorder();
    for (const owner of ['a', 'b', 'c']) watch(owner, memory.whenAvailable({ owner, mb: 40 }));
    memory.free(held);
    await flush();
    expect(settled).toEqual(['a', 'b']);
    expect(memory.usedMb()).toBe(80);
  });

  it('does not let a small later request overtake a large waiter, in whenAvailable or in allocate', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const held = memory.allocate({ owner: 'phase-0', mb: 60 });
    const { settled, watch } = recorder();
    watch('large', memory.whenAvailable({ owner: 'large', mb: 80 }));
    watch('small', memory.whenAvailable({ owner: 'small', mb: 10 }));
    const error = thrownBy(() => memory.allocate({ owner: 'eager', mb: 10 }));
    expect(error.code).toBe('memory_exhausted');
    expect(error.message).toBe(
      'eager asked for 10 MB of tier "ram", it does not fit now: 60 of 100 MB in use, 2 waiting ahead',
    );
    await flush();
    expect(settled).toEqual([]);
    memory.free(held);
    await flush();
    expect(settled).toEqual(['large', 'small']);
    expect(memory.usedMb()).toBe(90);
  });

  it('lets waiters of one tier hold back only that tier', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100, gpu: 100 } });
    memory.allocate({ owner: 'phase-0', mb: 100, tier: 'ram' });
    void memory.whenAvailable({ owner: 'phase-1', mb: 10, tier: 'ram' }).catch(() => undefined);
    expect(await memory.whenAvailable({ owner: 'phase-2', mb: 10, tier: 'gpu' })).toMatchObject({ tier: 'gpu' });
    expect(memory.allocate({ owner: 'phase-3', mb: 10, tier: 'gpu' }).tier).toBe('gpu');
  });

  it('rejects an aborted waiter with aborted and the signal reason as cause, and lets the next proceed', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    memory.allocate({ owner: 'phase-0', mb: 60 });
    const controller = new AbortController();
    const head = memory.whenAvailable({ owner: 'large', mb: 80 }, controller.signal);
    const next = memory.whenAvailable({ owner: 'small', mb: 30 });
    const reason = new Error('run cancelled');
    controller.abort(reason);
    const error = await rejectionOf(head);
    expect(error.code).toBe('aborted');
    expect(error.cause).toBe(reason);
    expect(error.message).toBe(
      'large asked for 80 MB of tier "ram", aborted before it was granted: 60 of 100 MB in use',
    );
    expect(await next).toMatchObject({ owner: 'small', mb: 30 });
    expect(memory.usedMb()).toBe(90);
  });

  it('removes an aborted waiter from the middle of the queue so it is never granted', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const held = memory.allocate({ owner: 'phase-0', mb: 100 });
    const controller = new AbortController();
    const { settled, watch } = recorder();
    watch('a', memory.whenAvailable({ owner: 'a', mb: 50 }));
    watch('b', memory.whenAvailable({ owner: 'b', mb: 50 }, controller.signal));
    watch('c', memory.whenAvailable({ owner: 'c', mb: 50 }));
    controller.abort();
    await flush();
    expect(settled).toEqual(['b rejected']);
    memory.free(held);
    await flush();
    expect(settled).toEqual(['b rejected', 'a', 'c']);
  });

  it('rejects at once with aborted when the signal is already aborted, even if the request would fit', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const reason = new Error('too late');
    const error = await rejectionOf(memory.whenAvailable({ owner: 'phase-1', mb: 10 }, AbortSignal.abort(reason)));
    expect(error.code).toBe('aborted');
    expect(error.cause).toBe(reason);
    expect(memory.usedMb()).toBe(0);
  });

  it('stops listening to the signal once the waiter is granted, and leaves the lease to its holder', async () => {
    const memory = createTieredMemoryManager({ tiers: { ram: 100 } });
    const held = memory.allocate({ owner: 'phase-0', mb: 100 });
    const controller = new AbortController();
    const add = jest.spyOn(controller.signal, 'addEventListener');
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    const pending = memory.whenAvailable({ owner: 'phase-1', mb: 100 }, controller.signal);
    memory.free(held);
    controller.abort();
    const lease: MemoryLease = await pending;
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]?.[1]);
    expect(memory.usedMb()).toBe(100);
    expect(memory.free(lease)).toBe(true);
  });
});
