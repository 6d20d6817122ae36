import { describe, expect, it, jest } from '@jest/globals';
import { isHypervisorV2Error } from '../errors.js';
import type { DelegationOutcome, DelegationRequest } from './delegation-engine.js';
import { createInProcessDelegationEngine, toCancelReason } from './in-process-delegation-engine.js';
import type { InProcessDelegationOptions } from './in-process-delegation-engine.js';

interface Call {
  readonly request: DelegationRequest;
  readonly signal: AbortSignal;
  readonly resolve: (value: string) => void;
  readonly reject: (error: unknown) => void;
}

/** An `execute` whose every call waits until the test settles it, and that counts how many run at once. */
type Execute = InProcessDelegationOptions<string>['execute'];

function controlledExecute(): { calls: Call[]; execute: Execute; peak: () => number } {
  const calls: Call[] = [];
  let active = 0;
  let peak = 0;
  const execute = (request: DelegationRequest, signal: AbortSignal): Promise<string> => {
    active += 1;
    peak = Math.max(peak, active);
    return new Promise<string>((resolve, reject) => calls.push({ request, signal, resolve, reject })).finally(() => {
      active -= 1;
    });
  };
  return { calls, execute, peak: () => peak };
}

function callOf(calls: readonly Call[], phaseId: number): Call {
  const call = calls.find((each) => each.request.phaseId === phaseId);
  if (call === undefined) throw new Error(`phase ${String(phaseId)} was never executed`);
  return call;
}

function request(phaseId: number, extra: Partial<DelegationRequest> = {}): DelegationRequest {
  return { phaseId, task: `do phase ${String(phaseId)}`, agentType: 'claude', ...extra };
}

// The engine reacts to a settled execute on the microtask queue; a few turns let it start the next task.
async function flush(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
}

