import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import { createFakeMemoryManager } from './fake-memory-manager.js';

async function rejectionOf(promise: Promise<unknown>): Promise<HypervisorV2Error> {
  try {
    await promise;
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection with a HypervisorV2Error');
}

describe('createFakeMemoryManager', () => {
  it('grants any amount in any tier at once when no budget is given', async () => {
    const memory = createFakeMemoryManager();
    expect(memory.budgetMb).toBe(Number.POSITIVE_INFINITY);
    const huge = memory.allocate({ owner: 'phase-1', mb: 1e9 });
    const gpu = await memory.whenAvailable({ owner: 'phase-2', mb: 8, tier: 'gpu' });
    expect([huge.tier, gpu.tier]).toEqual(['default', 'gpu']);
    expect(huge.id).not.toBe(gpu.id);
    expect(Object.isFrozen(huge)).toBe(true);
    expect([memory.usedMb(), memory.usedMb('gpu'), memory.usedMb('vram')]).toEqual([1e9 + 8, 8, 0]);
  });

  it('puts requests without a tier in defaultTier', () => {
    expect(createFakeMemoryManager({ defaultTier: 'ram' }).allocate({ owner: 'p', mb: 1 }).tier).toBe('ram');
  });

  it('logs every grant and every free in order, a repeated free included', async () => {
    const memory = createFakeMemoryManager();
    const first = memory.allocate({ owner: 'phase-1', mb: 10 });
    const second = await memory.whenAvailable({ owner: 'phase-2', mb: 20 });
    expect(memory.free(first)).toBe(true);
    expect(memory.free(first)).toBe(false);
    expect(memory.log).toEqual([
      { op: 'allocate', lease: first },
      { op: 'allocate', lease: second },
      { op: 'free', lease: first },
      { op: 'free', lease: first },
    ]);
    expect(Object.isFrozen(memory.log)).toBe(true);
    expect(memory.usedMb()).toBe(20);
  });

  it('rejects a malformed request with invalid_memory_request and logs nothing', async () => {
    const memory = createFakeMemoryManager();
    expect(() => memory.allocate({ owner: '', mb: 1 })).toThrow('invalid memory request');
    expect((await rejectionOf(memory.whenAvailable({ owner: 'p', mb: 0 }))).code).toBe('invalid_memory_request');
    expect(memory.log).toEqual([]);
  });

  it('rejects with aborted, the reason as cause, when the signal is already aborted', async () => {
    const memory = createFakeMemoryManager();
    const reason = new Error('run stopped');
    const error = await rejectionOf(memory.whenAvailable({ owner: 'phase-1', mb: 1 }, AbortSignal.abort(reason)));
    expect(error.code).toBe('aborted');
    expect(error.cause).toBe(reason);
    expect(error.message).toBe('phase-1 asked for 1 MB, aborted before it was granted');
    expect(memory.log).toEqual([]);
  });

  it('admits and waits like the tiered manager when tiers are given, logging a waiter once it is granted', async () => {
    const memory = createFakeMemoryManager({ tiers: { ram: 100, gpu: 50 }, defaultTier: 'gpu' });
    expect(memory.budgetMb).toBe(150);
    const held = memory.allocate({ owner: 'phase-1', mb: 50 });
    expect(held.tier).toBe('gpu');
    const overBudget = (): unknown => memory.allocate({ owner: 'phase-2', mb: 10 });
    expect(overBudget).toThrow(expect.objectContaining({ code: 'memory_exhausted' }));
    const waiting = memory.whenAvailable({ owner: 'phase-2', mb: 10 });
    memory.free(held);
    const granted = await waiting;
    expect(memory.log).toEqual([
      { op: 'allocate', lease: held },
      { op: 'free', lease: held },
      { op: 'allocate', lease: granted },
    ]);
    expect([memory.usedMb('gpu'), memory.usedMb('ram')]).toEqual([10, 0]);
  });

  it('defaults to the first tier given', () => {
    expect(createFakeMemoryManager({ tiers: { ram: 10, gpu: 10 } }).allocate({ owner: 'p', mb: 1 }).tier).toBe('ram');
  });
});
