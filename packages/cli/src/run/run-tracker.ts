import type { EstimateSource } from '@kazuba/core';
import type { ExecutionMode, HypervisorEvent, HypervisorEventOf, PhaseStatus, RunSummary } from '@kazuba/hypervisor-v2';

/** What the display knows of a phase before the run: its title, dependencies and estimated duration. */
export interface PhaseInfo {
  readonly id: number;
  readonly title: string;
  readonly dependsOn: readonly number[];
  readonly estimateMs: number;
  /**
   * Where the estimate comes from: `history` was measured in earlier runs; any other source (a hint of the
   * plan, the default) is a guess until phases of this run show how far off it is.
   * @default 'default'
   */
  readonly estimateSource?: EstimateSource;
}

/** How long the rest of the run should take. */
export interface Eta {
  readonly ms: number;
  /** Nothing measured backs it: every phase it counts is estimated from hints or the default, none learned yet. */
  readonly guess: boolean;
}

/** A phase as the display shows it. */
export interface PhaseProgress {
  readonly info: PhaseInfo;
  readonly status: PhaseStatus;
  readonly attempt: number;
  /** When the current attempt started (epoch ms). */
  readonly attemptStartedAt: number | undefined;
  /** While waiting to retry: when the next attempt is due (epoch ms). */
  readonly retryAt: number | undefined;
  /** What the agent of the current attempt said about its progress (turns, the tool in use, cost so far). */
  readonly agent: AgentView;
}

/** The agent's progress in one attempt, as its `phase:agent` events report it. */
export interface AgentView {
  readonly turns?: number;
  readonly tool?: string;
  readonly costUsd?: number;
}

/** The circuit breaker's state, as its events report it. */
export type BreakerView = 'closed' | 'open' | 'half-open';

const FINISHED: ReadonlySet<PhaseStatus> = new Set(['success', 'partial', 'failed', 'skipped', 'cancelled']);

/** The phases whose duration says how long their work takes: they ran it to an end. */
const MEASURED: ReadonlySet<PhaseStatus> = new Set(['success', 'partial']);

/**
 * A running phase counts for at least this share of the time it has run: once past its estimate it has shown it
 * is slower than estimated, and the ETA then grows with it instead of sitting at zero while it runs on.
 */
const OVERRUN_SHARE = 0.25;

/** Estimates measured in earlier runs and estimates from hints are off by different factors: each learns its own. */
type EstimateKind = 'history' | 'hint';

const kindOf = (info: PhaseInfo): EstimateKind => (info.estimateSource === 'history' ? 'history' : 'hint');

/** The middle value (the mean of the two middle ones for an even count); undefined for none. */
function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length / 2;
  const middle = sorted.slice(Math.ceil(half) - 1, Math.floor(half) + 1);
  return middle.reduce((sum, value) => sum + value, 0) / middle.length;
}

interface MutablePhase {
  info: PhaseInfo;
  status: PhaseStatus;
  attempt: number;
  attemptStartedAt: number | undefined;
  retryAt: number | undefined;
  agent: AgentView;
}

/**
 * Follows a run's lifecycle events to know what the display shows: each phase's status and attempt, counts by
 * status, the breaker, the mode (it changes on a fallback) and an ETA from the estimates, which learns from the
 * phases this run finishes. Fed by the caller; reads no clock.
 */
export class RunTracker {
  readonly #phases = new Map<number, MutablePhase>();
  #mode: ExecutionMode;
  #workers: number;
  #breaker: BreakerView = 'closed';
  #startedAt: number | undefined;
  #summary: RunSummary | undefined;
  /** The last cost each attempt reported, by `phase:attempt`. */
  readonly #costs = new Map<string, number>();
  /** Actual duration over estimate of each phase this run finished, by the kind of its estimate. */
  readonly #ratios: Record<EstimateKind, number[]> = { history: [], hint: [] };

  /** The plan's name. */
  readonly plan: string;
  /** The run's budget in US dollars, when it has one. */
  readonly budgetUsd: number | undefined;

  constructor(
    phases: readonly PhaseInfo[],
    options: { readonly plan: string; readonly mode: ExecutionMode; readonly workers: number; readonly budgetUsd?: number | undefined },
  ) {
    this.plan = options.plan;
    this.#mode = options.mode;
    this.#workers = options.workers;
    this.budgetUsd = options.budgetUsd;
    for (const info of phases) this.#phases.set(info.id, { info, status: 'pending', attempt: 0, attemptStartedAt: undefined, retryAt: undefined, agent: {} });
  }

