import { join, resolve } from 'node:path';
import { asapScheduler, concat, defer, identity, ignoreElements, mergeMap, tap } from 'rxjs';
import type { Observable } from 'rxjs';
import type { HypervisorEvent, PluginHost, RunSummary, UnifiedMemoryManager } from '@kazuba/hypervisor-v2';
import type { Estimator } from '../graph/estimator.js';
import { loadPlan } from '../plan/load-plan.js';
import type { Plan } from '../plan/plan.js';
import { parseHypervisorConfig } from '../schedule/config.js';
import type { HypervisorConfig } from '../schedule/config.js';
import { prepareIsolation } from './isolation/prepare-isolation.js';
import type { IsolationDecision } from './isolation/prepare-isolation.js';
import { recoverCrashedRuns } from './isolation/recover-crashed-runs.js';
import type { RecoveredRun } from './isolation/recover-crashed-runs.js';
import { createWorktreeRunner } from './isolation/worktree-runner.js';
import type { HypervisorConfigInput } from '../schedule/config.js';
import { collectRunSummary, createRun } from '../schedule/create-run.js';
import type { Approver, PhaseRunner } from '../schedule/ports.js';
import type { CheckpointBarrier } from './store/checkpoint-barrier.js';
import type { AgentProfileInput } from './agents/agent-profile.js';
import { CoreError } from '../core-error.js';
import { checkPhaseAgents } from './agents/phase-agent.js';
import type { AgentChoice } from './agents/phase-agent.js';
import { createProcessRunner } from './agents/process-runner.js';
import type { RoutingRuleInput } from './agents/routing.js';
import { createProcessSupervisor } from './process/process-supervisor.js';
import { reapOrphans } from './process/reap-orphans.js';
import { createCheckpointBarrier } from './store/checkpoint-barrier.js';
import { createFileCheckpointStore } from './store/file-checkpoint-store.js';
import { createIndexedCheckpointStore } from './store/indexed-checkpoint-store.js';
import { indexFolder } from '../file-cache/stamp-index.js';
import { RUN_EVENTS_FILE, createRunEventLog } from './store/run-event-log.js';
import { RunRecorder, readPreviousBreaker } from './store/run-record.js';
import { storageFullCode } from './store/storage-full.js';
import { createStorageGuard } from './store/storage-guard.js';
import { createRunId, runFolder } from './store/run-folder.js';

/** Options of {@link runPlan}. */
export interface RunPlanOptions {
  /**
   * The project root: where agents run, where checkpoint paths and `.hypervisor/` live.
   * @default process.cwd()
   */
  readonly root?: string;
  /** The run's configuration (mode, workers, retries, timeouts, breaker …); see `hypervisorConfigSchema`. */
  readonly config?: HypervisorConfigInput;
  /**
   * The agent profile for phases without a `run:` line.
   * @default 'claude'
   */
  readonly agent?: string;
  /** Agent profiles added to, overriding, extending or replacing the built-in ones (see `agentProfileSchema`). */
  readonly profiles?: readonly AgentProfileInput[];
  /** The turn limit of phases that set no `max_turns`, over each profile's own. */
  readonly maxTurns?: number;
  /**
   * Rules that choose a phase's agent and model from its front matter (effort, title, body, group, tags), first
   * match wins; a phase's own `agent`/`model` win over them (see `routingRuleSchema`).
   * @default []
   */
  readonly routing?: readonly RoutingRuleInput[];
  /**
   * What an agent success becomes when the agent was denied an edit tool (claude's `permission_denials`): the
   * phase ends `partial`, or the attempt fails (`permission_denied`) and is retried.
   * @default 'partial'
   */
  readonly deniedEdits?: 'partial' | 'failed';
  /** Aborting it cancels the run gracefully: processes stopped, records written, then the summary. */
  readonly signal?: AbortSignal;
  /** Where durations come from (e.g. the bridge's history); the plan's hints by default. */
  readonly estimator?: Estimator;
  readonly plugins?: PluginHost;
  readonly memory?: UnifiedMemoryManager;
  /** Needed in interactive mode. */
  readonly approver?: Approver;
  /**
   * Identifies the run: its folder is `.hypervisor/runs/<runId>` (any character that is not safe in a folder
   * name replaced by `_`).
   * @default a new id from `createRunId`
   */
  readonly runId?: string;
  /** SIGTERM-to-SIGKILL grace when a phase's processes are stopped. */
  readonly killGraceMs?: number;
  /** The environment phases start from (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written into every record. */
  readonly hypervisorVersion?: string;
  /**
   * Whether each attempt runs in its own git worktree and branch, merged back into the branch checked out at the
   * root: `worktree` (the root must be the top of a git work tree with a commit, on a branch, its tracked files
   * clean), `none` (every phase in the root), or `auto`: `worktree` when the root is the top of a git work tree
   * with a commit, else `none`. Under `worktree` the group policy defaults to `ignore`. Dry runs use none.
   * @default 'auto'
   */
  readonly isolation?: 'auto' | 'worktree' | 'none';
  /** Run under worktree isolation although tracked files of the root are changed: phases start from the branch's tip. */
  readonly allowDirty?: boolean;
  /**
   * Told, once, that the run's own writes (a phase's log, a checkpoint, the run record) found the storage full or
   * read-only: the run then stops as on a cancel (nothing retried, no breaker failure) and a later run resumes.
   */
  readonly onStorageFull?: (message: string) => void;
  /**
   * Told, once, in one line, that the run's event log (`.hypervisor/runs/<run-id>/events.jsonl`) cannot be written:
   * the run goes on without it (a full or read-only disk is told through `onStorageFull` instead: it stops the run).
   */
  readonly onEventLogFailure?: (message: string) => void;
  /** Told which isolation the run uses, before any phase starts. */
  readonly onIsolation?: (decision: IsolationDecision) => void;
  /**
   * Told, under worktree isolation, what was done for each earlier run whose hypervisor died while it ran: the
   * phases it merged without a checkpoint (now complete), its worktrees removed and branches kept.
   */
  readonly onRecovery?: (recovered: readonly RecoveredRun[]) => void;
}

