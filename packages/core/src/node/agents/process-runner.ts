import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { defer } from 'rxjs';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import type { AgentDelegationEngine, DelegationHandle, DelegationOutcome, DelegationRequest } from '@kazuba/hypervisor-v2';
import { CoreError } from '../../core-error.js';
import type { AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { buildProcessSpec, describeProcessSpec, resolveProfiles } from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';
import { pathSegment, runFolder } from '../store/run-folder.js';
import type { ProcessLauncher } from './process-launcher.js';
import { runAttempt, settleOnce } from './run-attempt.js';
import type { AttemptPlan } from './run-attempt.js';

/** Options of {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** Starts each process in its own group, logs and streams its output, and stops the group on abort. */
  readonly supervisor: ProcessLauncher;
  /**
   * The project root: working directory of every process, `HYPERVISOR_ROOT`, base of checkpoint paths.
   * @default process.cwd()
   */
  readonly root?: string;
  /**
   * The plan folder, against which validation scripts are resolved (relative to `root`).
   * @default root
   */
  readonly planDir?: string;
  /**
   * The profile that runs a phase without a `run:` line (a phase with one always uses `shell`).
   * @default 'claude'
   */
  readonly profile?: string;
  /** Profiles added to the built-ins, or replacing one of the same name. */
  readonly profiles?: readonly AgentProfileInput[];
  /**
   * Where logs go (`phase-<id>.log`), relative to `root`.
   * @default `<root>/.hypervisor/runs/<runId>`
   */
  readonly runDir?: string;
  /**
   * Time between SIGTERM and SIGKILL when an attempt (agent or validation) is stopped.
   * @default the supervisor's (3000)
   */
  readonly killGraceMs?: number;
  /**
   * The turn limit of phases that set none (`max_turns`), for profiles whose template uses `{maxTurns}`.
   * @default each profile's `defaultMaxTurns` (50 for `claude`)
   */
  readonly maxTurns?: number;
  /**
   * The environment every process starts from, before the `HYPERVISOR_*` variables are added.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A runner of phases as local processes: a {@link PhaseRunner} for the scheduler and an agent delegation engine. */
export type ProcessRunner = PhaseRunner & AgentDelegationEngine<AttemptResult>;

const scalarOptionsSchema = z.object({
  root: z.string().min(1).optional(),
  planDir: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  runDir: z.string().min(1).optional(),
  killGraceMs: z.int().nonnegative().max(2_147_483_647).optional(),
  maxTurns: z.int().positive().optional(),
});

interface ResolvedRunnerOptions {
  readonly launcher: ProcessLauncher;
  readonly root: string;
  readonly planDir: string;
  readonly profiles: ReadonlyMap<string, AgentProfile>;
  readonly defaultProfile: AgentProfile;
  readonly runDir?: string;
  readonly killGraceMs?: number;
  readonly maxTurns?: number;
  readonly env: Readonly<Record<string, string>>;
}

function definedEntries(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

function findProfile(profiles: ReadonlyMap<string, AgentProfile>, name: string): AgentProfile {
  const profile = profiles.get(name);
  if (profile !== undefined) return profile;
  const known = [...profiles.keys()].join(', ');
  throw new CoreError('invalid_config', `unknown agent profile "${name}" (known: ${known})`, { profile: name });
}

function resolveRunnerOptions(options: ProcessRunnerOptions): ResolvedRunnerOptions {
  const parsed = scalarOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new CoreError('invalid_config', `invalid process runner options: ${problems}`, { issues: parsed.error.issues }, { cause: parsed.error });
  }
  const { root: rootOption, planDir, profile, runDir, killGraceMs, maxTurns } = parsed.data;
  const root = resolve(rootOption ?? process.cwd());
  const profiles = resolveProfiles(options.profiles);
  return {
    launcher: options.supervisor,
    root,
    planDir: resolve(root, planDir ?? '.'),
    profiles,
    defaultProfile: findProfile(profiles, profile ?? 'claude'),
    env: definedEntries(options.env ?? process.env),
    ...(runDir === undefined ? {} : { runDir: resolve(root, runDir) }),
    ...(killGraceMs === undefined ? {} : { killGraceMs }),
    ...(maxTurns === undefined ? {} : { maxTurns }),
  };
}

interface AttemptIdentity {
  readonly runId: string;
  readonly phaseId: number;
  readonly attempt: number;
  readonly logName: string;
}

function planProcess(
  resolved: ResolvedRunnerOptions,
  profile: AgentProfile,
  task: string,
  maxTurns: number | undefined,
  who: AttemptIdentity,
): Omit<AttemptPlan, 'signal'> {
  const env = {
    ...resolved.env,
    HYPERVISOR_RUN_ID: who.runId,
    HYPERVISOR_PHASE_ID: String(who.phaseId),
    HYPERVISOR_ATTEMPT: String(who.attempt),
    HYPERVISOR_ROOT: resolved.root,
  };
  const turns = maxTurns ?? resolved.maxTurns;
  const spec = buildProcessSpec(profile, { prompt: task, root: resolved.root, env, ...(turns === undefined ? {} : { maxTurns: turns }) });
  const runDir = resolved.runDir ?? runFolder(resolved.root, who.runId);
  return {
    launcher: resolved.launcher,
    profile,
    spec,
    logFile: join(runDir, who.logName),
    logHeader: `=== phase ${who.phaseId} attempt ${who.attempt}: ${describeProcessSpec(spec)} ===`,
    ...(resolved.killGraceMs === undefined ? {} : { killGraceMs: resolved.killGraceMs }),
  };
}

function planAttempt(resolved: ResolvedRunnerOptions, request: AttemptRequest): AttemptPlan {
  const { phase } = request;
  const profile = phase.run === undefined ? resolved.defaultProfile : findProfile(resolved.profiles, 'shell');
  const who = { runId: request.runId, phaseId: phase.id, attempt: request.attempt, logName: `phase-${phase.id}.log` };
  const base = planProcess(resolved, profile, phase.run ?? request.prompt, phase.maxTurns, who);
  const validation =
    phase.validationScript === undefined
      ? {}
      : { validation: { script: phase.validationScript, planDir: resolved.planDir, root: resolved.root, env: base.spec.env } };
  return { ...base, ...validation, signal: request.signal, checkpointPath: resolve(resolved.root, phase.checkpoint) };
}

function cancelReason(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  const message = (reason as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : 'cancelled';
}

function delegationOptions(request: DelegationRequest): { readonly maxTurns?: number } {
  const maxTurns = request.options?.['maxTurns'];
  return typeof maxTurns === 'number' && Number.isInteger(maxTurns) && maxTurns > 0 ? { maxTurns } : {};
}

class LocalProcessRunner implements ProcessRunner {
  readonly #resolved: ResolvedRunnerOptions;
  readonly #delegationRunId = `delegated-${randomUUID()}`;
  #sequence = 0;

  constructor(resolved: ResolvedRunnerOptions) {
    this.#resolved = resolved;
  }

  run(request: AttemptRequest): Observable<RunnerEvent> {
    return settleOnce(defer(() => runAttempt(planAttempt(this.#resolved, request))));
  }

  delegate(request: DelegationRequest): DelegationHandle<AttemptResult> {
    this.#sequence += 1;
    const taskId = `${request.agentType}-${request.phaseId}-${this.#sequence}`;
    const controller = new AbortController();
    const abort = (): void => controller.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', abort, { once: true });
    if (request.signal?.aborted === true) abort();
    const outcome = this.#execute(request, taskId, controller.signal).finally(() => request.signal?.removeEventListener('abort', abort));
    return Object.freeze({ taskId, outcome, cancel: (reason?: string) => controller.abort(reason ?? 'cancelled') });
  }

  #execute(request: DelegationRequest, taskId: string, signal: AbortSignal): Promise<DelegationOutcome<AttemptResult>> {
    return new Promise((settle) => {
      const cancelled = (): void => settle({ status: 'cancelled', reason: cancelReason(signal.reason) });
      if (signal.aborted) return cancelled();
      let plan: AttemptPlan;
      try {
        const profile = findProfile(this.#resolved.profiles, request.agentType);
        const who = { runId: this.#delegationRunId, phaseId: request.phaseId, attempt: 1, logName: `task-${pathSegment(taskId)}.log` };
        plan = { ...planProcess(this.#resolved, profile, request.task, delegationOptions(request).maxTurns, who), signal };
      } catch (error) {
        return settle({ status: 'failed', error });
      }
      let result: AttemptResult | undefined;
      runAttempt(plan).subscribe({
        next: (event) => {
          if (event.type === 'result') result = event.result;
        },
        complete: () => (signal.aborted || result === undefined ? cancelled() : settle({ status: 'completed', value: result })),
      });
    });
  }
}

/**
 * Creates the runner that executes phases as local processes. Each attempt runs the phase's `run:` line with
 * the `shell` profile, or hands the prompt to the default agent profile; its environment is `env` plus
 * `HYPERVISOR_RUN_ID`, `HYPERVISOR_PHASE_ID`, `HYPERVISOR_ATTEMPT` and `HYPERVISOR_ROOT`; its output is relayed
 * and logged to `<runDir>/phase-<id>.log`. An agent success is then checked by the phase's validation script,
 * and a checkpoint written at the phase's checkpoint path during the attempt is returned as `scriptCheckpoint`.
 * `delegate` runs a task with the profile named by its `agentType` (no validation), honouring
 * `options.maxTurns`; its outcome is `completed` with the attempt's result, `cancelled`, or `failed` when the
 * task cannot be started (an unknown profile), and never rejects.
 *
 * @throws CoreError `invalid_config` when an option or a profile is invalid, or the default profile is unknown.
 * @example
 * const runner = createProcessRunner({ supervisor: createProcessSupervisor(), root: '/repo', planDir: 'plans/v2' });
 * runner.run({ runId: 'r1', phase, attempt: 1, prompt: phase.prompt, signal }).subscribe((event) => {
 *   if (event.type === 'result') console.log(event.result.outcome);
 * });
 */
export function createProcessRunner(options: ProcessRunnerOptions): ProcessRunner {
  return new LocalProcessRunner(resolveRunnerOptions(options));
}
