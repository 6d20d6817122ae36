import { VirtualTimeScheduler } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Plan } from '../../plan/plan.js';
import type { HypervisorConfigInput } from '../config.js';
import { createRun } from '../create-run.js';
import type { RunPorts } from '../ports.js';
import { createFakeRunner } from './fake-runner.js';
import type { FakeRunner, ScriptStep } from './fake-runner.js';
import { playRun } from './play-run.js';
import type { PlayRunOptions, PlayedRun } from './play-run.js';

/** Options of {@link runPlan}. */
export interface RunPlanOptions extends PlayRunOptions {
  readonly script?: Readonly<Record<number, readonly ScriptStep[]>>;
  /** Ports besides the runner, scheduler, run id and jitter source, which the harness supplies. */
  readonly ports?: Partial<RunPorts>;
  /** Builds extra ports once the scheduler exists (an approver or plugin host that needs it). */
  readonly portsOn?: (scheduler: VirtualTimeScheduler) => Partial<RunPorts>;
}

/** A played run with the pieces it ran on. */
export interface HarnessRun extends PlayedRun {
  readonly plan: Plan;
  readonly runner: FakeRunner;
  readonly scheduler: VirtualTimeScheduler;
}

/** A phase whose estimate (and, by default, whose fake run) takes `durationMs`. */
export function phase(id: number, durationMs: number, more: Omit<PhaseDefinition, 'id' | 'estimates'> = {}): PhaseDefinition {
  return { id, estimates: { durationMs }, ...more };
}

/**
 * Runs a plan with a scripted fake runner on a fresh virtual clock (starting at 0), run id `run-1` and neutral
 * jitter, and plays it to its end.
 */
export async function runPlan(phases: readonly PhaseDefinition[] | Plan, config: HypervisorConfigInput, options: RunPlanOptions = {}): Promise<HarnessRun> {
  const scheduler = new VirtualTimeScheduler();
  const plan = 'phases' in phases ? phases : definePlan(phases, { name: 'test-plan' });
  const runner = createFakeRunner({ scheduler, ...(options.script === undefined ? {} : { script: options.script }) });
  const ports: RunPorts = { runner, scheduler, runId: 'run-1', random: () => 0.5, ...options.ports, ...options.portsOn?.(scheduler) };
  const played = await playRun(createRun(plan, config, ports), scheduler, options);
  return { ...played, plan, runner, scheduler };
}
