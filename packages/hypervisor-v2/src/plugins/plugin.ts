import type { HookType } from '../hook-type.js';
import type { HypervisorState } from '../hypervisor-state.js';
import type { PluginConfig } from '../plugin-config.js';

/**
 * Extends the hypervisor at its lifecycle hooks: `pre_phase` before a phase starts, `post_phase` after a phase
 * succeeded, `on_failure` when a phase failed, `on_success` when the whole plan succeeded (the original's
 * meanings). A plugin cannot break a run: the host isolates it and reports what it throws or how long it hangs.
 */
export interface HypervisorPlugin {
  /** Unique among the registered plugins. */
  readonly name: string;
  /** Receives its configuration once, when registered. */
  configure?(config: Readonly<PluginConfig>): void;
  /**
   * Handles one hook call. `signal` aborts when the host stops waiting (the call timed out).
   */
  onHook(hook: HookType, state: Readonly<HypervisorState>, signal: AbortSignal): void | PromiseLike<void>;
}

/** What happened to one plugin during one hook call. */
export interface PluginCallReport {
  readonly plugin: string;
  readonly hook: HookType;
  readonly outcome: 'ok' | 'failed' | 'timed-out';
  /** What the plugin threw, or the timeout, when the outcome is not `ok`. */
  readonly error?: unknown;
}

/** Registers plugins and calls their hooks, in registration order, each isolated from the others and from the run. */
export interface PluginHost {
  /**
   * Adds a plugin; `config` (validated, defaults applied) may disable it or carry its settings.
   * @throws HypervisorV2Error `plugin_conflict` when a plugin of that name is registered, `invalid_plugin_config`.
   */
  register(plugin: HypervisorPlugin, config?: unknown): void;
  /** Removes a plugin; false when none had that name. */
  unregister(name: string): boolean;
  /** The registered plugins' names in call order, with whether each is enabled. */
  list(): readonly { readonly name: string; readonly enabled: boolean }[];
  /** Calls `hook` on every enabled plugin in turn; resolves with one report per plugin, never rejects. */
  runHook(hook: HookType, state: Readonly<HypervisorState>): Promise<readonly PluginCallReport[]>;
}
