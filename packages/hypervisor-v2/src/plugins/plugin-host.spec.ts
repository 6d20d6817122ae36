import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { VirtualTimeScheduler } from 'rxjs';
import { isHypervisorV2Error } from '../errors.js';
import type { HypervisorV2Error } from '../errors.js';
import type { HookType } from '../hook-type.js';
import { parseHypervisorState } from '../hypervisor-state.js';
import type { HypervisorState } from '../hypervisor-state.js';
import { summarizeStatuses } from '../phase-status.js';
import { createRecordingPlugin } from '../testing/recording-plugin.js';
import type { HypervisorPlugin } from './plugin.js';
import { createPluginHost, DEFAULT_PLUGIN_TIMEOUT_MS } from './plugin-host.js';

const state = parseHypervisorState({
  currentPhase: 3,
  mode: 'parallel',
  activeWorkers: 2,
  memoryInUseMb: 128,
  countsByStatus: summarizeStatuses(['success', 'running', 'running', 'pending']),
});

function pluginOf(name: string, onHook: HypervisorPlugin['onHook']): HypervisorPlugin {
  return { name, onHook };
}

function resolveAfter(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function errorOf(action: () => unknown): HypervisorV2Error {
  try {
    action();
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected a HypervisorV2Error');
}

describe('createPluginHost', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('calls the hook on every plugin in registration order and reports each ok', async () => {
    const seen: string[] = [];
    const host = createPluginHost();
    for (const name of ['first', 'second', 'third']) host.register(pluginOf(name, () => void seen.push(name)));

    const reports = await host.runHook('pre_phase', state);

    expect(seen).toEqual(['first', 'second', 'third']);
    expect(reports).toEqual([
      { plugin: 'first', hook: 'pre_phase', outcome: 'ok' },
      { plugin: 'second', hook: 'pre_phase', outcome: 'ok' },
      { plugin: 'third', hook: 'pre_phase', outcome: 'ok' },
    ]);
  });

  it('passes the hook and the state to the plugin', async () => {
    const plugin = createRecordingPlugin('audit');
    const host = createPluginHost();
    host.register(plugin);

    await host.runHook('on_failure', state);

    expect(plugin.calls).toEqual([{ hook: 'on_failure', state }]);
  });

  it('waits for one plugin to settle before calling the next', async () => {
    const seen: string[] = [];
    const host = createPluginHost();
    host.register(pluginOf('slow', () => resolveAfter(1000).then(() => void seen.push('slow'))));
    host.register(pluginOf('next', () => void seen.push('next')));

    const run = host.runHook('post_phase', state);
    await jest.advanceTimersByTimeAsync(999);
    expect(seen).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);

    expect((await run).map((report) => report.outcome)).toEqual(['ok', 'ok']);
    expect(seen).toEqual(['slow', 'next']);
  });

  it('reports a throwing, a rejecting and a hanging plugin without affecting the others', async () => {
    const boom = new Error('boom');
    const refused = new Error('refused');
    const plugins = [
      createRecordingPlugin('before'),
      createRecordingPlugin('thrower', { throw: boom }),
      createRecordingPlugin('rejecter', { reject: refused }),
      createRecordingPlugin('hanger', 'hang'),
      createRecordingPlugin('after'),
    ];
    const host = createPluginHost();
    for (const plugin of plugins) host.register(plugin);

    const run = host.runHook('pre_phase', state);
    await jest.advanceTimersByTimeAsync(DEFAULT_PLUGIN_TIMEOUT_MS - 1);
    expect(plugins[4]?.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    const reports = await run;

    expect(reports.map(({ plugin, outcome }) => [plugin, outcome])).toEqual([
      ['before', 'ok'],
      ['thrower', 'failed'],
      ['rejecter', 'failed'],
      ['hanger', 'timed-out'],
      ['after', 'ok'],
    ]);
    expect(reports[1]?.error).toBe(boom);
    expect(reports[2]?.error).toBe(refused);
    expect(plugins.map((plugin) => plugin.calls.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('aborts the signal of a timed-out call with the timeout error it reports', async () => {
    const hanger = createRecordingPlugin('hanger', 'hang');
    const host = createPluginHost();
    host.register(hanger);

    const run = host.runHook('post_phase', state);
    await jest.advanceTimersByTimeAsync(DEFAULT_PLUGIN_TIMEOUT_MS);
    const [report] = await run;

    expect(hanger.aborts).toEqual([{ hook: 'post_phase', reason: report?.error }]);
    const error = report?.error as HypervisorV2Error;
    expect(isHypervisorV2Error(error)).toBe(true);
    expect(error.code).toBe('timed_out');
    expect(error.message).toBe(
      'plugin "hanger" did not settle its post_phase hook within 5000 ms; the host aborted the call',
    );
    expect(error.context).toEqual({ plugin: 'hanger', hook: 'post_phase', timeoutMs: 5000 });
  });

  it('gives each plugin of a run the full timeout', async () => {
    const first = createRecordingPlugin('first', 'hang');
    const second = createRecordingPlugin('second', 'hang');
    const host = createPluginHost();
    host.register(first);
    host.register(second);

    const run = host.runHook('pre_phase', state);
    await jest.advanceTimersByTimeAsync(DEFAULT_PLUGIN_TIMEOUT_MS);
    expect(second.aborts).toEqual([]);
    await jest.advanceTimersByTimeAsync(DEFAULT_PLUGIN_TIMEOUT_MS);

    expect((await run).map((report) => report.outcome)).toEqual(['timed-out', 'timed-out']);
  });

  it('ignores a settlement that comes after the timeout', async () => {
    const host = createPluginHost();
    host.register(pluginOf('late', () => resolveAfter(DEFAULT_PLUGIN_TIMEOUT_MS + 1000)));

    const run = host.runHook('pre_phase', state);
    await jest.advanceTimersByTimeAsync(DEFAULT_PLUGIN_TIMEOUT_MS + 1000);

    expect((await run).map((report) => report.outcome)).toEqual(['timed-out']);
  });

  it('uses timeoutMs as the budget of each call', async () => {
    const host = createPluginHost({ timeoutMs: 100 });
    host.register(pluginOf('quick-enough', () => resolveAfter(99)));
    host.register(pluginOf('too-slow', () => resolveAfter(101)));

    const run = host.runHook('pre_phase', state);
    await jest.advanceTimersByTimeAsync(200);

    expect((await run).map((report) => report.outcome)).toEqual(['ok', 'timed-out']);
  });

  it('leaves no timer behind once calls have settled or timed out', async () => {
    const host = createPluginHost();
    host.register(pluginOf('async', () => resolveAfter(10)));
    host.register(createRecordingPlugin('hanger', 'hang'));

    const run = host.runHook('pre_phase', state);
    await jest.advanceTimersByTimeAsync(10 + DEFAULT_PLUGIN_TIMEOUT_MS);
    await run;

    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports a plugin whose thenable throws from then as failed', async () => {
    const broken = new Error('then broke');
    const host = createPluginHost();
    host.register(
      pluginOf('odd', () => ({
        then: () => {
          throw broken;
        },
      })),
    );

    expect(await host.runHook('pre_phase', state)).toEqual([
      { plugin: 'odd', hook: 'pre_phase', outcome: 'failed', error: broken },
    ]);
  });

  it('reports ok for a plugin that returns a value that is not a promise', async () => {
    const host = createPluginHost();
    host.register(pluginOf('chatty', () => 'done' as unknown as void));

    expect((await host.runHook('on_success', state))[0]?.outcome).toBe('ok');
  });

  it('resolves with no reports when no plugin is registered', async () => {
    expect(await createPluginHost().runHook('on_success', state)).toEqual([]);
  });

  it('returns frozen reports', async () => {
    const host = createPluginHost();
    host.register(createRecordingPlugin('audit'));
    const reports = await host.runHook('pre_phase', state);

    expect(Object.isFrozen(reports)).toBe(true);
    expect(Object.isFrozen(reports[0])).toBe(true);
  });

  it('passes a frozen state on as it is, the same object to every plugin', async () => {
    const first = createRecordingPlugin('first');
    const second = createRecordingPlugin('second');
    const host = createPluginHost();
    host.register(first);
    host.register(second);

    await host.runHook('pre_phase', state);

    expect(first.calls[0]?.state).toBe(state);
    expect(second.calls[0]?.state).toBe(state);
  });

  it('freezes a copy of a state that is not frozen and leaves the caller object alone', async () => {
    const mutable: HypervisorState = { ...state, countsByStatus: { ...state.countsByStatus } };
    const first = createRecordingPlugin('first');
    const second = createRecordingPlugin('second');
    const host = createPluginHost();
    host.register(first);
    host.register(second);

    await host.runHook('pre_phase', mutable);

    const passed = first.calls[0]?.state;
    expect(passed).toEqual(mutable);
    expect(passed).not.toBe(mutable);
    expect(second.calls[0]?.state).toBe(passed);
    expect(Object.isFrozen(passed)).toBe(true);
    expect(Object.isFrozen(passed?.countsByStatus)).toBe(true);
    expect(Object.isFrozen(mutable)).toBe(false);
  });

  it('also copies a state built without prototypes, as some decoders build objects', async () => {
    const bare = Object.create(null) as HypervisorState['countsByStatus'];
    const countsByStatus = Object.assign(bare, state.countsByStatus);
    const plugin = createRecordingPlugin('audit');
    const host = createPluginHost();
    host.register(plugin);

    await host.runHook('on_success', { ...state, currentPhase: null, countsByStatus });

    expect(plugin.calls[0]?.state.countsByStatus).toEqual({ ...state.countsByStatus });
    expect(Object.isFrozen(plugin.calls[0]?.state.countsByStatus)).toBe(true);
    expect(Object.isFrozen(countsByStatus)).toBe(false);
  });

  it('lists disabled plugins but neither configures nor calls them', async () => {
    const off = createRecordingPlugin('off');
    const on = createRecordingPlugin('on');
    const host = createPluginHost();
    host.register(off, { name: 'off', enabled: false });
    host.register(on);

    const reports = await host.runHook('pre_phase', state);

    expect(host.list()).toEqual([
      { name: 'off', enabled: false },
      { name: 'on', enabled: true },
    ]);
    expect(off.calls).toEqual([]);
    expect(off.configs).toEqual([]);
    expect(reports.map((report) => report.plugin)).toEqual(['on']);
  });

  it('configures a plugin with its validated config, defaults applied, when no config is given', () => {
    const plugin = createRecordingPlugin('audit');
    createPluginHost().register(plugin);

    expect(plugin.configs).toEqual([{ name: 'audit', enabled: true, settings: {} }]);
    expect(Object.isFrozen(plugin.configs[0])).toBe(true);
  });

  it('configures a plugin with the settings of its config, frozen', () => {
    const plugin = createRecordingPlugin('audit');
    createPluginHost().register(plugin, { name: 'audit', settings: { sink: { path: 'audit.log' } } });

    expect(plugin.configs).toEqual([{ name: 'audit', enabled: true, settings: { sink: { path: 'audit.log' } } }]);
    expect(Object.isFrozen(plugin.configs[0]?.settings['sink'])).toBe(true);
  });

  it('refuses a second plugin of the same name with plugin_conflict and keeps the first', async () => {
    const first = createRecordingPlugin('audit');
    const second = createRecordingPlugin('audit');
    const host = createPluginHost();
    host.register(first);

    const error = errorOf(() => host.register(second));
    await host.runHook('pre_phase', state);

    expect(error.code).toBe('plugin_conflict');
    expect(error.message).toBe('plugin "audit": a plugin of that name is already registered');
    expect(second.configs).toEqual([]);
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toEqual([]);
  });

  it('rejects an invalid config with invalid_plugin_config naming the plugin and field', () => {
    const host = createPluginHost();
    const error = errorOf(() => host.register(createRecordingPlugin('audit'), { name: 'audit', enabled: 'yes' }));

    expect(error.code).toBe('invalid_plugin_config');
    expect(error.message).toBe(
      'plugin "audit": invalid plugin config: enabled: Invalid input: expected boolean, received string',
    );
    expect(host.list()).toEqual([]);
  });

  it('rejects a null config rather than taking the default', () => {
    const error = errorOf(() => createPluginHost().register(createRecordingPlugin('audit'), null));
    expect(error.code).toBe('invalid_plugin_config');
  });

  it('rejects a plugin whose name is not a valid plugin name', () => {
    const error = errorOf(() => createPluginHost().register(createRecordingPlugin('a/b')));
    expect(error.message).toMatch(/^plugin "a\/b": invalid plugin config: name: must start with a letter or digit/);
  });

  it('rejects a config whose name is not the plugin name', () => {
    const error = errorOf(() => createPluginHost().register(createRecordingPlugin('audit'), { name: 'metrics' }));

    expect(error.code).toBe('invalid_plugin_config');
    expect(error.message).toBe('plugin "audit": invalid plugin config: name: "metrics" is not the plugin\'s name');
    expect(error.context.issues).toEqual([{ path: 'name', message: '"metrics" is not the plugin\'s name' }]);
  });

  it('does not register a plugin whose configure throws and reports it as invalid_plugin_config with the cause', () => {
    const refusal = new Error('port must be a number\n  at somewhere');
    const host = createPluginHost();
    const plugin: HypervisorPlugin = {
      name: 'metrics',
      configure: () => {
        throw refusal;
      },
      onHook: () => undefined,
    };

    const error = errorOf(() => host.register(plugin, { name: 'metrics', settings: { port: 'x' } }));

    expect(error.code).toBe('invalid_plugin_config');
    expect(error.message).toBe(
      'plugin "metrics": invalid plugin config: configure() refused it: port must be a number',
    );
    expect(error.cause).toBe(refusal);
    expect(host.list()).toEqual([]);
  });

  it('keeps a non-error thrown by configure as the cause without quoting it', () => {
    const plugin: HypervisorPlugin = {
      name: 'metrics',
      configure: () => {
        throw 'nope';
      },
      onHook: () => undefined,
    };

    const error = errorOf(() => createPluginHost().register(plugin));

    expect(error.message).toBe('plugin "metrics": invalid plugin config: configure() refused it');
    expect(error.cause).toBe('nope');
  });

  it('unregisters a plugin so it is no longer listed or called', async () => {
    const plugin = createRecordingPlugin('audit');
    const host = createPluginHost();
    host.register(plugin);

    expect(host.unregister('audit')).toBe(true);
    await host.runHook('pre_phase', state);

    expect(host.list()).toEqual([]);
    expect(plugin.calls).toEqual([]);
  });

  it('returns false when unregistering a name that is not registered', () => {
    expect(createPluginHost().unregister('ghost')).toBe(false);
  });

  it('puts a plugin registered again after unregistering at the end of the order', () => {
    const host = createPluginHost();
    for (const name of ['a', 'b']) host.register(createRecordingPlugin(name));
    host.unregister('a');
    host.register(createRecordingPlugin('a'));

    expect(host.list().map((entry) => entry.name)).toEqual(['b', 'a']);
  });

  it('calls the plugins registered when the run started, even if one is unregistered meanwhile', async () => {
    const host = createPluginHost();
    const later = createRecordingPlugin('later');
    host.register(pluginOf('remover', () => void host.unregister('later')));
    host.register(later);

    await host.runHook('pre_phase', state);

    expect(later.calls).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['zero', 0, 'timeoutMs: Too small: expected number to be >0'],
    ['a negative number', -1, 'timeoutMs: Too small: expected number to be >0'],
    ['NaN', Number.NaN, 'timeoutMs: Invalid input: expected number, received NaN'],
    ['infinity', Number.POSITIVE_INFINITY, 'timeoutMs: Invalid input: expected number, received Infinity'],
    ['more than a timer can wait', 2 ** 31, 'timeoutMs: must be at most 2147483647 (the longest timer delay)'],
    ['a string', '5000', 'timeoutMs: Invalid input: expected number, received string'],
  ])('rejects a timeoutMs of %s with invalid_options', (_name, timeoutMs, expected) => {
    const error = errorOf(() => createPluginHost({ timeoutMs: timeoutMs as number }));

    expect(error.code).toBe('invalid_options');
    expect(error.message).toBe(`invalid plugin host options: ${expected}`);
  });
});

describe('createPluginHost with an injected scheduler', () => {
  it('measures the timeout on that scheduler, in virtual time', async () => {
    const scheduler = new VirtualTimeScheduler();
    const hanger = createRecordingPlugin('hanger', 'hang');
    const host = createPluginHost({ scheduler, timeoutMs: 250 });
    host.register(hanger);

    const run = host.runHook('pre_phase', state);
    scheduler.flush();
    const [report] = await run;

    expect(scheduler.now()).toBe(250);
    expect(report?.outcome).toBe('timed-out');
    expect(hanger.aborts).toHaveLength(1);
  });

  it('lets no late rejection of a timed-out call go unhandled', async () => {
    const scheduler = new VirtualTimeScheduler();
    let rejectLate: (reason: unknown) => void = () => undefined;
    const host = createPluginHost({ scheduler });
    host.register(pluginOf('late', () => new Promise((_resolve, reject) => (rejectLate = reject))));

    const run = host.runHook('pre_phase', state);
    scheduler.flush();
    const [report] = await run;
    rejectLate(new Error('too late'));
    // Jest fails the test in which a rejection goes unhandled; Node reports one once the microtasks have run.
    await new Promise((resolve) => setImmediate(resolve));

    expect(report?.outcome).toBe('timed-out');
  });

  it('keeps calling a plugin on later hooks after one of its calls timed out', async () => {
    const scheduler = new VirtualTimeScheduler();
    const hooks: HookType[] = [];
    const host = createPluginHost({ scheduler });
    host.register(
      pluginOf('sometimes-slow', (hook) => {
        hooks.push(hook);
        return hook === 'pre_phase' ? new Promise(() => undefined) : undefined;
      }),
    );

    const first = host.runHook('pre_phase', state);
    scheduler.flush();
    await first;
    const second = await host.runHook('post_phase', state);

    expect(hooks).toEqual(['pre_phase', 'post_phase']);
    expect(second[0]?.outcome).toBe('ok');
  });
});
