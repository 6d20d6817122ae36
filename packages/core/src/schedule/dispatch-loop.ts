import { Subscription } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import type { PhaseBreaker } from './breaker.js';
import type { HypervisorConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import type { Unstamped } from './engine-parts.js';
import type { PhaseRun } from './phase-run.js';

/** What {@link DispatchLoop} chooses with. */
export interface DispatchLoopOptions {
  /** Only a parallel run, or the dry run that rehearses one, runs phases side by side. */
  readonly config: Pick<HypervisorConfig, 'mode' | 'maxWorkers' | 'groupPolicy'>;
  /** The phase's remaining critical path: the longer starts first while more than one worker runs phases. */
  readonly priorityOf: (phaseId: number) => number;
  readonly groupOf: (phaseId: number) => string | null;
  readonly scheduler: SchedulerLike;
  readonly breaker: Pick<PhaseBreaker, 'state' | 'tryAdmit'>;
}

/** What the dispatch loop needs from the run. */
export interface DispatchHost {
  /** The phase's state in the run, whose status the loop moves from pending to queued to running. */
  runOf(phaseId: number): PhaseRun;
  emit(event: Unstamped): void;
  /** Whether the run starts no new phase (failed fast, cancelled, or stopped). */
  stopped(): boolean;
  /** The phase was chosen and is now running: take it towards its first attempt. */
  begin(phaseId: number): void;
  /** A choice made at the end of an instant is done: the run may be over. */
  settled(): void;
}

/**
 * The run's ready queue and the choice of what starts next: a phase starts when the dispatcher gives it a
 * worker (workers, group policy, priority) and the breaker admits it. Sequential and interactive runs have one
 * worker, so they take the phases in plan order (see {@link Dispatcher}).
 */
export class DispatchLoop {
  private readonly dispatcher: Dispatcher;
  private readonly work = new Subscription();
  private scheduled = false;
  private disposed = false;

  constructor(
    private readonly options: DispatchLoopOptions,
    private readonly host: DispatchHost,
  ) {
    const { mode, maxWorkers, groupPolicy } = options.config;
    const parallel = mode === 'parallel' || mode === 'dry_run';
    this.dispatcher = new Dispatcher({
      workers: parallel ? maxWorkers : 1,
      groupPolicy: parallel ? groupPolicy : 'ignore',
      priorityOf: options.priorityOf,
      groupOf: options.groupOf,
    });
  }

  /** The phase's dependencies are met: it waits for a worker. */
  enqueue(phaseId: number): void {
    this.host.runOf(phaseId).status = 'queued';
    this.dispatcher.markReady(phaseId);
    this.host.emit({ type: 'phase:queued', phaseId });
  }

  /** Starts every ready phase that the workers, the group policy and the breaker allow. */
  pump(): void {
    const { breaker } = this.options;
    while (!this.host.stopped() && breaker.state !== 'open') {
      const id = this.dispatcher.next();
      if (id === undefined) return;
      // A phase can end while it waits in the dispatcher (resumed as complete, skipped when the breaker opened).
      if (this.host.runOf(id).status !== 'queued') {
        this.dispatcher.finished(id);
        continue;
      }
      if (!breaker.tryAdmit(id)) {
        this.dispatcher.finished(id);
        this.dispatcher.markReady(id);
        return;
      }
      this.host.runOf(id).status = 'running';
      this.host.begin(id);
    }
  }

  /**
   * Chooses as the current instant's last action, once however often it is asked: phases ending at the same
   * instant all free their workers before the next choice is made, as in the simulation.
   */
  request(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    this.work.add(
      this.options.scheduler.schedule(() => {
        this.scheduled = false;
        this.pump();
        this.host.settled();
      }, 0),
    );
  }

  /** A phase that the dispatcher started has ended: its worker is free. */
  finished(phaseId: number): void {
    this.dispatcher.finished(phaseId);
  }

  /** Changes the number of workers from now on. */
  setWorkers(workers: number): void {
    this.dispatcher.setWorkers(workers);
  }

  /** Cancels the choice still to come; none is scheduled afterwards. */
  dispose(): void {
    this.disposed = true;
    this.work.unsubscribe();
  }
}
