import { isGroupRunning, signalGroup } from './process-group.js';

/** The signals that stop a group. */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

/** How often a stopping group is checked for survivors. */
const POLL_MS = 25;

/** How the registry tells whether a group still runs, and how long it waits after a SIGKILL. */
export interface GroupRegistryOptions {
  /** @default isGroupRunning */
  readonly isRunning?: (pgid: number) => boolean;
  /**
   * How long after the SIGKILL a group may take to disappear before waiting for it gives up.
   * @default 2000
   */
  readonly settleAfterKillMs?: number;
}

/** A process group the registry watches until none of its processes is left. */
export interface TrackedGroup {
  readonly pgid: number;
  /** Whether we stopped the process (abort, unsubscription, shutdown) while its leader was still running. */
  readonly stopped: boolean;
  /** Stops the group: SIGTERM now, SIGKILL after the grace period if a member is still running. */
  stop(): void;
  /** Records that the leader has exited and been reaped, so only its group's other members may remain. */
  leaderExited(): void;
  /** While someone awaits this group, its timers keep the event loop alive. */
  setAwaited(awaited: boolean): void;
  /**
   * Resolves when no member is left, stopping leftovers of a leader that ended by itself; gives up
   * `settleAfterKillMs` after the SIGKILL, the group then staying tracked.
   */
  gone(): Promise<void>;
}

/** Every live process group of one supervisor. */
export interface GroupRegistry {
  /** Watches the group led by `pgid`; `onSignal` hears of each stop signal that reached it. */
  track(pgid: number, graceMs: number, onSignal?: (signal: StopSignal) => void): TrackedGroup;
  /** Groups not yet confirmed gone. */
  readonly live: number;
  /** Stops every group and resolves once all are gone (bounded as {@link TrackedGroup.gone}). */
  stopAll(): Promise<void>;
}

/** What a group needs of its registry. */
interface RegistryContext {
  readonly isRunning: (pgid: number) => boolean;
  readonly settleAfterKillMs: number;
  /** Whether a shutdown is waiting, which makes the timers of every group keep the event loop alive. */
  readonly stoppingAll: () => boolean;
  readonly release: (group: Group) => void;
}

const delay = (ms: number, keepAlive: boolean): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });

class Group implements TrackedGroup {
  #stopped = false;
  #leaderExited = false;
  #awaited = false;
  #stopStartedAt: number | undefined;
  #killTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly pgid: number,
    private readonly graceMs: number,
    private readonly onSignal: ((signal: StopSignal) => void) | undefined,
    private readonly context: RegistryContext,
  ) {}

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Whether a member may still run: certainly while the leader (our child, reaped as it exits) has not exited. */
  get running(): boolean {
    return !this.#leaderExited || this.context.isRunning(this.pgid);
  }

  stop(): void {
    if (!this.#leaderExited) this.#stopped = true;
    this.#terminate();
  }

  leaderExited(): void {
    this.#leaderExited = true;
  }

  setAwaited(awaited: boolean): void {
    this.#awaited = awaited;
    this.refresh();
  }

  /** Refs the escalation timer while someone waits for this group, unrefs it otherwise. */
  refresh(): void {
    if (this.#keepsAlive()) this.#killTimer?.ref();
    else this.#killTimer?.unref();
  }

  async gone(): Promise<void> {
    while (this.running) {
      if (performance.now() - this.#terminate() > this.graceMs + this.context.settleAfterKillMs) return;
      await delay(POLL_MS, this.#keepsAlive());
    }
    this.context.release(this);
  }

  dispose(): void {
    clearTimeout(this.#killTimer);
  }

  #keepsAlive(): boolean {
    return this.#awaited || this.context.stoppingAll();
  }

  /** Starts stopping the group, once; returns when that started. */
  #terminate(): number {
    if (this.#stopStartedAt !== undefined) return this.#stopStartedAt;
    this.#stopStartedAt = performance.now();
    if (signalGroup(this.pgid, 'SIGTERM')) this.onSignal?.('SIGTERM');
    this.#killTimer = setTimeout(() => {
      this.#killTimer = undefined;
      if (this.running && signalGroup(this.pgid, 'SIGKILL')) this.onSignal?.('SIGKILL');
    }, this.graceMs);
    this.refresh();
    return this.#stopStartedAt;
  }
}

class Registry implements GroupRegistry {
  readonly #groups = new Map<number, Group>();
  readonly #context: RegistryContext;
  #stoppingAll = 0;

  constructor(options: GroupRegistryOptions) {
    this.#context = {
      isRunning: options.isRunning ?? isGroupRunning,
      settleAfterKillMs: options.settleAfterKillMs ?? 2000,
      stoppingAll: () => this.#stoppingAll > 0,
      release: (group) => this.#release(group),
    };
  }

  get live(): number {
    for (const group of this.#groups.values()) if (!group.running) this.#release(group);
    return this.#groups.size;
  }

  track(pgid: number, graceMs: number, onSignal?: (signal: StopSignal) => void): TrackedGroup {
    if (this.#groups.size === 0) process.on('exit', this.#killAll);
    const group = new Group(pgid, graceMs, onSignal, this.#context);
    this.#groups.set(pgid, group);
    return group;
  }

  async stopAll(): Promise<void> {
    this.#stoppingAll += 1;
    const groups = [...this.#groups.values()];
    try {
      for (const group of groups) group.stop();
      await Promise.all(groups.map((group) => group.gone()));
    } finally {
      this.#stoppingAll -= 1;
      for (const group of groups) group.refresh();
    }
  }

  // Runs as the process exits, when no timer will ever fire again: what is left gets its SIGKILL now.
  readonly #killAll = (): void => {
    for (const pgid of this.#groups.keys()) signalGroup(pgid, 'SIGKILL');
  };

  #release(group: Group): void {
    group.dispose();
    if (this.#groups.delete(group.pgid) && this.#groups.size === 0) process.off('exit', this.#killAll);
  }
}

/**
 * Creates the registry. While it tracks a group, a process `exit` hook SIGKILLs what is left: an unref'd
 * escalation timer that Node exits before is thereby brought forward, not lost.
 */
export function createGroupRegistry(options: GroupRegistryOptions = {}): GroupRegistry {
  return new Registry(options);
}
