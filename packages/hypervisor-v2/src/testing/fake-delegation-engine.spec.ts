import { describe, expect, it, jest } from '@jest/globals';
import type { DelegationRequest } from '../delegation/delegation-engine.js';
import { createFakeDelegationEngine } from './fake-delegation-engine.js';

function request(phaseId: number, extra: Partial<DelegationRequest> = {}): DelegationRequest {
  return { phaseId, task: `do phase ${String(phaseId)}`, agentType: 'claude', ...extra };
}

describe('createFakeDelegationEngine', () => {
  it('records every request in order and names tasks agent-type-task-n', () => {
    const engine = createFakeDelegationEngine<string>();
    const sent = [request(1), request(2, { agentType: 'shell' })];
    const ids = sent.map((each) => engine.delegate(each).taskId);
    expect(ids).toEqual(['claude-task-1', 'shell-task-2']);
    expect(engine.requests).toEqual(sent);
    expect(engine.requests[0]).toBe(sent[0]);
    expect(Object.isFrozen(engine.requests)).toBe(true);
    expect(engine.pending).toEqual(['claude-task-1', 'shell-task-2']);
  });

  it('completes a task named by its id', async () => {
    const engine = createFakeDelegationEngine<string>();
    const handle = engine.delegate(request(1));
    engine.complete('claude-task-1', 'done');
    expect(await handle.outcome).toEqual({ status: 'completed', value: 'done' });
    expect(engine.pending).toEqual([]);
  });

  it('fails the oldest pending task of a phase named by its phase id', async () => {
    const engine = createFakeDelegationEngine<string>();
    const first = engine.delegate(request(3));
    const other = engine.delegate(request(4));
    const retry = engine.delegate(request(3));
    const boom = new Error('agent crashed');
    engine.fail(3, boom);
    expect(await first.outcome).toEqual({ status: 'failed', error: boom });
    engine.complete(3, 'second try');
    expect(await retry.outcome).toEqual({ status: 'completed', value: 'second try' });
    expect(engine.pending).toEqual([other.taskId]);
  });

  it('throws, naming what is pending, when asked to settle a task that is not pending', () => {
    const engine = createFakeDelegationEngine<string>();
    expect(() => engine.complete(1, 'x')).toThrow('fake delegation engine: no pending task of phase 1; pending: none');
    engine.delegate(request(1));
    engine.complete(1, 'x');
    engine.delegate(request(2));
    const late = (): void => engine.fail('claude-task-1', new Error('late'));
    expect(late).toThrow('no pending task claude-task-1; pending: claude-task-2');
  });

  it('resolves a cancelled task at once and reports the cancellation', async () => {
    const engine = createFakeDelegationEngine<string>();
    const first = engine.delegate(request(1));
    const second = engine.delegate(request(2));
    first.cancel('phase 0 failed');
    second.cancel();
    expect(await first.outcome).toEqual({ status: 'cancelled', reason: 'phase 0 failed' });
    expect(await second.outcome).toEqual({ status: 'cancelled', reason: 'cancelled' });
    expect(engine.cancellations).toEqual([
      { taskId: 'claude-task-1', phaseId: 1, reason: 'phase 0 failed' },
      { taskId: 'claude-task-2', phaseId: 2, reason: 'cancelled' },
    ]);
    expect(engine.pending).toEqual([]);
  });

  it('ignores and does not report a cancel after the task settled', async () => {
    const engine = createFakeDelegationEngine<string>();
    const handle = engine.delegate(request(1));
    engine.complete(1, 'done');
    handle.cancel('too late');
    expect(await handle.outcome).toEqual({ status: 'completed', value: 'done' });
    expect(engine.cancellations).toEqual([]);
  });

  it('cancels a task when its request signal aborts, with the reason message, and then stops listening', async () => {
    const engine = createFakeDelegationEngine<string>();
    const controller = new AbortController();
    const add = jest.spyOn(controller.signal, 'addEventListener');
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    const handle = engine.delegate(request(5, { signal: controller.signal }));
    controller.abort(new Error('Ctrl-C'));
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'Ctrl-C' });
    expect(engine.cancellations).toEqual([{ taskId: 'claude-task-1', phaseId: 5, reason: 'Ctrl-C' }]);
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]?.[1]);
  });

  it('stops listening to the request signal once the test settles the task', () => {
    const engine = createFakeDelegationEngine<string>();
    const controller = new AbortController();
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    engine.delegate(request(5, { signal: controller.signal }));
    engine.complete(5, 'done');
    expect(remove).toHaveBeenCalledTimes(1);
    controller.abort();
    expect(engine.cancellations).toEqual([]);
  });

  it('resolves cancelled at once, and reports it, when the request signal is already aborted', async () => {
    const engine = createFakeDelegationEngine<string>();
    const handle = engine.delegate(request(6, { signal: AbortSignal.abort('run stopped') }));
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'run stopped' });
    expect(engine.requests).toHaveLength(1);
    expect(engine.cancellations).toEqual([{ taskId: 'claude-task-1', phaseId: 6, reason: 'run stopped' }]);
    expect(engine.pending).toEqual([]);
  });
});