/** The isolation a run uses: decided from the option and the root, a dry run always none. */
async function decideIsolation(root: string, options: RunPlanOptions, dryRun: boolean): Promise<IsolationDecision> {
  const wanted = options.isolation ?? 'auto';
  if (wanted === 'none' || dryRun) return { isolation: 'none', reason: wanted === 'none' ? 'isolation none was asked for' : 'a dry run changes nothing' };
  const decision = await prepareIsolation(root, { allowDirty: options.allowDirty ?? false });
  if (decision.isolation === 'none' && wanted === 'worktree') {
    throw new CoreError('invalid_config', `worktree isolation needs a git repository: ${decision.reason}`, { root });
  }
  return decision;
}

/** Under worktree isolation phases cannot collide in one working tree: the group policy defaults to `ignore`. */
function isolatedConfig(options: RunPlanOptions, config: HypervisorConfig): HypervisorConfig {
  return options.config?.groupPolicy === undefined ? { ...config, groupPolicy: 'ignore' } : config;
}

function requireRunnableAgents(plan: Plan, choice: AgentChoice): void {
  const errors = checkPhaseAgents(plan, choice).filter((note) => note.severity === 'error');
  const [first] = errors;
  if (first === undefined) return;
  const more = errors.length === 1 ? '' : ` (and ${errors.length - 1} more)`;
  throw new CoreError('invalid_config', `${first.message}${more}`, { phaseIds: errors.map((note) => note.phaseId) });
}

/**
 * No phase process starts before the run record that says this run is running (with its process id) is on disk:
 * after a crash, that record is how the next run finds the processes left behind (see `reapOrphans`).
 */
function afterRecordStarted(runner: PhaseRunner, recorder: RunRecorder | undefined): PhaseRunner {
  if (recorder === undefined) return runner;
  return { run: (request) => defer(() => recorder.started()).pipe(mergeMap(() => runner.run(request))) };
}

/** The approver asks about a phase only once the reports of the phases that ended before are delivered. */
function afterDelivered(approver: Approver, barrier: CheckpointBarrier): Approver {
  return { decide: (request) => defer(() => barrier.delivered()).pipe(mergeMap(() => approver.decide(request))) };
}

/**
 * Runs a plan on this machine, as an Observable of lifecycle events: loads and validates the plan folder (or
 * takes a plan already loaded, e.g. cut down to some phases; its validation scripts resolve against `plan.dir`),
 * runs phases as processes (each attempt in its own process group, output logged under
 * `.hypervisor/runs/<run-id>/`), validates them, writes each phase's checkpoint and the run record, and
 * resumes from earlier checkpoints and from the breaker the previous run of the plan left open (the newest run
 * record of the same plan under the root, finished or crashed; with `force` the breaker starts closed). It
 * completes only once no process of the run is left and every record is written. Unsubscribing stops everything
 * at once.
 * @throws (errors the Observable with) PlanError for a bad plan, CoreError `invalid_config` for bad options, an
 *   unknown agent profile, a bad routing rule, or a phase whose agent settings its agent cannot take (see
 *   `checkPhaseAgents`).
 */
