import { describe, expect, it } from '@jest/globals';
import { parseHypervisorState } from '../hypervisor-state.js';
import { parsePluginConfig } from '../plugin-config.js';
import { summarizeStatuses } from '../phase-status.js';
import { createRecordingPlugin } from './recording-plugin.js';

const state = parseHypervisorState({
  currentPhase: 1,
  mode: 'sequential',
  activeWorkers: 1,
  memoryInUseMb: 64,
  countsByStatus: summarizeStatuses(['running']),
});

describe('createRecordingPlugin', () => {
  it('succeeds by default, at once and without a promise, recording each call in order', () => {
    const plugin = createRecordingPlugin('audit');
    const signal = new AbortController().signal;

    expect(plugin.onHook('pre_phase', state, signal)).toBeUndefined();
    expect(plugin.onHook('post_phase', state, signal)).toBeUndefined();

    expect(plugin.name).toBe('audit');
    expect(plugin.calls).toEqual([
      { hook: 'pre_phase', state },
      { hook: 'post_phase', state },
    ]);
    expect(plugin.calls[0]?.state).toBe(state);
  });

  it('records every config it is given', () => {
    const plugin = createRecordingPlugin('audit');
    const config = parsePluginConfig({ name: 'audit', settings: { path: 'a.log' } });

    plugin.configure(config);

    expect(plugin.configs).toEqual([config]);
  });

  it('throws the given error synchronously, after recording the call', () => {
    const boom = new Error('boom');
    const plugin = createRecordingPlugin('broken', { throw: boom });

    expect(() => plugin.onHook('on_failure', state, new AbortController().signal)).toThrow(boom);
    expect(plugin.calls).toEqual([{ hook: 'on_failure', state }]);
  });

  it('rejects with the given error', async () => {
    const refused = new Error('refused');
    const plugin = createRecordingPlugin('refusing', { reject: refused });

    await expect(plugin.onHook('on_success', state, new AbortController().signal)).rejects.toBe(refused);
    expect(plugin.calls).toHaveLength(1);
  });

  it('hangs until its signal aborts, then records the abort and rejects with the reason', async () => {
    const plugin = createRecordingPlugin('slow', 'hang');
    const controller = new AbortController();
    let settled = false;

    const call = Promise.resolve(plugin.onHook('pre_phase', state, controller.signal)).finally(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(plugin.aborts).toEqual([]);

    const reason = new Error('timed out');
    controller.abort(reason);

    await expect(call).rejects.toBe(reason);
    expect(plugin.aborts).toEqual([{ hook: 'pre_phase', reason }]);
  });

  it('records an abort at once when called with a signal that has already aborted', async () => {
    const plugin = createRecordingPlugin('slow', 'hang');
    const reason = new Error('already over');

    await expect(plugin.onHook('post_phase', state, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(plugin.aborts).toEqual([{ hook: 'post_phase', reason }]);
  });
});
