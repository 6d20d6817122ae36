import { toEventError } from '@kazuba/hypervisor-v2';
import type { EventMesh, HypervisorEvent, MeshSubscription } from '@kazuba/hypervisor-v2';
import { Subscription } from 'rxjs';
import type { Observable } from 'rxjs';
import { deepFreeze } from '../deep-freeze.js';
import { BridgeError } from '../errors.js';
import type { EstimablePhase, PhaseEstimator } from '../history/phase-estimator.js';
import { writeLearningEventsJsonl } from '../io/learning-event-files.js';
import type { ExportedEvents, WriteLearningEventsOptions } from '../io/learning-event-files.js';
import { writeLearningEventsToon } from '../io/learning-event-table.js';
import type { ExportedTable } from '../io/learning-event-table.js';
import type { LearningEvent } from '../learning-event.js';
import { buildLearningRecord } from '../rlm/build-learning-record.js';
import type { LearningRecord } from '../rlm/learning-record.js';
import type { RewardCalculator } from '../rlm/reward-calculator.js';
import type { RlmSink } from '../rlm/rlm-sink.js';
import { summarizeLearningEvents } from '../stats/summarize-learning-events.js';
import type { LearningEventStats } from '../stats/summarize-learning-events.js';
import { EventTranslator } from './translate-event.js';
import type { AttemptOutcome } from './translate-event.js';

/** Options of the RLM records a bridge produces: one per attempt that ran to an outcome. */
export interface BridgeRlmOptions<P extends EstimablePhase> {
  /** Receives the records, in order. */
  readonly sink: RlmSink;
  /** Rewards each attempt. */
  readonly rewards: RewardCalculator;
  /**
   * Estimates each phase, for the reward's duration component (e.g. a {@link DurationHistory} or core's hint
   * estimator); needs the bridge's `phases`. Without it the duration component is 0.
   * @default undefined
   */
  readonly estimator?: PhaseEstimator<P>;
}

/** Options of {@link createHypervisorBridge}. */
export interface HypervisorBridgeOptions<P extends EstimablePhase = EstimablePhase> {
  /**
   * Whether the bridge records anything. A disabled bridge is a true no-op: it records nothing, subscribes to
   * nothing, produces no RLM records and writes no files.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The plan's phases (core's `plan.phases` will do): their hashes go into the events' `metadata.phase_hash`,
   * which lets a {@link DurationHistory} tell an edited phase's durations apart.
   * @default none: events carry no phase hash
   */
  readonly phases?: Iterable<P>;
  /**
   * Produce RLM learning records, one per attempt that ran to an outcome.
   * @default undefined: no records
   */
  readonly rlm?: BridgeRlmOptions<P>;
}

/**
 * Records a run's lifecycle events as learning events: history, stats, JSONL and TOON export, and optionally
 * RLM learning records. See {@link createHypervisorBridge}.
 */
export interface HypervisorBridge {
  /** Whether the bridge records (the `enabled` option). */
  readonly enabled: boolean;
  /** Records one lifecycle event; what `attach` and `attachMesh` call for each event. */
  record(event: HypervisorEvent): void;
  /**
   * Records every event of a stream until it ends or the returned subscription is unsubscribed. Pass a stream
   * that is already shared (a cold run Observable would start a second run); an error of the stream is its
   * owner's to handle and just ends recording. A disabled bridge does not subscribe and returns a closed
   * subscription.
   */
  attach(events$: Observable<HypervisorEvent>): Subscription;
  /**
   * Records every event published to an event mesh (pattern `**`, subscriber name `kazuba-bridge`). A disabled
   * bridge does not subscribe and returns a closed subscription.
   */
  attachMesh(mesh: EventMesh): MeshSubscription;
  /** The learning events recorded so far, oldest first: a frozen copy of frozen events. */
  history(): readonly LearningEvent[];
  /** The recorded learning events of one phase, oldest first. */
  eventsFor(phaseId: number): readonly LearningEvent[];
  /** Counts and durations of the recorded events; see {@link summarizeLearningEvents}. */
  stats(): LearningEventStats;
  /** Forgets the recorded events. Runs in progress go on being recorded with their plan name and attempts. */
  clear(): void;
  /**
   * Writes the recorded events as JSONL; with `append`, adds them to the file (how the history grows across
   * runs). See {@link writeLearningEventsJsonl}. A disabled bridge writes nothing and returns a count of 0.
   * @throws BridgeError `invalid_event` or `io_error`.
   */
  exportJsonl(path: string, options?: WriteLearningEventsOptions): Promise<ExportedEvents>;
  /**
   * Writes the recorded events as a TOON table; see {@link writeLearningEventsToon}. A disabled bridge writes
   * nothing and returns a count of 0.
   * @throws BridgeError `invalid_event` or `io_error`.
   */
  exportToon(path: string): Promise<ExportedTable>;
  /**
   * Waits until every RLM record produced so far is written, then reports what failed since the last flush.
   * @throws BridgeError `rlm_failed` when a record could not be produced (e.g. `invalid_reward`) or written;
   * its cause is that error, or an `AggregateError` of all of them.
   */
  flush(): Promise<void>;
}

const CLOSED_MESH_SUBSCRIPTION: MeshSubscription = Object.freeze({ closed: true, unsubscribe: () => undefined });

class Bridge<P extends EstimablePhase> implements HypervisorBridge {
  readonly enabled: boolean;
  readonly #events: LearningEvent[] = [];
  /** The run and sequence number of the lifecycle event each learning event came from. */
  readonly #origins: { readonly runId: string; readonly seq: number }[] = [];
  readonly #translator: EventTranslator;
  readonly #phases: ReadonlyMap<number, P>;
  readonly #rlm: BridgeRlmOptions<P> | undefined;
  #writes: Promise<void> = Promise.resolve();
  readonly #failures: unknown[] = [];

