import { inspect } from 'node:util';
import { analyzePlan, createHintEstimator, isPlanError, loadPlan } from '@kazuba/core';
import type { Approver, Estimator, EstimateSource, Phase, Plan } from '@kazuba/core';
import { createFileCheckpointStore, createIndexedCheckpointStore, indexFolder, runFolder } from '@kazuba/core/node';
import { checkAgents, chooseAgents } from './agent-choice.js';
import { createHypervisorBridge, loadDurationHistory } from '@kazuba/bridge';
import type { BridgeError, HypervisorBridge } from '@kazuba/bridge';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import type { CliIo } from '../cli-io.js';
import { CliError } from './cli-error.js';
import { createIsolationNotes } from './isolation-notes.js';
import type { IsolationNotes } from './isolation-notes.js';
import { createLiveProgress } from './live-progress.js';
import { describePhaseCommand } from './phase-command.js';
import type { PhaseCommand } from './phase-command.js';
import { createPlainProgress } from './plain-progress.js';
import type { PlanRunSetup } from './plan-run.js';
import type { ProgressDisplay } from './progress-display.js';
import type { RunCommandDeps } from './run-command.js';
import { formatDryRunReport } from './run-report.js';
import type { ReportContext } from './run-report.js';
import type { ResolvedRunOptions } from './run-options.js';
import { RunTracker } from './run-tracker.js';
import { selectPhases } from './select-phases.js';
import { colorEnabled, createStyles } from './styles.js';
import type { Styles } from './styles.js';
import { createTerminalApprover } from './terminal-approver.js';
import type { SelectPrompt } from './terminal-approver.js';

/** What `prepareRun` works from. */
export interface PrepareRunInput {
  readonly options: ResolvedRunOptions;
  /** The plan folder as the user typed it, for messages. */
  readonly planArg: string;
  readonly io: CliIo;
  readonly deps: RunCommandDeps;
  readonly runId: string;
  readonly version: string;
}

/** A run ready to start: the plan loaded, the estimator, display, approver and bridge built. */
export interface PreparedRun {
  readonly display: ProgressDisplay;
  readonly reportContext: ReportContext;
  /** How to run it. */
  readonly setup: PlanRunSetup;
  /** Stops the run gracefully (and closes an open prompt): aborts the setup's signal. */
  cancel(reason: Error): void;
  /** Takes one event: the tracker, the bridge and the display see it. */
  observe(event: HypervisorEvent): void;
  /** The dry run's report from its events. */
  dryRunReport(events: readonly HypervisorEvent[]): string;
  /**
   * Appends the recorded learning events to the events file (nothing in a dry run), then compacts the file when it
   * holds more than `run.events.keepRuns` runs; a failed compaction is a warning, the events being saved.
   */
  saveEvents(): Promise<void>;
}

async function readPlan(planDir: string, planArg: string, options: ResolvedRunOptions): Promise<Plan> {
  try {
    // The index under the root spares a resume the reading and parsing of every unchanged phase file; a dry run
    // writes nothing, so it goes without.
    return await loadPlan(planDir, options.mode === 'dry_run' ? {} : { indexDir: indexFolder(options.root) });
  } catch (error) {
    if (!isPlanError(error)) throw error;
    // Each file named as the folder the user typed, joined with the file's name, as `plan` and `status` name it.
    throw new CliError('invalid_plan', error.describeIn(planArg), { cause: error });
  }
}

async function buildEstimator(options: ResolvedRunOptions, plan: Plan, warn: (text: string) => void): Promise<Estimator> {
  const fallback = createHintEstimator();
  if (!options.history) return fallback;
  const bad: BridgeError[] = [];
  const history = await loadDurationHistory<Phase, EstimateSource>(options.eventsFile, { plan: plan.name, fallback, onInvalidLine: (error) => void bad.push(error) });
  const [first] = bad;
  if (first !== undefined) warn(`warning: ${bad.length} line${bad.length === 1 ? '' : 's'} of the duration history left out; the first: ${first.message}`);
  return history;
}

/**
 * Says which checkpoints cannot be read: resume does not count them as complete, so their phases run again,
 * and the user should know why.
 */
async function warnUnreadableCheckpoints(plan: Plan, options: ResolvedRunOptions, warn: (text: string) => void): Promise<void> {
  if (options.force || options.mode === 'dry_run') return;
  // Through the index the run itself then uses: unchanged checkpoints cost one stat each, here and in the run.
  const store = createIndexedCheckpointStore(createFileCheckpointStore({ root: options.root }), { root: options.root, indexDir: indexFolder(options.root), key: options.planDir });
  const problems = await Promise.all(
    plan.phases.map(async (phase) => {
      try {
        await store.read(phase);
        return undefined;
      } catch (error) {
        return `warning: ${error instanceof Error ? error.message : inspect(error)}; phase ${phase.id} runs again`;
      }
    }),
  );
  for (const problem of problems) if (problem !== undefined) warn(problem);
}

