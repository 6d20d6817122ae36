import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { createPhaseBreaker } from './breaker.js';
import type { BreakerState, PhaseBreaker } from './breaker.js';

describe('createPhaseBreaker', () => {
  let changes: [BreakerState, number][];
  let breakers: PhaseBreaker[];

  const create = (threshold: number, scheduler?: VirtualTimeScheduler): PhaseBreaker => {
    const breaker = createPhaseBreaker({ threshold, cooldownMs: 1_000, onChange: (state, failures) => changes.push([state, failures]), ...(scheduler === undefined ? {} : { scheduler }) });
    breakers.push(breaker);
    return breaker;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    changes = [];
    breakers = [];
  });

  afterEach(() => {
    for (const breaker of breakers) breaker.dispose();
    jest.useRealTimers();
  });

  it('opens after `threshold` consecutive failures, and admits nothing while open', () => {
    const breaker = create(3);
    breaker.recordFailure();
    breaker.recordFailure();
    expect([breaker.state, breaker.tryAdmit()]).toEqual(['closed', true]);
    breaker.recordFailure();
    expect([breaker.state, breaker.consecutiveFailures, breaker.tryAdmit()]).toEqual(['open', 3, false]);
    expect(changes).toEqual([['open', 3]]);
  });

  it('restarts the count after a success', () => {
    const breaker = create(2);
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect([breaker.state, breaker.consecutiveFailures]).toEqual(['closed', 1]);
  });

  it('half-opens after the cool-down and admits exactly one probe', () => {
    const breaker = create(1);
    breaker.recordFailure();
    jest.advanceTimersByTime(999);
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(1);
    expect(breaker.state).toBe('half-open');
    expect([breaker.tryAdmit(), breaker.tryAdmit()]).toEqual([true, false]);
    expect(changes).toEqual([
      ['open', 1],
      ['half-open', 1],
    ]);
  });

  it('closes when the probe succeeds, and opens again when it fails', () => {
    const breaker = create(1);
    breaker.recordFailure();
    jest.advanceTimersByTime(1_000);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    jest.advanceTimersByTime(1_000);
    breaker.recordSuccess();
    expect([breaker.state, breaker.consecutiveFailures, breaker.tryAdmit()]).toEqual(['closed', 0, true]);
    expect(changes.map(([state]) => state)).toEqual(['open', 'half-open', 'open', 'half-open', 'closed']);
  });

  it('never opens with threshold 0, until armed', () => {
    const breaker = create(0);
    for (let index = 0; index < 10; index += 1) breaker.recordFailure();
    expect([breaker.state, breaker.consecutiveFailures]).toEqual(['closed', 10]);
    breaker.arm(12);
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
  });

  it('keeps its threshold when armed while enabled', () => {
    const breaker = create(2);
    breaker.arm(10);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
  });

  it('starts half-open when asked, silently: one probe, closed by its success, opened for a whole cool-down by its failure', () => {
    const startHalfOpen = (): PhaseBreaker => {
      const breaker = createPhaseBreaker({ threshold: 5, cooldownMs: 1_000, initial: 'half-open', onChange: (state, failures) => changes.push([state, failures]) });
      breakers.push(breaker);
      return breaker;
    };
    const succeeding = startHalfOpen();
    expect([succeeding.state, succeeding.tryAdmit(), succeeding.tryAdmit()]).toEqual(['half-open', true, false]);
    succeeding.recordSuccess();
    expect([succeeding.state, succeeding.tryAdmit()]).toEqual(['closed', true]);
    const failing = startHalfOpen();
    failing.tryAdmit();
    failing.recordFailure();
    jest.advanceTimersByTime(999);
    expect(failing.state).toBe('open');
    jest.advanceTimersByTime(1);
    expect(failing.state).toBe('half-open');
    expect(changes).toEqual([
      ['closed', 0],
      ['open', 1],
      ['half-open', 1],
    ]);
  });

  it('gives the probe up only for the phase that took it, while no verdict came', () => {
    const breaker = create(1);
    breaker.recordFailure();
    jest.advanceTimersByTime(1_000);
    expect(breaker.tryAdmit(7)).toBe(true);
    expect([breaker.abandonProbe(8), breaker.tryAdmit(8)]).toEqual([false, false]);
    expect(breaker.abandonProbe(7)).toBe(true);
    expect(breaker.abandonProbe(7)).toBe(false);
    expect(breaker.tryAdmit(8)).toBe(true);
    breaker.recordSuccess();
    expect(breaker.abandonProbe(8)).toBe(false);
    expect(breaker.state).toBe('closed');
  });

  it("holds a timer on the run's scheduler through the cool-down, so the run stays alive, and drops it on half-open", () => {
    const scheduler = new VirtualTimeScheduler();
    const breaker = create(1, scheduler);
    breaker.recordFailure();
    expect(scheduler.actions).toHaveLength(1);
    jest.advanceTimersByTime(1_000);
    expect(breaker.state).toBe('half-open');
    expect(scheduler.actions).toHaveLength(0);
  });

  it('stops its timers when disposed: no change after the cool-down', () => {
    const scheduler = new VirtualTimeScheduler();
    const breaker = create(1, scheduler);
    breaker.recordFailure();
    breaker.dispose();
    jest.advanceTimersByTime(5_000);
    expect(changes).toEqual([['open', 1]]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
