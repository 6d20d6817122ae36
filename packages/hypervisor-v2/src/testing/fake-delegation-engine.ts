import type {
  AgentDelegationEngine,
  DelegationHandle,
  DelegationOutcome,
  DelegationRequest,
} from '../delegation/delegation-engine.js';
import { toCancelReason } from '../delegation/in-process-delegation-engine.js';

/** A cancellation the fake saw, through a handle or through the request's signal. */
export interface FakeCancellation {
  readonly taskId: string;
  readonly phaseId: number;
  readonly reason: string;
}

/** An {@link AgentDelegationEngine} for tests: it runs nothing, records its requests, and the test settles each task. */
export interface FakeDelegationEngine<T> extends AgentDelegationEngine<T> {
  /** Every request delegated so far, in order, aborted ones included. */
  readonly requests: readonly DelegationRequest[];
  /** Every cancellation so far, in order. */
  readonly cancellations: readonly FakeCancellation[];
  /** The ids of the tasks not settled yet, in delegation order. */
  readonly pending: readonly string[];
  /**
   * Resolves a pending task `completed`: a string names a task id, a number the phase id of its oldest pending task.
   * @throws Error when no pending task matches, so a test that settles the wrong task fails loudly.
   */
  complete(task: string | number, value: T): void;
  /**
   * Resolves a pending task `failed` with `error`; `task` as in {@link FakeDelegationEngine.complete}.
   * @throws Error when no pending task matches.
   */
  fail(task: string | number, error: unknown): void;
}

interface FakeTask<T> {
  readonly id: string;
  readonly request: DelegationRequest;
  readonly resolve: (outcome: DelegationOutcome<T>) => void;
}

/**
 * Creates a {@link FakeDelegationEngine}: tasks are named `${agentType}-task-${n}` like the in-process engine's,
 * stay pending until the test completes or fails them, and resolve `cancelled` as soon as they are cancelled
 * (their handle's `cancel`, or their request's signal aborting, already aborted included).
 * @example
 * const engine = createFakeDelegationEngine<string>();
 * const handle = engine.delegate({ phaseId: 1, task: 'npm run build', agentType: 'shell' });
 * engine.complete(1, 'built'); // the pending task of phase 1; engine.complete('shell-task-1', 'built') is the same
 * await handle.outcome; // { status: 'completed', value: 'built' }
 */
export function createFakeDelegationEngine<T>(): FakeDelegationEngine<T> {
  return new FakeEngine<T>();
}

class FakeEngine<T> implements FakeDelegationEngine<T> {
  readonly #requests: DelegationRequest[] = [];
  readonly #cancellations: FakeCancellation[] = [];
  readonly #pending: FakeTask<T>[] = [];

  get requests(): readonly DelegationRequest[] {
    return Object.freeze([...this.#requests]);
  }

  get cancellations(): readonly FakeCancellation[] {
    return Object.freeze([...this.#cancellations]);
  }

  get pending(): readonly string[] {
    return Object.freeze(this.#pending.map((task) => task.id));
  }

  delegate(request: DelegationRequest): DelegationHandle<T> {
    this.#requests.push(request);
    const { signal } = request;
    const onAbort = (): void => this.#cancel(task, toCancelReason(signal?.reason));
    let resolve!: (outcome: DelegationOutcome<T>) => void;
    const outcome = new Promise<DelegationOutcome<T>>((settle) => {
      resolve = settle;
    });
    const task: FakeTask<T> = {
      id: `${request.agentType}-task-${String(this.#requests.length)}`,
      request,
      resolve: (result) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(Object.freeze(result));
      },
    };
    this.#pending.push(task);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const cancel = (reason?: string): void => this.#cancel(task, toCancelReason(reason));
    return Object.freeze({ taskId: task.id, outcome, cancel });
  }

  complete(task: string | number, value: T): void {
    this.#settle(this.#find(task), { status: 'completed', value });
  }

  fail(task: string | number, error: unknown): void {
    this.#settle(this.#find(task), { status: 'failed', error });
  }

  #cancel(task: FakeTask<T>, reason: string): void {
    if (!this.#pending.includes(task)) return;
    this.#cancellations.push(Object.freeze({ taskId: task.id, phaseId: task.request.phaseId, reason }));
    this.#settle(task, { status: 'cancelled', reason });
  }

  #settle(task: FakeTask<T>, outcome: DelegationOutcome<T>): void {
    this.#pending.splice(this.#pending.indexOf(task), 1);
    task.resolve(outcome);
  }

  #find(key: string | number): FakeTask<T> {
    const matches = (each: FakeTask<T>): boolean => (typeof key === 'string' ? each.id : each.request.phaseId) === key;
    const task = this.#pending.find(matches);
    if (task !== undefined) return task;
    const wanted = typeof key === 'string' ? key : `of phase ${String(key)}`;
    const ids = this.#pending.map((each) => each.id).join(', ');
    throw new Error(`fake delegation engine: no pending task ${wanted}; pending: ${ids === '' ? 'none' : ids}`);
  }
}
