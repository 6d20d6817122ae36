import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { z } from 'zod';
import { deepFreeze } from '../deep-freeze.js';
import { HypervisorV2Error } from '../errors.js';
import type { HookType } from '../hook-type.js';
import type { HypervisorState } from '../hypervisor-state.js';
import { isThenable } from '../is-thenable.js';
import { parsePluginConfig } from '../plugin-config.js';
import type { PluginConfig } from '../plugin-config.js';
import { describeIssues, parseOrThrow } from '../validation-issues.js';
import type { HypervisorPlugin, PluginCallReport, PluginHost } from './plugin.js';

/** How long the host waits for one plugin's hook call unless told otherwise, in milliseconds. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 5000;

// Node's timers fire after 1 ms when given a longer delay than this, which would turn a long budget into none.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

const optionsSchema = z.object({
  timeoutMs: z
    .number()
    .positive()
    .max(MAX_TIMER_DELAY_MS, { error: `must be at most ${MAX_TIMER_DELAY_MS} (the longest timer delay)` })
    .default(DEFAULT_PLUGIN_TIMEOUT_MS),
});

/** What a caller may pass to {@link createPluginHost}. */
export interface PluginHostOptions {
  /**
   * How long one plugin's hook call may take before it is reported `timed-out` and its signal aborted, in
   * milliseconds; each plugin of a `runHook` gets the full budget. A positive number of at most 2³¹ − 1.
   * @default 5000
   */
  readonly timeoutMs?: number;
  /**
   * Measures the timeout; pass a `VirtualTimeScheduler` or `TestScheduler` to drive it in virtual time.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
}

interface ResolvedPluginHostOptions {
  readonly timeoutMs: number;
  readonly scheduler: SchedulerLike;
}

interface Registration {
  readonly plugin: HypervisorPlugin;
  readonly enabled: boolean;
}

/**
 * Creates a {@link PluginHost}: it calls the enabled plugins one after another in registration order, and turns
 * a plugin that throws, rejects or outlives `timeoutMs` into a report instead of an error.
 *
 * Registration validates the config with `parsePluginConfig` (absent: `{ name: plugin.name }`) and, for an
 * enabled plugin only, calls `configure` with it; a disabled plugin is listed but never called, not even to be
 * configured. A `runHook` calls the plugins registered when it starts, passing each the same deeply frozen state.
 * @throws HypervisorV2Error `invalid_options` when `timeoutMs` is not a positive number of at most 2³¹ − 1.
 * @example
 * const host = createPluginHost({ timeoutMs: 2000 });
 * host.register(auditPlugin, { name: 'audit', settings: { path: 'audit.log' } });
 * const reports = await host.runHook('pre_phase', state);
 * for (const report of reports) if (report.outcome !== 'ok') console.error(report.plugin, report.error);
 */
export function createPluginHost(options: PluginHostOptions = {}): PluginHost {
  const resolved = resolveOptions(options);
  const registrations = new Map<string, Registration>();
  return {
    register(plugin, config) {
      registrations.set(plugin.name, admit(plugin, config, registrations));
    },
    unregister: (name) => registrations.delete(name),
    list: () => Object.freeze([...registrations].map(([name, { enabled }]) => Object.freeze({ name, enabled }))),
    async runHook(hook, state) {
      const snapshot = freezeSnapshot(state);
      const called = [...registrations.values()].filter((registration) => registration.enabled);
      const reports: PluginCallReport[] = [];
      for (const { plugin } of called) reports.push(await callPlugin(plugin, hook, snapshot, resolved));
      return Object.freeze(reports);
    },
  };
}

function resolveOptions(options: PluginHostOptions): ResolvedPluginHostOptions {
  const { timeoutMs } = parseOrThrow(optionsSchema, { timeoutMs: options.timeoutMs }, 'invalid_options', 'plugin host options');
  return { timeoutMs, scheduler: options.scheduler ?? asyncScheduler };
}

/** Validates and configures a plugin, throwing before anything is registered if it cannot be. */
function admit(plugin: HypervisorPlugin, config: unknown, registered: ReadonlyMap<string, Registration>): Registration {
  // JSON quoting keeps the message on one line whatever the name contains.
  const source = `plugin ${JSON.stringify(plugin.name)}`;
  const parsed = parsePluginConfig(config === undefined ? { name: plugin.name } : config, source);
  if (parsed.name !== plugin.name) {
    const issues = [{ path: 'name', message: `${JSON.stringify(parsed.name)} is not the plugin's name` }];
    const message = `${source}: invalid plugin config: ${describeIssues(issues)}`;
    throw new HypervisorV2Error('invalid_plugin_config', message, { source, issues });
  }
  if (registered.has(plugin.name)) {
    throw new HypervisorV2Error('plugin_conflict', `${source}: a plugin of that name is already registered`, {
      source,
    });
  }
  if (parsed.enabled) configure(plugin, parsed, source);
  return { plugin, enabled: parsed.enabled };
}

function configure(plugin: HypervisorPlugin, config: Readonly<PluginConfig>, source: string): void {
  try {
    plugin.configure?.(config);
  } catch (error) {
    // A plugin that refuses its settings has judged the config invalid; the code says so, the cause says why.
    const reason = error instanceof Error ? `: ${firstLine(error.message)}` : '';
    throw new HypervisorV2Error(
      'invalid_plugin_config',
      `${source}: invalid plugin config: configure() refused it${reason}`,
      { source },
      { cause: error },
    );
  }
}

function firstLine(text: string): string {
  return text.replace(/[\r\n][\s\S]*$/, '');
}

/**
 * A state from `parseHypervisorState` is already deeply frozen and is passed on as it is; any other is copied
 * before freezing, so the host never freezes an object its caller may still mean to update.
 */
function freezeSnapshot(state: Readonly<HypervisorState>): Readonly<HypervisorState> {
  return isDeeplyFrozen(state) ? state : deepFreeze(copyData(state));
}

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

// Not structuredClone: it cannot fail on an odd value (so runHook never rejects), and its copies belong to this
// realm, which deepFreeze needs to recognise them as plain objects. A state holds no arrays, only records.
function copyData<T>(value: T): T {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyData(item)])) as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Calls one plugin and always resolves with its report: never rejects, never waits past the timeout. */
function callPlugin(
  plugin: HypervisorPlugin,
  hook: HookType,
  state: Readonly<HypervisorState>,
  options: ResolvedPluginHostOptions,
): Promise<PluginCallReport> {
  const controller = new AbortController();
  let returned: unknown;
  try {
    returned = plugin.onHook(hook, state, controller.signal);
  } catch (error) {
    return Promise.resolve(failedReport(plugin.name, hook, 'failed', error));
  }
  if (!isThenable(returned)) return Promise.resolve(okReport(plugin.name, hook));
  // The rejection handler stays attached after a timeout, so a late rejection is handled, never unhandled;
  // Promise.resolve also turns a `then` that throws into a rejection.
  const settled = Promise.resolve(returned).then(
    () => okReport(plugin.name, hook),
    (error: unknown) => failedReport(plugin.name, hook, 'failed', error),
  );
  return new Promise((resolve) => {
    // The timer stays referenced on purpose: while it runs the host is awaiting this call, and an unreferenced
    // one could let Node exit with the run unfinished. It is cleared as soon as the call settles.
    const timer = options.scheduler.schedule(() => {
      const error = timeoutError(plugin.name, hook, options.timeoutMs);
      resolve(failedReport(plugin.name, hook, 'timed-out', error));
      controller.abort(error);
    }, options.timeoutMs);
    void settled.then((report) => {
      timer.unsubscribe();
      resolve(report);
    });
  });
}

function timeoutError(plugin: string, hook: HookType, timeoutMs: number): HypervisorV2Error {
  const message = `plugin ${JSON.stringify(plugin)} did not settle its ${hook} hook within ${timeoutMs} ms`;
  return new HypervisorV2Error('timed_out', `${message}; the host aborted the call`, { plugin, hook, timeoutMs });
}

function okReport(plugin: string, hook: HookType): PluginCallReport {
  return Object.freeze({ plugin, hook, outcome: 'ok' });
}

function failedReport(
  plugin: string,
  hook: HookType,
  outcome: 'failed' | 'timed-out',
  error: unknown,
): PluginCallReport {
  return Object.freeze({ plugin, hook, outcome, error });
}
