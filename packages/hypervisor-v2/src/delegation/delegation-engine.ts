/** A phase handed to an agent: what to do, which agent, how, and the signal that cancels it. */
export interface DelegationRequest {
  readonly phaseId: number;
  /** The task text: the phase's prompt, or its command. */
  readonly task: string;
  /** The agent profile or kind to run it, e.g. `claude` or `shell`. */
  readonly agentType: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** Aborting it cancels the task, queued or running. */
  readonly signal?: AbortSignal;
}

/** How a delegated task ended. The outcome promise resolves with one of these and never rejects. */
export type DelegationOutcome<T> =
  | { readonly status: 'completed'; readonly value: T }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'cancelled'; readonly reason: string };

/** A delegated task in flight. */
export interface DelegationHandle<T> {
  readonly taskId: string;
  readonly outcome: Promise<DelegationOutcome<T>>;
  /** Cancels the task: a queued one never starts; a running one gets its abort signal. */
  cancel(reason?: string): void;
}

/**
 * The seam where execution happens: hands a phase to something that runs it (a local process now, a
 * distributed queue later) and tracks it by task id.
 */
export interface AgentDelegationEngine<T = unknown> {
  delegate(request: DelegationRequest): DelegationHandle<T>;
}
