import type { Observable, ObservableInput, SchedulerLike } from 'rxjs';
import type { CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { EventError, HypervisorState, PluginHost, UnifiedMemoryManager } from '@kazuba/hypervisor-v2';
import type { Estimator } from '../graph/estimator.js';
import type { Phase } from '../plan/plan.js';

/** One attempt of one phase, as the scheduler hands it to the runner. */
export interface AttemptRequest {
  readonly runId: string;
  readonly phase: Phase;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** What the agent is asked: the phase's prompt, and on a retry the failure summary and the recovery plan. */
  readonly prompt: string;
  /** Aborts on timeout and on cancellation: the runner must then stop the attempt, process tree included. */
  readonly signal: AbortSignal;
  /**
   * The agent session a retry resumes (the failed attempt's `sessionId`), so that the agent keeps what it learned;
   * absent for a fresh session. A runner whose agent cannot resume starts a fresh one.
   */
  readonly resumeSession?: string;
  /**
   * Where the attempt runs instead of the project root: its worktree (absolute, or relative to the root). The
   * agent, the `run:` line and the validation script run there; checkpoints and logs stay in the root.
   */
  readonly workdir?: string;
}

/** Where an attempt ran under worktree isolation and what it brought into the integration branch. */
export interface AttemptIsolation {
  /** The branch's tip when merged; absent when the attempt changed nothing. */
  readonly commit?: string;
  /** The integration branch's tip after the merge (equal to `commit` after a fast-forward). */
  readonly mergeCommit?: string;
  readonly branch: string;
  readonly worktree: string;
}

/** A merge the integration branch refused: both sides changed `files`; the branch and worktree are kept. */
export interface AttemptConflict {
  readonly files: readonly string[];
  readonly branch: string;
  readonly worktree: string;
  /** The phases merged while the attempt ran whose changes touch `files` (none when the change came from elsewhere). */
  readonly phases: readonly { readonly id: number; readonly title: string }[];
}

/** What an agent says about its progress while it works (from its stream), each field where it says it. */
export interface AgentProgress {
  /** Turns so far. */
  readonly turns?: number;
  /** The tool in use now with its main argument, e.g. `Edit src/app.ts`, `Bash npm test`. */
  readonly tool?: string;
  /** Cost so far, in US dollars. */
  readonly costUsd?: number;
  readonly model?: string;
  readonly sessionId?: string;
}

/** What the agent reported about an attempt, where it reports it. */
export interface AgentReport {
  readonly profile: string;
  /** null when the process was killed by a signal. */
  readonly exitCode: number | null;
  readonly isError?: boolean;
  readonly subtype?: string;
  readonly turns?: number;
  readonly costUsd?: number;
  readonly sessionId?: string;
  /** The model the attempt asked for, where a profile or the phase named one. */
  readonly model?: string;
  /** The tools the agent was refused (claude's `permission_denials`), each once. */
  readonly permissionDenials?: readonly string[];
  /** The session the attempt resumed (`--resume`); absent for a fresh session. */
  readonly resumedSession?: string;
}

/** The outcome of the phase's validation script. */
export interface ValidationReport {
  readonly script: string;
  readonly passed: boolean;
  readonly exitCode: number | null;
  readonly outputTail: string;
}

/** How an attempt ended, as the runner classifies it. */
export type AttemptResult =
  | {
      readonly outcome: 'succeeded';
      /** A score from 0 to 1; below the configured threshold the phase ends `partial`. */
      readonly quality?: number;
      readonly agent?: AgentReport;
      readonly validation?: ValidationReport;
      /** What the validation script wrote at the checkpoint path during the attempt, kept in the record. */
      readonly scriptCheckpoint?: unknown;
      /** Why the work was done only in part (e.g. the agent was denied edits): the phase then ends `partial`. */
      readonly partialReason?: string;
      /** Under worktree isolation: the branch and worktree the attempt ran on, and its merged commits. */
      readonly isolation?: AttemptIsolation;
    }
  | {
      readonly outcome: 'failed';
      readonly error: EventError;
      readonly agent?: AgentReport;
      readonly validation?: ValidationReport;
      /** No retry can help this phase (it spent its own budget): it fails at once; the run goes on. */
      readonly final?: boolean;
      /** The merge conflict that failed the attempt (`merge_conflict`), for the retry prompt and inspection. */
      readonly conflict?: AttemptConflict;
    }
  | {
      /** A usage or rate limit: not a failure; the phase waits and runs again without spending a retry. */
      readonly outcome: 'rate_limited';
      /** When the limit resets (epoch ms), when the agent said so. */
      readonly resetAt?: number;
      readonly message: string;
      readonly agent?: AgentReport;
    }
  | {
      /**
       * An answer no retry can fix (not logged in, a refused key, an unknown model, a missing CLI): the phase fails
       * without spending a retry or counting for the breaker, and the run stops at once. The message says what to do.
       */
      readonly outcome: 'fatal';
      readonly error: EventError;
      readonly agent?: AgentReport;
    };

/** What a runner emits during an attempt: output and the agent's progress as they come, then exactly one result. */
export type RunnerEvent =
  | { readonly type: 'output'; readonly stream: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'agent'; readonly progress: AgentProgress }
  | { readonly type: 'result'; readonly result: AttemptResult };

/**
 * Runs one attempt of one phase. The Observable emits output, then one `result`, then completes; an error
 * counts as a failed attempt. Unsubscribing must stop the attempt (the scheduler does so on timeout and
 * cancellation, after aborting the request's signal).
 */
export interface PhaseRunner {
  run(request: AttemptRequest): Observable<RunnerEvent>;
}

/** Reads and writes phase checkpoint records. */
export interface CheckpointStore {
  /** The phase's checkpoint in normalised form, or undefined when it has none (missing is not an error). */
  read(phase: Phase): ObservableInput<CheckpointView | undefined>;
  /** Writes the phase's record atomically. */
  write(phase: Phase, record: PhaseCheckpoint): ObservableInput<unknown>;
}

/** The interactive choice before a phase: run it, skip it, abort the run, or run it and all the rest without asking. */
export type ApprovalDecision = 'run' | 'skip' | 'abort' | 'run_all';

/** Asks a person what to do before each phase in interactive mode. */
export interface Approver {
  decide(request: { readonly phase: Phase; readonly state: Readonly<HypervisorState> }): ObservableInput<ApprovalDecision>;
}

/** The circuit breaker as the newest earlier run of a plan left it, when that was not closed (read from its run record). */
export interface PreviousBreaker {
  /** The run that left it. */
  readonly runId: string;
  /** `open`; or `half-open`: its cool-down had passed and a probe was allowed, which gave no verdict before that run ended. */
  readonly state: 'open' | 'half-open';
  /** When it last opened, in milliseconds since the epoch, on the clock of the run's `scheduler`. */
  readonly openedAtMs: number;
}

/** The effects a run needs, all injected so that the scheduler itself stays pure. */
export interface RunPorts {
  readonly runner: PhaseRunner;
  /** Where phase records are read (resume) and written; without one, nothing is resumed or recorded. */
  readonly store?: CheckpointStore;
  /** Required in interactive mode. */
  readonly approver?: Approver;
  /** Durations for priorities, dry runs and ETAs; the plan's hints by default. */
  readonly estimator?: Estimator;
  /** Admits phases that declare `memory_mb`. */
  readonly memory?: UnifiedMemoryManager;
  /** Plugins, called at their hooks with a state snapshot; their failures become `plugin:failed` events. */
  readonly plugins?: PluginHost;
  /** Time: timeouts, backoff, cool-downs, the watchdog, event timestamps. `asapScheduler` by default: a 0 ms step (the dispatch after phases end) takes the next turn of the event loop instead of a 1 ms timer. */
  readonly scheduler?: SchedulerLike;
  /** Aborting it cancels the run gracefully: running attempts are stopped and recorded, and the run finishes. */
  readonly signal?: AbortSignal;
  /** Identifies the run in events and records. */
  readonly runId?: string;
  /** Written into every record. */
  readonly hypervisorVersion?: string;
  /** Jitter source in [0, 1); `Math.random` by default (tests pass a fixed one). */
  readonly random?: () => number;
  /**
   * The breaker an earlier run of the plan left open or half-open, so that resuming does not forget it: while its
   * cool-down lasts (this run's `breaker.cooldownMs` from `openedAtMs`) no phase starts, after it the run starts
   * half-open. Ignored with `force`, in a dry run, and when the breaker is disabled (threshold 0).
   * @default none: the breaker starts closed
   */
  readonly previousBreaker?: PreviousBreaker;
}
