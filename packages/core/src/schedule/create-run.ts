import { Observable, VirtualTimeScheduler, asapScheduler, filter, lastValueFrom, map } from 'rxjs';
import type { HypervisorEvent, RunSummary } from '@kazuba/hypervisor-v2';
import { CoreError } from '../core-error.js';
import { computePathTimes } from '../graph/critical-path.js';
import { createHintEstimator } from '../graph/estimator.js';
import { topologicalOrder } from '../graph/topology.js';
import type { Plan } from '../plan/plan.js';
import { restoreBreaker } from './breaker.js';
import { parseHypervisorConfig } from './config.js';
import type { HypervisorConfigInput } from './config.js';
import type { RunPorts } from './ports.js';
import { readResumeDecisions } from './resume-decisions.js';
import { RunEngine } from './run-engine.js';
import { simulatedRunner } from './simulate-plan.js';

/**
 * Runs a plan: an Observable of lifecycle events that starts the run when subscribed and completes after
 * `run:finished`. Unsubscribing stops the run at once (attempts aborted, nothing recorded after); aborting
 * `ports.signal` stops it gracefully (attempts aborted and recorded as cancelled, then `run:finished`).
 * A `dry_run` reads checkpoints to show what resume would skip, then plays the same scheduler on a virtual clock
 * with estimated durations: no runner call, no record written, no plugin called.
 * A run given `ports.previousBreaker` starts from it (`breaker:restored`): within the cool-down every phase not
 * complete ends `skipped`, reason `circuit-open`; after it the breaker starts half-open and one probe phase runs.
 *
 * @throws CoreError `invalid_config`, or `missing_port` (interactive mode without an approver).
 * @example
 * const events$ = createRun(plan, { mode: 'parallel', maxWorkers: 4 }, { runner, store });
 * const summary = await collectRunSummary(events$);
 */
export function createRun(plan: Plan, configInput: HypervisorConfigInput | undefined, ports: RunPorts): Observable<HypervisorEvent> {
  const config = parseHypervisorConfig(configInput);
  if (config.mode === 'interactive' && ports.approver === undefined) {
    throw new CoreError('missing_port', 'interactive mode needs an approver to ask before each phase');
  }
  return new Observable<HypervisorEvent>((subscriber) => {
    let engine: RunEngine | undefined;
    let closed = false;
    const estimator = ports.estimator ?? createHintEstimator();
    const durations = new Map(plan.phases.map((phase) => [phase.id, estimator.estimate(phase).durationMs]));
    const priority = computePathTimes(plan, topologicalOrder(plan), durations).remainingMs;
    const onAbort = (): void => engine?.cancel('cancelled');
    readResumeDecisions(plan, ports.store, config.force).then((resume) => {
      if (closed) return;
      const dryRun = config.mode === 'dry_run';
      const virtual = dryRun ? new VirtualTimeScheduler() : undefined;
      const scheduler = virtual ?? ports.scheduler ?? asapScheduler;
      // A dry run shows the schedule from a closed breaker (its virtual clock cannot measure a cool-down); force starts afresh.
      const remembers = !dryRun && !config.force && config.breaker.threshold > 0 && ports.previousBreaker !== undefined;
      const restoredBreaker = remembers ? restoreBreaker(ports.previousBreaker, config.breaker.cooldownMs, scheduler.now()) : undefined;
      engine = new RunEngine({
        plan,
        config,
        ports: dryRun ? { ...ports, runner: simulatedRunner(durations, scheduler) } : ports,
        scheduler,
        runId: ports.runId ?? `run-${new Date(scheduler.now()).toISOString()}`,
        resume,
        priority,
        ...(restoredBreaker === undefined ? {} : { restoredBreaker }),
        dryRun,
        emit: (event) => subscriber.next(event),
        complete: () => subscriber.complete(),
      });
      ports.signal?.addEventListener('abort', onAbort, { once: true });
      engine.start();
      virtual?.flush();
    }).catch((error: unknown) => subscriber.error(error));
    return () => {
      closed = true;
      ports.signal?.removeEventListener('abort', onAbort);
      engine?.dispose();
    };
  });
}

/** The summary of a run, once its `run:finished` event arrives. */
export function collectRunSummary(events$: Observable<HypervisorEvent>): Promise<RunSummary> {
  return lastValueFrom(
    events$.pipe(
      filter((event): event is Extract<HypervisorEvent, { type: 'run:finished' }> => event.type === 'run:finished'),
      map((event) => event.summary),
    ),
  );
}