  constructor(options: HypervisorBridgeOptions<P>) {
    this.enabled = options.enabled ?? true;
    this.#phases = new Map([...(options.phases ?? [])].map((phase) => [phase.id, phase]));
    this.#translator = new EventTranslator(new Map([...this.#phases.values()].map((phase) => [phase.id, phase.hash])));
    this.#rlm = options.rlm;
  }

  record(event: HypervisorEvent): void {
    if (!this.enabled) return;
    const { event: learning, attempt } = this.#translator.translate(event);
    if (learning !== undefined) this.#insert(deepFreeze(learning), event.runId, event.seq);
    if (attempt !== undefined && this.#rlm !== undefined) this.#produceRecord(this.#rlm, attempt);
  }

  attach(events$: Observable<HypervisorEvent>): Subscription {
    if (!this.enabled) return Subscription.EMPTY;
    return events$.subscribe({
      next: (event) => this.record(event),
      // The stream's owner sees and handles its error; the bridge only stops recording.
      error: () => undefined,
    });
  }

  attachMesh(mesh: EventMesh): MeshSubscription {
    if (!this.enabled) return CLOSED_MESH_SUBSCRIPTION;
    return mesh.subscribe('**', ({ event }) => this.record(event), { name: 'kazuba-bridge' });
  }

  history(): readonly LearningEvent[] {
    return Object.freeze([...this.#events]);
  }

  eventsFor(phaseId: number): readonly LearningEvent[] {
    return Object.freeze(this.#events.filter((event) => event.phase_id === phaseId));
  }

  stats(): LearningEventStats {
    return summarizeLearningEvents(this.#events);
  }

  clear(): void {
    this.#events.length = 0;
    this.#origins.length = 0;
  }

  async exportJsonl(path: string, options: WriteLearningEventsOptions = {}): Promise<ExportedEvents> {
    if (!this.enabled) return { path, count: 0 };
    return writeLearningEventsJsonl(path, this.#events, options);
  }

  async exportToon(path: string): Promise<ExportedTable> {
    if (!this.enabled) return { path, count: 0, bytes: 0 };
    return writeLearningEventsToon(path, this.#events);
  }

  async flush(): Promise<void> {
    // Records produced while waiting are waited for too.
    let writes: Promise<void>;
    do {
      writes = this.#writes;
      await writes;
    } while (writes !== this.#writes);
    const failures = this.#failures.splice(0);
    const [first] = failures;
    if (first === undefined) return;
    const what = `${failures.length} RLM record${failures.length === 1 ? '' : 's'} could not be produced or written`;
    const cause = failures.length === 1 ? first : new AggregateError(failures, what);
    throw new BridgeError('rlm_failed', `${what}: ${toEventError(first).message}`, { failures: failures.length }, { cause });
  }

  // An event mesh delivers a lagging subscriber's backlog most urgent first: put each event back in its run's
  // order (runs number their events 0, 1, 2 …), so the history reads as the run happened.
  #insert(event: LearningEvent, runId: string, seq: number): void {
    let index = this.#events.length;
    for (let previous = this.#origins[index - 1]; previous?.runId === runId && previous.seq > seq; previous = this.#origins[index - 1]) index -= 1;
    this.#events.splice(index, 0, event);
    this.#origins.splice(index, 0, { runId, seq });
  }

  #produceRecord(rlm: BridgeRlmOptions<P>, attempt: AttemptOutcome): void {
    let record: LearningRecord;
    try {
      const estimateMs = this.#estimateMs(rlm, attempt.phaseId);
      const reward = rlm.rewards.calculate({
        outcome: attempt.outcome,
        retries: attempt.attempt - 1,
        ...(attempt.durationMs === undefined ? {} : { durationMs: attempt.durationMs }),
        ...(estimateMs === undefined ? {} : { estimateMs }),
        ...(attempt.costUsd === undefined ? {} : { costUsd: attempt.costUsd }),
      });
      record = buildLearningRecord(attempt, reward, estimateMs);
    } catch (error) {
      this.#failures.push(error);
      return;
    }
    this.#writes = this.#writes
      .then(() => rlm.sink.write(record))
      .catch((error: unknown) => {
        this.#failures.push(error);
      });
  }

  #estimateMs(rlm: BridgeRlmOptions<P>, phaseId: number): number | undefined {
    const phase = this.#phases.get(phaseId);
    return phase === undefined || rlm.estimator === undefined ? undefined : rlm.estimator.estimate(phase).durationMs;
  }
}

/**
 * Creates the bridge between the hypervisor and a learning system. It turns lifecycle events into learning
 * events with the original's JSONL names: `run:started` → `run_start`, `phase:started` → `phase_start`,
 * `phase:retrying` → `phase_retry`, `phase:finished` → `phase_end` (success or partial), `phase_failed` or
 * `phase_skipped` (skipped or cancelled), `run:finished` → `run_end`; other events are not recorded. Timestamps
 * are the events' own, in ISO 8601 UTC; metadata carries the attempt, status, exit code, agent, turns, cost,
 * quality (from `phase:finished`), run id, plan name (from `run:started`) and phase hash (from `phases`) where known.
 * @example
 * const bridge = createHypervisorBridge({ phases: plan.phases });
 * const run$ = createRun(plan, config, ports).pipe(share());
 * bridge.attach(run$);
 * await lastValueFrom(run$);
 * await bridge.exportJsonl('.hypervisor/learning.jsonl', { append: true });
 * console.log(bridge.stats().failed);
 */
export function createHypervisorBridge<P extends EstimablePhase = EstimablePhase>(options: HypervisorBridgeOptions<P> = {}): HypervisorBridge {
  return new Bridge(options);
}
