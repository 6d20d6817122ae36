import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { defer } from 'rxjs';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import type { AgentDelegationEngine, DelegationHandle, DelegationOutcome, DelegationRequest } from '@kazuba/hypervisor-v2';
import { CoreError } from '../../core-error.js';
import type { AttemptRequest, AttemptResult, PhaseRunner, RunnerEvent } from '../../schedule/ports.js';
import { buildProcessSpec, describeProcessSpec, resumedSessionOf } from './agent-args.js';
import type { AgentInvocation } from './agent-args.js';
import { resolveProfiles } from './agent-profile.js';
import type { AgentProfile, AgentProfileInput } from './agent-profile.js';
import { phaseAgentOf } from './phase-agent.js';
import type { AgentChoice, PhaseAgent } from './phase-agent.js';
import { parseRoutingRules } from './routing.js';
import type { RoutingRuleInput } from './routing.js';
import { pathSegment, runFolder } from '../store/run-folder.js';
import type { ProcessLauncher } from './process-launcher.js';
import { runAttempt, settleOnce } from './run-attempt.js';
import type { AttemptPlan } from './run-attempt.js';

/** Options of {@link createProcessRunner}. */
export interface ProcessRunnerOptions {
  /** Starts each process in its own group, logs and streams its output, and stops the group on abort. */
  readonly supervisor: ProcessLauncher;
  /**
   * The project root: working directory of every process (unless an attempt names its `workdir`),
   * `HYPERVISOR_ROOT`, base of checkpoint paths, logs and `workdir`.
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
   * The turn limit of phases that set none (`max_turns`), for claude and templates that use `{maxTurns}`.
   * @default each profile's `maxTurns` (50 for `claude`)
   */
  readonly maxTurns?: number;
  /**
   * What an agent success becomes when the agent was denied an edit tool: a `partial` phase, or a failed attempt.
   * @default 'partial'
   */
  readonly deniedEdits?: 'partial' | 'failed';
  /**
   * Rules that choose a phase's agent and model from its front matter, first match wins (see `routingRuleSchema`);
   * a phase's own `agent`/`model` win over them.
   * @default []
   */
  readonly routing?: readonly RoutingRuleInput[];
  /**
   * The environment every process starts from, before the `HYPERVISOR_*` variables are added.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A runner of phases as local processes: a {@link PhaseRunner} for the scheduler and an agent delegation engine. */
export interface ProcessRunner extends PhaseRunner, AgentDelegationEngine<AttemptResult> {
  /** The profiles it runs phases with and its default agent, to check a plan against before running it. */
  readonly agents: AgentChoice;
}

const scalarOptionsSchema = z.object({
  root: z.string().min(1).optional(),
  planDir: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  runDir: z.string().min(1).optional(),
  killGraceMs: z.int().nonnegative().max(2_147_483_647).optional(),
  maxTurns: z.int().positive().optional(),
  deniedEdits: z.enum(['partial', 'failed']).optional(),
});

interface ResolvedRunnerOptions {
  readonly launcher: ProcessLauncher;
  readonly root: string;
  readonly planDir: string;
  readonly choice: AgentChoice;
  readonly runDir?: string;
  readonly killGraceMs?: number;
  readonly deniedEdits?: 'partial' | 'failed';
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
  const { root: rootOption, planDir, profile, runDir, killGraceMs, maxTurns, deniedEdits } = parsed.data;
  const root = resolve(rootOption ?? process.cwd());
  const profiles = resolveProfiles(options.profiles);
  const routing = parseRoutingRules(options.routing ?? [], profiles);
  const choice: AgentChoice = {
    profiles,
    defaultProfile: findProfile(profiles, profile ?? 'claude'),
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(routing.length === 0 ? {} : { routing }),
  };
  return {
    launcher: options.supervisor,
    root,
    planDir: resolve(root, planDir ?? '.'),
    choice,
    env: definedEntries(options.env ?? process.env),
    ...(runDir === undefined ? {} : { runDir: resolve(root, runDir) }),
    ...(killGraceMs === undefined ? {} : { killGraceMs }),
    ...(deniedEdits === undefined ? {} : { deniedEdits }),
  };
}

interface AttemptIdentity {
  readonly runId: string;
  readonly phaseId: number;
  readonly attempt: number;
  readonly logName: string;
  /** Where the attempt's processes run when not in the project root (its worktree), absolute. */
  readonly workdir?: string;
}

function planProcess(resolved: ResolvedRunnerOptions, agent: PhaseAgent, task: string, who: AttemptIdentity, resumeSession?: string): Omit<AttemptPlan, 'signal'> {
  const { profile, model, maxTurns, allowedTools } = agent;
  const env = {
    ...resolved.env,
    HYPERVISOR_RUN_ID: who.runId,
    HYPERVISOR_PHASE_ID: String(who.phaseId),
    HYPERVISOR_ATTEMPT: String(who.attempt),
    HYPERVISOR_ROOT: resolved.root,
    ...(who.workdir === undefined ? {} : { HYPERVISOR_WORKTREE: who.workdir }),
  };
  const invocation: AgentInvocation = {
    prompt: task,
    root: who.workdir ?? resolved.root,
    env,
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(model === undefined ? {} : { model }),
    ...(allowedTools === undefined ? {} : { allowedTools }),
    ...(resumeSession === undefined ? {} : { resumeSession }),
  };
  const spec = buildProcessSpec(profile, invocation);
  const resumedSession = resumedSessionOf(profile, invocation);
  const runDir = resolved.runDir ?? runFolder(resolved.root, who.runId);
  const askedModel = model ?? profile.model;
  return {
    launcher: resolved.launcher,
    profile,
    spec,
    logFile: join(runDir, who.logName),
    logHeader: `=== phase ${who.phaseId} attempt ${who.attempt}: ${describeProcessSpec(spec, task)} ===`,
    ...(resolved.killGraceMs === undefined ? {} : { killGraceMs: resolved.killGraceMs }),
    ...(resolved.deniedEdits === undefined ? {} : { deniedEdits: resolved.deniedEdits }),
    ...(askedModel === undefined ? {} : { model: askedModel }),
    ...(resumedSession === undefined ? {} : { resumedSession }),
  };
}

function planAttempt(resolved: ResolvedRunnerOptions, request: AttemptRequest): AttemptPlan {
  const { phase } = request;
  const workdir = request.workdir === undefined ? undefined : resolve(resolved.root, request.workdir);
  const who = { runId: request.runId, phaseId: phase.id, attempt: request.attempt, logName: `phase-${phase.id}.log`, ...(workdir === undefined ? {} : { workdir }) };
  const base = planProcess(resolved, phaseAgentOf(phase, resolved.choice), phase.run ?? request.prompt, who, request.resumeSession);
  const validation =
    phase.validationScript === undefined
      ? {}
      : { validation: { script: phase.validationScript, planDir: resolved.planDir, root: base.spec.cwd, env: base.spec.env } };
  // In a worktree, a validation script writes the phase's checkpoint there: that is where it is looked for.
  return { ...base, ...validation, signal: request.signal, checkpointPath: resolve(workdir ?? resolved.root, phase.checkpoint) };
}

function cancelReason(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  const message = (reason as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : 'cancelled';
}

function delegatedAgent(profile: AgentProfile, request: DelegationRequest, runMaxTurns: number | undefined): PhaseAgent {
  const option = request.options?.['maxTurns'];
  const maxTurns = typeof option === 'number' && Number.isInteger(option) && option > 0 ? option : runMaxTurns;
  const model = request.options?.['model'];
  return { profile, ...(maxTurns === undefined ? {} : { maxTurns }), ...(typeof model === 'string' && model !== '' ? { model } : {}) };
}

class LocalProcessRunner implements ProcessRunner {
  readonly #resolved: ResolvedRunnerOptions;
  readonly #delegationRunId = `delegated-${randomUUID()}`;
  #sequence = 0;

  constructor(resolved: ResolvedRunnerOptions) {
    this.#resolved = resolved;
  }

  get agents(): AgentChoice {
    return this.#resolved.choice;
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
        const { choice } = this.#resolved;
        const agent = delegatedAgent(findProfile(choice.profiles, request.agentType), request, choice.maxTurns);
        const who = { runId: this.#delegationRunId, phaseId: request.phaseId, attempt: 1, logName: `task-${pathSegment(taskId)}.log` };
        plan = { ...planProcess(this.#resolved, agent, request.task, who), signal };
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
 * `HYPERVISOR_RUN_ID`, `HYPERVISOR_PHASE_ID`, `HYPERVISOR_ATTEMPT` and `HYPERVISOR_ROOT`. An attempt with a
 * `workdir` (its worktree) runs there, agent and validation script alike, with `HYPERVISOR_WORKTREE` set to it;
 * logs stay under the project root, and the checkpoint a validation script writes is looked for in the worktree
 * (the hypervisor writes its own record at the root). Its output is relayed and logged to `<runDir>/phase-<id>.log`, and a streaming agent's progress (turns, tool, cost) follows as `agent`
 * events. A retry's `resumeSession` reaches a claude profile as `--resume <id>` and comes back in the result as
 * `agent.resumedSession` (other kinds start a fresh session). An agent success is then checked by the phase's validation script,
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
