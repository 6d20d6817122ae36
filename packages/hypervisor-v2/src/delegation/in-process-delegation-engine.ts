import { HypervisorV2Error } from '../errors.js';
import type {
  AgentDelegationEngine,
  DelegationHandle,
  DelegationOutcome,
  DelegationRequest,
} from './delegation-engine.js';

/** Options of {@link createInProcessDelegationEngine}. */
export interface InProcessDelegationOptions<T> {
  /**
   * Runs one task. It must honour `signal`: a cancelled task keeps its slot until the promise settles, so an
   * `execute` that ignores the signal holds back every queued task behind it.
   */
  readonly execute: (request: DelegationRequest, signal: AbortSignal) => Promise<T>;
  /**
   * How many tasks may run at once; a positive integer.
   * @default 1
   */
  readonly concurrency?: number;
  /**
   * Names a task, given its request and its place in delegation order (counting from 1, across agent types).
   * @default `${agentType}-task-${sequence}`, e.g. `claude-task-1`
   */
  readonly createTaskId?: (request: DelegationRequest, sequence: number) => string;
}

/** An {@link AgentDelegationEngine} that runs tasks in this process, with counts of its running and queued tasks. */
export type InProcessDelegationEngine<T> = AgentDelegationEngine<T> & {
  /** Tasks whose `execute` has been called and has not settled yet, cancelled ones included. */
  readonly running: number;
  /** Tasks waiting for a free slot. */
  readonly queued: number;
};

interface Task<T> {
  readonly id: string;
  readonly request: DelegationRequest;
  readonly controller: AbortController;
  state: 'queued' | 'running' | 'settled';
  // Set once a running task is cancelled: whatever execute then returns, the outcome is `cancelled`.
  cancelReason?: string;
  readonly settle: (outcome: DelegationOutcome<T>) => void;
}

/**
 * The reason string of a cancellation: a non-empty string as it is, the non-empty message of an error (an abort
 * signal's reason is usually one), and `cancelled` for anything else.
 */
export function toCancelReason(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  // Not `instanceof Error`: an abort signal's default reason is a DOMException, from another realm in some hosts.
  const message = typeof reason === 'object' && reason !== null && 'message' in reason ? reason.message : undefined;
  return typeof message === 'string' && message !== '' ? message : 'cancelled';
}

/**
 * Creates an {@link AgentDelegationEngine} that runs each task through `execute` in this process, at most
 * `concurrency` at a time, starting them in delegation order. A queued task that is cancelled (through its
 * handle or its request's `signal`) never runs; a running one gets the signal passed to `execute` aborted and
 * ends `cancelled` once `execute` settles, whatever it returns, and only then frees its slot.
 * @throws HypervisorV2Error `invalid_options` when `concurrency` is not a positive integer.
 * @example
 * const engine = createInProcessDelegationEngine({ concurrency: 4, execute: runAgent });
 * const handle = engine.delegate({ phaseId: 15, task: 'Write the scheduler', agentType: 'claude' });
 * const outcome = await handle.outcome; // completed with a value, failed with an error, or cancelled with a reason
 */
export function createInProcessDelegationEngine<T>(
  options: InProcessDelegationOptions<T>,
): InProcessDelegationEngine<T> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    const message = `invalid delegation engine options: concurrency must be a positive integer, got ${String(concurrency)}`;
    throw new HypervisorV2Error('invalid_options', message, { concurrency });
  }
  const createTaskId = options.createTaskId ?? defaultTaskId;
  return new InProcessEngine({ execute: options.execute, concurrency, createTaskId });
}

function defaultTaskId(request: DelegationRequest, sequence: number): string {
  return `${request.agentType}-task-${String(sequence)}`;
}

class InProcessEngine<T> implements AgentDelegationEngine<T> {
  readonly #options: Required<InProcessDelegationOptions<T>>;
  readonly #queue: Task<T>[] = [];
  #running = 0;
  #sequence = 0;

  constructor(options: Required<InProcessDelegationOptions<T>>) {
    this.#options = options;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.length;
  }

  delegate(request: DelegationRequest): DelegationHandle<T> {
    this.#sequence += 1;
    const { signal } = request;
    const onAbort = (): void => this.#cancel(task, toCancelReason(signal?.reason), signal?.reason);
    const detach = (): void => signal?.removeEventListener('abort', onAbort);
    const { task, outcome } = createTask<T>(this.#options.createTaskId(request, this.#sequence), request, detach);
    if (signal?.aborted === true) {
      task.settle({ status: 'cancelled', reason: toCancelReason(signal.reason) });
    } else {
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(task);
      this.#pump();
    }
    const cancel = (reason?: string): void => this.#cancel(task, toCancelReason(reason));
    return Object.freeze({ taskId: task.id, outcome, cancel });
  }

  #pump(): void {
    while (this.#running < this.#options.concurrency) {
      const next = this.#queue.shift();
      if (next === undefined) return;
      this.#start(next);
    }
  }

  #start(task: Task<T>): void {
    task.state = 'running';
    this.#running += 1;
    let result: Promise<T>;
    try {
      result = Promise.resolve(this.#options.execute(task.request, task.controller.signal));
    } catch (error) {
      // An execute that throws before returning a promise fails its task like one that rejects.
      result = Promise.reject(error);
    }
    result.then(
      (value) => this.#finish(task, { status: 'completed', value }),
      (error: unknown) => this.#finish(task, { status: 'failed', error }),
    );
  }

  #finish(task: Task<T>, outcome: DelegationOutcome<T>): void {
    this.#running -= 1;
    task.settle(task.cancelReason === undefined ? outcome : { status: 'cancelled', reason: task.cancelReason });
    this.#pump();
  }

  #cancel(task: Task<T>, reason: string, cause?: unknown): void {
    if (task.state === 'queued') {
      this.#queue.splice(this.#queue.indexOf(task), 1);
      task.settle({ status: 'cancelled', reason });
    } else if (task.state === 'running' && task.cancelReason === undefined) {
      task.cancelReason = reason;
      task.controller.abort(cause ?? abortedError(task, reason));
    }
  }
}

// What a running task's execute sees as its signal's reason when it was cancelled through its handle.
function abortedError({ id, request }: { id: string; request: DelegationRequest }, reason: string): HypervisorV2Error {
  const message = `${id} (phase ${String(request.phaseId)}) cancelled: ${reason}`;
  return new HypervisorV2Error('aborted', message, { taskId: id, phaseId: request.phaseId, reason });
}

function createTask<T>(
  id: string,
  request: DelegationRequest,
  detach: () => void,
): { task: Task<T>; outcome: Promise<DelegationOutcome<T>> } {
  let resolve!: (outcome: DelegationOutcome<T>) => void;
  const outcome = new Promise<DelegationOutcome<T>>((settle) => {
    resolve = settle;
  });
  const task: Task<T> = {
    id,
    request,
    controller: new AbortController(),
    state: 'queued',
    settle: (result) => {
      task.state = 'settled';
      detach();
      resolve(Object.freeze(result));
    },
  };
  return { task, outcome };
}