export function createPlanRun(plan: string | Plan, options: RunPlanOptions = {}): Observable<HypervisorEvent> {
  return defer(() => {
    const root = resolve(options.root ?? process.cwd());
    const planDir = typeof plan === 'string' ? resolve(root, plan) : resolve(root, plan.dir ?? '.');
    const config = parseHypervisorConfig(options.config);
    const runId = options.runId ?? createRunId();
    const runDir = runFolder(root, runId);
    const supervisor = createProcessSupervisor();
    const guard = createStorageGuard(options.onStorageFull);
    const recorder = config.mode === 'dry_run' ? undefined : new RunRecorder(join(runDir, 'run.toon'), (error) => guard.check(error, 'the run record'));
    const eventLog = config.mode === 'dry_run' ? undefined : createRunEventLog(join(runDir, RUN_EVENTS_FILE), {
      // A full disk is the guard's to tell (it stops the run); any other failure only loses the log.
      onWriteFailure: (message, error) => (storageFullCode(error) === undefined ? options.onEventLogFailure?.(message) : guard.check(error, 'the event log')),
    });
    const runner = createProcessRunner({
      supervisor,
      root,
      planDir,
      runDir,
      ...(options.agent === undefined ? {} : { profile: options.agent }),
      ...(options.profiles === undefined ? {} : { profiles: options.profiles }),
      ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
      ...(options.deniedEdits === undefined ? {} : { deniedEdits: options.deniedEdits }),
      ...(options.routing === undefined ? {} : { routing: options.routing }),
    });
    // A dry run writes nothing, not even the index of checkpoint states.
    const fileStore = createFileCheckpointStore({ root, format: config.checkpointFormat });
    const store = config.mode === 'dry_run' ? fileStore : createIndexedCheckpointStore(fileStore, { root, indexDir: indexFolder(root), key: planDir });
    // Watchers see a phase finished only once its checkpoint is on disk (a dry run writes none).
    const barrier = createCheckpointBarrier(guard.watchStore(store));
    const settle = defer(async () => {
      await supervisor.shutdown();
      await eventLog?.close();
      // A record the full disk could not take has stopped the run and said so already.
      await recorder?.settled().catch((error: unknown) => {
        if (storageFullCode(error) === undefined) throw error;
      });
    }).pipe(ignoreElements());
    // A run that finds the processes of a crashed earlier run still alive ends them before starting its own.
    const plan$ = defer(async () => {
      const { crashedRuns } = config.mode === 'dry_run' ? { crashedRuns: [] } : await reapOrphans(root);
      const loaded = typeof plan === 'string' ? await loadPlan(planDir, config.mode === 'dry_run' ? {} : { indexDir: indexFolder(root) }) : plan;
      requireRunnableAgents(loaded, runner.agents);
      const isolation = await decideIsolation(root, options, config.mode === 'dry_run');
      options.onIsolation?.(isolation);
      if (isolation.isolation === 'worktree' && crashedRuns.length > 0) {
        options.onRecovery?.(await recoverCrashedRuns(root, { runIds: crashedRuns, plan: loaded, store }));
      }
      // Read before this run writes its own record (a reused run id names the same file).
      const previousBreaker = await readPreviousBreaker(root, loaded.name);
      return { loaded, isolation, previousBreaker };
    });
    const run$ = plan$.pipe(
      mergeMap(({ loaded, isolation, previousBreaker }) =>
        createRun(loaded, isolation.isolation === 'worktree' ? isolatedConfig(options, config) : config, {
          runner: afterRecordStarted(guard.watchRunner(isolation.isolation === 'worktree' ? createWorktreeRunner({ root, runner, runId, hypervisorVersion: options.hypervisorVersion ?? '0.0.0' }) : runner), recorder),
          store: barrier.store,
          runId,
          scheduler: asapScheduler,
          signal: options.signal === undefined ? guard.signal : AbortSignal.any([options.signal, guard.signal]),
          ...(options.estimator === undefined ? {} : { estimator: options.estimator }),
          ...(options.plugins === undefined ? {} : { plugins: options.plugins }),
          ...(options.memory === undefined ? {} : { memory: options.memory }),
          ...(options.approver === undefined ? {} : { approver: afterDelivered(options.approver, barrier) }),
          ...(options.hypervisorVersion === undefined ? {} : { hypervisorVersion: options.hypervisorVersion }),
          ...(previousBreaker === undefined ? {} : { previousBreaker }),
        }),
      ),
      config.mode === 'dry_run' ? identity : barrier.hold,
      tap((event) => {
        recorder?.observe(event);
        eventLog?.observe(event);
      }),
    );
    const stop = (): void => {
      void supervisor.shutdown();
      void eventLog?.close();
      void recorder?.flush();
    };
    return concat(run$, settle).pipe(tap({ unsubscribe: stop, error: stop }),
    );
  });
}

/**
 * Runs a plan folder and resolves with its summary once the run is over and no process is left.
 * @example
 * const summary = await runPlan('plans/v2', { root: process.cwd(), config: { mode: 'parallel', maxWorkers: 4 } });
 * if (summary.outcome !== 'succeeded') process.exitCode = 1;
 */
export function runPlan(plan: string | Plan, options: RunPlanOptions = {}): Promise<RunSummary> {
  return collectRunSummary(createPlanRun(plan, options));
}
