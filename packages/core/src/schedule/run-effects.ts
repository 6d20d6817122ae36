import { Subscription, defer, from } from 'rxjs';
import type { ObservableInput } from 'rxjs';
import type { HookType, HypervisorState, PluginHost } from '@kazuba/hypervisor-v2';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { Phase } from '../plan/plan.js';
import type { Unstamped } from './engine-parts.js';
import type { FinishedStatus, PhaseRun } from './phase-run.js';
import type { CheckpointStore } from './ports.js';
import { buildPhaseRecord } from './run-records.js';

/** What {@link RunEffects} needs from the run. */
export interface RunEffectsOptions {
  /** Where records go; none in a dry run. */
  readonly store: CheckpointStore | undefined;
  /** Called at their hooks; none in a dry run. */
  readonly plugins: PluginHost | undefined;
  readonly runId: string;
  /** Written into every record. */
  readonly hypervisorVersion: string;
  readonly emit: (event: Unstamped) => void;
  /** The run's state as plugins see it. */
  readonly snapshot: (phaseId: number | null) => HypervisorState;
  /** Told each time an effect ends: the run may be able to finish. */
  readonly settled: () => void;
}

/**
 * The run's asynchronous side effects (phase records, plugin hooks), counted so that the run finishes only after
 * the last of them. Their failures become events, never phase failures.
 */
export class RunEffects {
  private readonly work = new Subscription();
  private pending = 0;

  constructor(private readonly options: RunEffectsOptions) {}

  /** Whether no effect is under way. */
  get idle(): boolean {
    return this.pending === 0;
  }

  /** Writes the record of a phase that ran; a failed write becomes `checkpoint:failed`. */
  record(phase: Phase, run: PhaseRun, status: FinishedStatus): void {
    const { store, runId, hypervisorVersion } = this.options;
    if (store === undefined) return;
    const record = buildPhaseRecord(phase, run, status, { runId, hypervisorVersion });
    // Deferred, so that a store that throws instead of rejecting is reported like one that rejects.
    this.track(defer(() => store.write(phase, record)), (error) => {
      this.options.emit({ type: 'checkpoint:failed', phaseId: phase.id, error: toEventError(error) });
    });
  }

  /** Calls the plugins at `hook`, reports each failure as `plugin:failed`, then calls `then`. */
  callPlugins(hook: HookType, phaseId: number | null, then?: () => void): void {
    const host = this.options.plugins;
    if (host === undefined) return then?.();
    this.track(
      host.runHook(hook, this.options.snapshot(phaseId)),
      undefined,
      (reports) => {
        for (const report of reports) {
          if (report.outcome === 'ok') continue;
          const error = toEventError(report.error);
          this.options.emit({ type: 'plugin:failed', plugin: report.plugin, hook, timedOut: report.outcome === 'timed-out', error });
        }
        then?.();
      },
    );
  }

  /** Stops listening to the effects under way (the run was torn down). */
  dispose(): void {
    this.work.unsubscribe();
  }

  private track<T>(input: ObservableInput<T>, onError?: (error: unknown) => void, onValue?: (value: T) => void): void {
    this.pending += 1;
    const done = (): void => {
      this.pending -= 1;
      this.options.settled();
    };
    this.work.add(
      from(input).subscribe({
        next: (value) => onValue?.(value),
        error: (error: unknown) => {
          onError?.(error);
          done();
        },
        complete: done,
      }),
    );
  }
}
