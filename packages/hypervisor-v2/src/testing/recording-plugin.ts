import type { HookType } from '../hook-type.js';
import type { HypervisorState } from '../hypervisor-state.js';
import type { PluginConfig } from '../plugin-config.js';
import type { HypervisorPlugin } from '../plugins/plugin.js';

/**
 * How a recording plugin answers every hook call:
 * - `'succeed'`: returns at once, without a promise;
 * - `{ throw: error }`: throws `error` synchronously;
 * - `{ reject: error }`: returns a promise rejected with `error`;
 * - `'hang'`: returns a promise that settles only when the call's signal aborts, then rejects with its reason.
 */
export type RecordingPluginBehaviour = 'succeed' | 'hang' | { readonly throw: unknown } | { readonly reject: unknown };

/** One hook call a recording plugin received. */
export interface RecordedHookCall {
  readonly hook: HookType;
  readonly state: Readonly<HypervisorState>;
}

/** An abort a hanging recording plugin saw on the signal of one of its calls. */
export interface RecordedAbort {
  readonly hook: HookType;
  /** The signal's `reason`, e.g. the host's timeout error. */
  readonly reason: unknown;
}

/** A test double of {@link HypervisorPlugin} that records what the host does to it. */
export interface RecordingPlugin extends HypervisorPlugin {
  /** Every hook call, in the order received, recorded before the behaviour runs. */
  readonly calls: readonly RecordedHookCall[];
  /** Every config `configure` received. */
  readonly configs: readonly Readonly<PluginConfig>[];
  /** Every abort the plugin saw while hanging. */
  readonly aborts: readonly RecordedAbort[];
  configure(config: Readonly<PluginConfig>): void;
  onHook(hook: HookType, state: Readonly<HypervisorState>, signal: AbortSignal): void | Promise<void>;
}

/**
 * Creates a plugin that records its configs and hook calls and answers each call as `behaviour` says, for
 * tests of code that hosts plugins.
 * @param name the plugin's name, as the host registers it
 * @param behaviour how it answers every hook call; `'succeed'` when left out
 * @example
 * const slow = createRecordingPlugin('slow', 'hang');
 * const broken = createRecordingPlugin('broken', { throw: new Error('boom') });
 * host.register(slow);
 * host.register(broken);
 * // … run, then:
 * expect(slow.aborts).toHaveLength(1);
 * expect(broken.calls.map((call) => call.hook)).toEqual(['pre_phase']);
 */
export function createRecordingPlugin(name: string, behaviour: RecordingPluginBehaviour = 'succeed'): RecordingPlugin {
  const calls: RecordedHookCall[] = [];
  const configs: Readonly<PluginConfig>[] = [];
  const aborts: RecordedAbort[] = [];
  return {
    name,
    calls,
    configs,
    aborts,
    configure(config) {
      configs.push(config);
    },
    onHook(hook, state, signal) {
      calls.push(Object.freeze({ hook, state }));
      if (behaviour === 'succeed') return undefined;
      if (behaviour === 'hang') {
        return hangUntilAborted(signal, (reason) => aborts.push(Object.freeze({ hook, reason })));
      }
      if ('throw' in behaviour) throw behaviour.throw;
      return Promise.reject(behaviour.reject);
    },
  };
}

function hangUntilAborted(signal: AbortSignal, onAbort: (reason: unknown) => void): Promise<void> {
  return new Promise((_resolve, reject) => {
    const settle = (): void => {
      onAbort(signal.reason);
      reject(signal.reason);
    };
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
}