function createDisplay(options: ResolvedRunOptions, io: CliIo, tracker: RunTracker, styles: Styles, deps: RunCommandDeps): ProgressDisplay {
  if (io.stderr.isTTY === true && !options.quiet && options.mode !== 'dry_run') {
    // The real prompt reads the keyboard: between prompts, the view holds it (see createLiveProgress).
    const keyboard = options.mode === 'interactive' && deps.select === undefined ? { keyboard: process.stdin } : {};
    return createLiveProgress({ stream: io.stderr, tracker, styles, ...keyboard, ...(deps.now === undefined ? {} : { now: deps.now }), ...(deps.ticker === undefined ? {} : { ticker: deps.ticker }) });
  }
  return createPlainProgress({ stream: io.stderr, tracker, styles, quiet: options.quiet, verbose: options.verbose });
}

async function createApprover(input: PrepareRunInput, plan: Plan, display: ProgressDisplay, commandOf: (phase: Phase) => string, signal: AbortSignal): Promise<Approver> {
  const select: SelectPrompt = input.deps.select ?? (await import('@inquirer/prompts')).select;
  const titleOf = (id: number): string => plan.byId.get(id)?.title ?? `phase ${id}`;
  return createTerminalApprover({ select, output: process.stderr, titleOf, commandOf, display, signal });
}

function tell(display: ProgressDisplay, assumedDone: ReadonlyMap<number, readonly number[]>): void {
  for (const [id, deps] of assumedDone) {
    display.note(`phase ${id} depends on ${deps.join(', ')}, not selected: taken as done`, 'info');
  }
}

/** The engine's configuration from the flags and the config file. */
function toRunConfig(options: ResolvedRunOptions): PlanRunSetup['config'] {
  return {
    mode: options.mode,
    maxWorkers: options.workers,
    timeoutPerPhaseMs: options.timeoutMs,
    maxRetries: options.retries,
    keepGoing: options.keepGoing,
    force: options.force,
    checkpointFormat: options.checkpointFormat,
    // A default group policy is left to the run: `ignore` under worktree isolation, `strict` otherwise.
    ...(options.sources['groupPolicy'] === 'default' ? {} : { groupPolicy: options.groupPolicy }),
    retryFreshSession: options.retryFreshSession,
    ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd }),
    ...(options.stallWindowMs === undefined ? {} : { stallWindowMs: options.stallWindowMs }),
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
  };
}

/** One line for people: `claude (opus): claude -p <prompt: 812 chars> …`. */
function commandLine({ agent, model, command }: PhaseCommand): string {
  return agent === 'shell' ? command : `${agent} (${model}): ${command}`;
}

function createTracker(plan: Plan, estimator: Estimator, options: ResolvedRunOptions): RunTracker {
  const phases = plan.phases.map((phase) => {
    const { durationMs, source } = estimator.estimate(phase);
    return { id: phase.id, title: phase.title, dependsOn: phase.dependsOn, estimateMs: durationMs, estimateSource: source };
  });
  return new RunTracker(phases, { plan: plan.name, mode: options.mode, workers: options.workers, budgetUsd: options.maxCostUsd });
}

/** The parts of a prepared run that its methods work with. */
interface Parts {
  readonly input: PrepareRunInput;
  readonly setup: PlanRunSetup;
  readonly controller: AbortController;
  readonly tracker: RunTracker;
  readonly styles: Styles;
  readonly display: ProgressDisplay;
  readonly commandOf: (phase: Phase) => PhaseCommand;
  readonly isolationNotes: IsolationNotes;
  /** Why the run stopped by itself (its storage was full), once it did. */
  readonly stoppedBy: () => string | undefined;
}