describe('createInProcessDelegationEngine', () => {
  it('resolves completed with the value execute returned, passing it the request', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const sent = request(1, { options: { model: 'opus' } });
    const handle = engine.delegate(sent);
    expect(calls[0]?.request).toBe(sent);
    expect(calls[0]?.signal.aborted).toBe(false);
    calls[0]?.resolve('done');
    expect(await handle.outcome).toEqual({ status: 'completed', value: 'done' });
  });

  it('resolves failed with the error when execute rejects or throws, and runs the next task', async () => {
    const boom = new Error('agent crashed');
    const execute = jest.fn<Execute>();
    execute.mockRejectedValueOnce(boom).mockImplementationOnce(() => {
      throw boom;
    });
    execute.mockResolvedValue('ok');
    const engine = createInProcessDelegationEngine({ execute });
    const outcomes = await Promise.all([1, 2, 3].map((phaseId) => engine.delegate(request(phaseId)).outcome));
    expect(outcomes).toEqual([
      { status: 'failed', error: boom },
      { status: 'failed', error: boom },
      { status: 'completed', value: 'ok' },
    ]);
  });

  it('never runs more than concurrency tasks at once and starts them in delegation order', async () => {
    const { calls, execute, peak } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute, concurrency: 2 });
    const handles = [1, 2, 3, 4, 5].map((phaseId) => engine.delegate(request(phaseId)));
    expect([engine.running, engine.queued, calls.length]).toEqual([2, 3, 2]);
    callOf(calls, 2).resolve('b');
    await flush();
    expect(calls.map((call) => call.request.phaseId)).toEqual([1, 2, 3]);
    for (const phaseId of [1, 3, 4, 5]) {
      callOf(calls, phaseId).resolve('x');
      await flush();
    }
    expect(calls.map((call) => call.request.phaseId)).toEqual([1, 2, 3, 4, 5]);
    expect(peak()).toBe(2);
    const outcomes = await Promise.all(handles.map((handle) => handle.outcome));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('completed'));
    expect([engine.running, engine.queued]).toEqual([0, 0]);
  });

  it('runs one task at a time by default', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    engine.delegate(request(1));
    engine.delegate(request(2));
    expect([engine.running, engine.queued]).toEqual([1, 1]);
    calls[0]?.resolve('a');
    await flush();
    expect(calls.map((call) => call.request.phaseId)).toEqual([1, 2]);
  });

  it('never runs a queued task that is cancelled, and resolves it cancelled with the reason', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    engine.delegate(request(1));
    const queued = engine.delegate(request(2));
    const last = engine.delegate(request(3));
    queued.cancel('phase 1 failed');
    expect(await queued.outcome).toEqual({ status: 'cancelled', reason: 'phase 1 failed' });
    expect(engine.queued).toBe(1);
    callOf(calls, 1).resolve('a');
    await flush();
    callOf(calls, 3).resolve('c');
    expect(await last.outcome).toEqual({ status: 'completed', value: 'c' });
    expect(calls.map((call) => call.request.phaseId)).toEqual([1, 3]);
  });

  it('aborts the signal of a cancelled running task and frees its slot only once execute settles', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const running = engine.delegate(request(7));
    engine.delegate(request(8));
    let settled: DelegationOutcome<string> | undefined;
    void running.outcome.then((outcome) => (settled = outcome));
    running.cancel();
    const { signal } = callOf(calls, 7);
    expect(signal.aborted).toBe(true);
    expect(isHypervisorV2Error(signal.reason) && signal.reason.code).toBe('aborted');
    expect((signal.reason as Error).message).toBe('claude-task-1 (phase 7) cancelled: cancelled');
    await flush();
    expect([settled, engine.running, calls.length]).toEqual([undefined, 1, 1]);
    callOf(calls, 7).resolve('finished anyway');
    expect(await running.outcome).toEqual({ status: 'cancelled', reason: 'cancelled' });
    await flush();
    expect(calls.map((call) => call.request.phaseId)).toEqual([7, 8]);
  });

  it('keeps the first reason when a running task is cancelled twice, and ends cancelled if execute rejects', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const handle = engine.delegate(request(1));
    handle.cancel('timeout');
    handle.cancel('user abort');
    calls[0]?.reject(calls[0].signal.reason);
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'timeout' });
  });

  it('cancels a queued task when its request signal aborts, with the reason message', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const controller = new AbortController();
    engine.delegate(request(1));
    const handle = engine.delegate(request(2, { signal: controller.signal }));
    controller.abort(new Error('run interrupted'));
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'run interrupted' });
    calls[0]?.resolve('a');
    await flush();
    expect(calls).toHaveLength(1);
  });

  it('aborts execute with the request signal reason when a running task is cancelled through it', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const controller = new AbortController();
    const handle = engine.delegate(request(1, { signal: controller.signal }));
    const reason = new Error('Ctrl-C');
    controller.abort(reason);
    expect(calls[0]?.signal.reason).toBe(reason);
    calls[0]?.reject(reason);
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'Ctrl-C' });
  });

  it('resolves cancelled without running when the request signal is already aborted', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const handle = engine.delegate(request(1, { signal: AbortSignal.abort() }));
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'This operation was aborted' });
    expect([calls.length, engine.running, engine.queued]).toEqual([0, 0, 0]);
    handle.cancel('again');
    expect(await handle.outcome).toEqual({ status: 'cancelled', reason: 'This operation was aborted' });
  });

  it('ignores a cancel after the task completed', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const handle = engine.delegate(request(1));
    calls[0]?.resolve('done');
    await handle.outcome;
    handle.cancel('too late');
    expect(calls[0]?.signal.aborted).toBe(false);
    expect(await handle.outcome).toEqual({ status: 'completed', value: 'done' });
  });

  it('stops listening to the request signal once the task settles', async () => {
    const { calls, execute } = controlledExecute();
    const engine = createInProcessDelegationEngine({ execute });
    const controller = new AbortController();
    const add = jest.spyOn(controller.signal, 'addEventListener');
    const remove = jest.spyOn(controller.signal, 'removeEventListener');
    const handle = engine.delegate(request(1, { signal: controller.signal }));
    calls[0]?.resolve('done');
    await handle.outcome;
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]?.[1]);
    controller.abort();
    expect(calls[0]?.signal.aborted).toBe(false);
  });

  it('names tasks agent-type-task-n, counting from 1 across agent types', () => {
    const engine = createInProcessDelegationEngine({ execute: () => new Promise<string>(() => undefined) });
    const sent = [request(1), request(2, { agentType: 'shell' }), request(3)];
    const ids = sent.map((each) => engine.delegate(each).taskId);
    expect(ids).toEqual(['claude-task-1', 'shell-task-2', 'claude-task-3']);
  });

  it('names tasks with createTaskId when given', () => {
    const engine = createInProcessDelegationEngine({
      execute: () => Promise.resolve('x'),
      createTaskId: (sent, sequence) => `phase-${String(sent.phaseId)}#${String(sequence)}`,
    });
    const ids = [engine.delegate(request(15)).taskId, engine.delegate(request(15)).taskId];
    expect(ids).toEqual(['phase-15#1', 'phase-15#2']);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a concurrency of %p as invalid_options', (n) => {
    let caught: unknown;
    try {
      createInProcessDelegationEngine({ execute: () => Promise.resolve('x'), concurrency: n });
    } catch (error) {
      caught = error;
    }
    expect(isHypervisorV2Error(caught) && caught.code).toBe('invalid_options');
    expect((caught as Error).message).toBe(
      `invalid delegation engine options: concurrency must be a positive integer, got ${String(n)}`,
    );
  });
});

describe('toCancelReason', () => {
  it.each<[string, unknown, string]>([
    ['a string as it is', 'phase 3 failed', 'phase 3 failed'],
    ["an Error's message", new Error('timed out'), 'timed out'],
    ['cancelled for an empty string', '', 'cancelled'],
    ['cancelled for an Error without a message', new Error(''), 'cancelled'],
    ['the message of an error-like object, such as a DOMException of another realm', { message: 'aborted' }, 'aborted'],
    ['cancelled for an object whose message is not a string', { message: 7 }, 'cancelled'],
    ['cancelled for nothing', undefined, 'cancelled'],
    ['cancelled for another value', 42, 'cancelled'],
  ])('gives %s', (_name, reason, expected) => {
    expect(toCancelReason(reason)).toBe(expected);
  });
});