  /** What the run's attempts have cost so far, as the agents reported it; undefined while none said. */
  get spentUsd(): number | undefined {
    if (this.#costs.size === 0) return undefined;
    let sum = 0;
    for (const cost of this.#costs.values()) sum += cost;
    return sum;
  }

  /** The mode now: the run's, or `sequential` after a fallback. */
  get mode(): ExecutionMode {
    return this.#mode;
  }

  /** Most phases at once now (1 after a fallback). */
  get workers(): number {
    return this.#workers;
  }

  /** The circuit breaker's last reported state. */
  get breaker(): BreakerView {
    return this.#breaker;
  }

  /** When `run:started` came (epoch ms), once it has. */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** The summary, once `run:finished` came. */
  get summary(): RunSummary | undefined {
    return this.#summary;
  }

  /** The phase's title, or `phase <id>` for a phase the plan does not have. */
  titleOf(id: number): string {
    return this.#phases.get(id)?.info.title ?? `phase ${id}`;
  }

  /** Updates the state from one event. */
  apply(event: HypervisorEvent): void {
    switch (event.type) {
      case 'run:started':
        this.#startedAt = event.timestamp;
        this.#mode = event.mode;
        this.#workers = event.maxWorkers;
        return;
      case 'phase:queued':
        return this.#update(event.phaseId, { status: 'queued' });
      case 'phase:started':
        return this.#update(event.phaseId, { status: 'running', attempt: event.attempt, attemptStartedAt: event.timestamp, retryAt: undefined, agent: {} });
      case 'phase:agent': {
        this.#cost(event.phaseId, event.attempt, event.costUsd);
        const { turns, tool, costUsd } = event;
        const agent = this.#phases.get(event.phaseId)?.agent ?? {};
        const said = { ...(turns === undefined ? {} : { turns }), ...(tool === undefined ? {} : { tool }), ...(costUsd === undefined ? {} : { costUsd }) };
        return this.#update(event.phaseId, { agent: { ...agent, ...said } });
      }
      case 'phase:retrying':
        this.#cost(event.phaseId, event.attempt, event.costUsd);
        return this.#update(event.phaseId, { retryAt: event.timestamp + event.delayMs, attemptStartedAt: undefined });
      case 'phase:finished':
        if (event.attempts > 0) this.#cost(event.phaseId, event.attempts, event.costUsd);
        this.#learn(event);
        return this.#update(event.phaseId, { status: event.status, attemptStartedAt: undefined, retryAt: undefined });
      case 'breaker:opened':
        this.#breaker = 'open';
        return;
      case 'breaker:half-opened':
        this.#breaker = 'half-open';
        return;
      case 'breaker:closed':
        this.#breaker = 'closed';
        return;
      case 'breaker:restored':
        this.#breaker = event.state;
        return;
      case 'mode:fell-back':
        this.#mode = event.to;
        this.#workers = 1;
        return;
      case 'run:finished':
        this.#summary = event.summary;
        return;
      default:
        return;
    }
  }

  /**
   * Keeps how far off the estimate of a phase that ran its work to an end was. Its whole duration counts, retries
   * included, as the duration history measures it. A phase that failed (it may have broken at once or hit the
   * timeout), was cancelled, or was skipped (already complete, by the user, after a dependency) says nothing of
   * how long the work takes.
   */
  #learn(event: HypervisorEventOf<'phase:finished'>): void {
    const info = this.#phases.get(event.phaseId)?.info;
    if (info === undefined || !MEASURED.has(event.status) || event.attempts === 0 || info.estimateMs <= 0) return;
    this.#ratios[kindOf(info)].push(event.durationMs / info.estimateMs);
  }

  #cost(phaseId: number, attempt: number, costUsd: number | undefined): void {
    if (costUsd !== undefined) this.#costs.set(`${phaseId}:${attempt}`, costUsd);
  }

  #update(id: number, change: Partial<MutablePhase>): void {
    const phase = this.#phases.get(id);
    if (phase !== undefined) Object.assign(phase, change);
  }

  /** Phases that started and have not finished (running, or waiting to retry), by id. */
  active(): readonly PhaseProgress[] {
    return [...this.#phases.values()].filter((phase) => phase.status === 'running' || phase.status === 'validating');
  }

  /** How many phases have each status; statuses no phase has are left out. */
  counts(): ReadonlyMap<PhaseStatus, number> {
    const counts = new Map<PhaseStatus, number>();
    for (const phase of this.#phases.values()) counts.set(phase.status, (counts.get(phase.status) ?? 0) + 1);
    return counts;
  }

  /**
   * How long the rest of the run should take from `now`: the longer of the remaining critical path and the
   * remaining work spread over the workers. Each estimate is scaled by the median ratio of actual to estimated
   * duration of the phases this run finished with estimates of its kind (measured or hinted), so that the ETA
   * learns while the run goes; the median keeps one odd phase (many retries, a cache hit) from swinging it. A
   * running phase counts for what is left of its scaled estimate, but at least a quarter of the time it has run;
   * one waiting to retry, for the wait and its scaled estimate. Undefined once every phase has finished.
   */
  eta(now: number): Eta | undefined {
    const scale: Record<EstimateKind, number | undefined> = { history: median(this.#ratios.history), hint: median(this.#ratios.hint) };
    const remaining = new Map<number, number>();
    let guess = true;
    for (const [id, phase] of this.#phases) {
      if (FINISHED.has(phase.status)) continue;
      const kind = kindOf(phase.info);
      const learned = scale[kind];
      if (kind === 'history' || learned !== undefined) guess = false;
      const estimate = phase.info.estimateMs * (learned ?? 1);
      const elapsed = phase.attemptStartedAt === undefined ? 0 : Math.max(0, now - phase.attemptStartedAt);
      const retryWait = phase.retryAt === undefined ? 0 : Math.max(0, phase.retryAt - now);
      remaining.set(id, retryWait + Math.max(estimate - elapsed, elapsed * OVERRUN_SHARE));
    }
    if (remaining.size === 0) return undefined;
    let work = 0;
    for (const ms of remaining.values()) work += ms;
    const workers = this.#mode === 'parallel' ? this.#workers : 1;
    return { ms: Math.round(Math.max(this.#longestPath(remaining), work / workers)), guess };
  }

  /** The longest chain of unfinished phases, each counted for its remaining time. */
  #longestPath(remaining: ReadonlyMap<number, number>): number {
    const memo = new Map<number, number>();
    const visiting = new Set<number>();
    const pathTo = (id: number): number => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      // The plan was checked for cycles; this guard only keeps a bad caller from recursing forever.
      if (visiting.has(id)) return 0;
      visiting.add(id);
      const deps = this.#phases.get(id)?.info.dependsOn ?? [];
      const before = Math.max(0, ...deps.filter((dep) => remaining.has(dep)).map(pathTo));
      const total = before + (remaining.get(id) ?? 0);
      memo.set(id, total);
      return total;
    };
    return Math.max(...[...remaining.keys()].map(pathTo));
  }
}