function assemble({ input, setup, controller, tracker, styles, display, commandOf, isolationNotes, stoppedBy }: Parts): PreparedRun {
  const { options, io } = input;
  const { plan, estimator } = setup;
  const dryRun = options.mode === 'dry_run';
  const bridge: HypervisorBridge = createHypervisorBridge({ phases: plan.phases, enabled: !dryRun });
  const phaseOf = (id: number): Phase => plan.byId.get(id) as Phase;
  return {
    display,
    setup,
    reportContext: {
      tracker,
      styles,
      cwd: io.cwd ?? process.cwd(),
      runDir: runFolder(options.root, input.runId),
      rerunCommand: `hypervisor run ${input.planArg}`,
      keptWorktrees: isolationNotes.keptWorktrees,
      stoppedBy,
    },
    cancel: (reason) => controller.abort(reason),
    observe: (event) => {
      tracker.apply(event);
      bridge.record(event);
      if (!dryRun) display.onEvent(event);
    },
    dryRunReport: (events) =>
      formatDryRunReport(events, {
        tracker,
        estimateOf: (id) => estimator.estimate(phaseOf(id)),
        commandOf: (id) => commandOf(phaseOf(id)),
        criticalPath: analyzePlan(plan, { workers: options.workers, estimator }).criticalPath,
      }),
    saveEvents: async () => {
      if (dryRun || (await bridge.exportJsonl(options.eventsFile, { append: true })).count === 0) return;
      // Past `run.events.keepRuns` runs, the oldest keep only the durations the estimator reads.
      const { compactLearningEventsFile, isBridgeError } = await import('@kazuba/bridge');
      const warn = (text: string): void => void io.stderr.write(`hypervisor: warning: ${text}\n`);
      const bad: BridgeError[] = [];
      try {
        const keepRuns = options.eventsKeepRuns === undefined ? {} : { keepRuns: options.eventsKeepRuns };
        const { rewritten } = await compactLearningEventsFile(options.eventsFile, { ...keepRuns, onInvalidLine: (error) => void bad.push(error) });
        if (rewritten && bad[0] !== undefined) warn(`compacting the events file left out ${bad.length} invalid line${bad.length === 1 ? '' : 's'}; the first: ${bad[0].message}`);
      } catch (error) {
        if (!isBridgeError(error)) throw error;
        warn(`the events file was not compacted: ${error.message}`);
      }
    },
  };
}

/**
 * Everything before the run starts: the agent profiles checked (and each phase's agent settings: warnings told), the plan loaded and cut down to the selected
 * phases, the estimator (the duration history unless `--no-history`), the display, the approver (interactive
 * mode) and the bridge that records the learning events.
 * @throws CliError `invalid_option` (unknown agent, a bad agent flag, an unknown phase id), `invalid_plan` (also a
 *   phase whose agent settings its agent cannot take); BridgeError for an unreadable history.
 */
export async function prepareRun(input: PrepareRunInput): Promise<PreparedRun> {
  const { options, io } = input;
  const agents = chooseAgents(options);
  const { plan, assumedDone } = selectPhases(await readPlan(options.planDir, input.planArg, options), options.selection);
  const styles = createStyles(colorEnabled(io.stderr, io.env ?? process.env));
  const warn = (text: string): void => void io.stderr.write(`hypervisor: ${text}\n`);
  for (const note of checkAgents(plan, agents)) warn(`warning: ${note}`);
  const estimator = await buildEstimator(options, plan, warn);
  await warnUnreadableCheckpoints(plan, options, warn);
  const tracker = createTracker(plan, estimator, options);
  const display = createDisplay(options, io, tracker, styles, input.deps);
  tell(display, assumedDone);
  const commandOf = (phase: Phase): PhaseCommand => describePhaseCommand(phase, agents, options.root);
  const controller = new AbortController();
  const isolationNotes = createIsolationNotes(options.root, input.runId, (text) => display.note(text, 'info'));
  let storageFull: string | undefined;
  const approver = options.mode === 'interactive' ? await createApprover(input, plan, display, (phase) => commandLine(commandOf(phase)), controller.signal) : undefined;
  const setup: PlanRunSetup = {
    plan,
    root: options.root,
    runId: input.runId,
    config: toRunConfig(options),
    agent: options.agent,
    profiles: options.profiles,
    routing: options.routing,
    deniedEdits: options.deniedEdits,
    isolation: options.isolation,
    allowDirty: options.allowDirty,
    onIsolation: isolationNotes.onIsolation,
    onRecovery: isolationNotes.onRecovery,
    onStorageFull: (message) => {
      storageFull = message;
      display.note(`stopped: ${message}`, 'error');
    },
    onEventLogFailure: (message) => display.note(`warning: ${message}`, 'info'),
    ...(options.maxTurns === undefined ? {} : { maxTurns: options.maxTurns }),
    estimator,
    signal: controller.signal,
    hypervisorVersion: input.version,
    ...(approver === undefined ? {} : { approver }),
  };
  return assemble({ input, setup, controller, tracker, styles, display, commandOf, isolationNotes, stoppedBy: () => storageFull });
}
