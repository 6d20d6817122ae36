import type { ProjectConfig } from '@kazuba/core/node';
import { RUN_DEFAULTS } from './run-defaults.js';
import type { CHECKPOINT_FORMATS, GROUP_POLICIES, ISOLATIONS, RUN_MODES } from './run-defaults.js';

/** Where a setting's value came from. */
export type SettingSource = 'flag' | 'config' | 'default';

/** The source of each run-wide setting, by its name in the config file's `run:` section. */
export type SettingSources = Readonly<Record<string, SettingSource>>;

/** The run-wide flags that have a config-file counterpart, already validated (undefined: not given). */
export interface RunFlags {
  readonly mode?: (typeof RUN_MODES)[number] | undefined;
  readonly workers?: number | undefined;
  readonly agent?: string | undefined;
  /** Seconds. */
  readonly timeout?: number | undefined;
  readonly retries?: number | undefined;
  readonly keepGoing?: boolean | undefined;
  readonly checkpointFormat?: (typeof CHECKPOINT_FORMATS)[number] | undefined;
  readonly groupPolicy?: (typeof GROUP_POLICIES)[number] | undefined;
  readonly maxTurns?: number | undefined;
  /** US dollars. */
  readonly maxCost?: number | undefined;
  readonly isolation?: (typeof ISOLATIONS)[number] | undefined;
  readonly report?: boolean | undefined;
}

/** The run-wide settings, each from its flag, else the config file, else the built-in default. */
export interface RunSettings {
  readonly mode: (typeof RUN_MODES)[number];
  readonly workers: number;
  readonly agent: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly keepGoing: boolean;
  readonly checkpointFormat: (typeof CHECKPOINT_FORMATS)[number];
  readonly groupPolicy: (typeof GROUP_POLICIES)[number];
  /** What a success becomes when the agent was denied edits. */
  readonly deniedEdits: 'partial' | 'failed';
  /** The turn limit of phases that set none; each profile's own when absent. */
  readonly maxTurns?: number;
  /** Stall window and breaker from the config file; the engine's defaults when absent. */
  readonly stallWindowMs?: number;
  readonly breaker?: { readonly threshold?: number; readonly cooldownMs?: number };
  /** The run's budget in US dollars; no budget when absent. */
  readonly maxCostUsd?: number;
  /** Retries start a fresh agent session instead of resuming the failed attempt's. */
  readonly retryFreshSession: boolean;
  /** Each phase in its own git worktree, in the root, or `auto` (worktree in a git repository). */
  readonly isolation: (typeof ISOLATIONS)[number];
  /**
   * How many of the latest runs keep all their learning events (`run.events.keepRuns`); absent, the default of
   * `@kazuba/bridge`'s compaction (50).
   */
  readonly eventsKeepRuns?: number;
  /** Write the run's HTML report to `.hypervisor/runs/<run-id>/report.html` when it ends. */
  readonly report: boolean;
}

/**
 * Merges the flags over the config file's `run:` settings over the built-in defaults, and says where each value
 * came from. Settings without a flag (`stallWindow`, `breaker`, `deniedEdits`, `retryFreshSession`,
 * `events.keepRuns`) come from the config or default.
 */
export function pickSettings(flags: RunFlags, config: ProjectConfig['run']): { readonly values: RunSettings; readonly sources: SettingSources } {
  const sources: Record<string, SettingSource> = {};
  function pick<T>(key: string, flag: T | undefined, fromConfig: T | undefined, fallback: T): T;
  function pick<T>(key: string, flag: T | undefined, fromConfig: T | undefined): T | undefined;
  function pick<T>(key: string, flag: T | undefined, fromConfig: T | undefined, fallback?: T): T | undefined {
    sources[key] = flag !== undefined ? 'flag' : fromConfig !== undefined ? 'config' : 'default';
    return flag ?? fromConfig ?? fallback;
  }
  const maxTurns = pick('maxTurns', flags.maxTurns, config.maxTurns);
  const maxCostUsd = pick('maxCost', flags.maxCost, config.maxCostUsd);
  const stallWindowMs = pick('stallWindow', undefined, config.stallWindowMs);
  const threshold = pick('breaker.threshold', undefined, config.breaker?.threshold);
  const cooldownMs = pick('breaker.cooldown', undefined, config.breaker?.cooldownMs);
  const eventsKeepRuns = pick('events.keepRuns', undefined, config.events?.keepRuns);
  const values: RunSettings = {
    mode: pick('mode', flags.mode, config.mode, RUN_DEFAULTS.mode as RunSettings['mode']),
    workers: pick('workers', flags.workers, config.workers, RUN_DEFAULTS.workers),
    agent: pick('agent', flags.agent, config.agent, RUN_DEFAULTS.agent),
    timeoutMs: pick('timeout', flags.timeout === undefined ? undefined : Math.round(flags.timeout * 1000), config.timeoutMs, RUN_DEFAULTS.timeoutSeconds * 1000),
    retries: pick('retries', flags.retries, config.retries, RUN_DEFAULTS.retries),
    keepGoing: pick('keepGoing', flags.keepGoing, config.keepGoing, false),
    checkpointFormat: pick('checkpointFormat', flags.checkpointFormat, config.checkpointFormat, RUN_DEFAULTS.checkpointFormat as RunSettings['checkpointFormat']),
    groupPolicy: pick('groupPolicy', flags.groupPolicy, config.groupPolicy, RUN_DEFAULTS.groupPolicy as RunSettings['groupPolicy']),
    deniedEdits: pick('deniedEdits', undefined, config.deniedEdits, RUN_DEFAULTS.deniedEdits as RunSettings['deniedEdits']),
    retryFreshSession: pick('retryFreshSession', undefined, config.retryFreshSession, RUN_DEFAULTS.retryFreshSession),
    isolation: pick('isolation', flags.isolation, config.isolation, RUN_DEFAULTS.isolation as RunSettings['isolation']),
    report: pick('report', flags.report, config.report, false),
    ...(eventsKeepRuns === undefined ? {} : { eventsKeepRuns }),
    ...(maxTurns === undefined ? {} : { maxTurns }),
    ...(maxCostUsd === undefined ? {} : { maxCostUsd }),
    ...(stallWindowMs === undefined ? {} : { stallWindowMs }),
    ...(threshold === undefined && cooldownMs === undefined
      ? {}
      : { breaker: { ...(threshold === undefined ? {} : { threshold }), ...(cooldownMs === undefined ? {} : { cooldownMs }) } }),
  };
  return { values, sources };
}
