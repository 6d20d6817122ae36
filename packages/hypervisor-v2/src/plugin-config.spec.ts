import { describe, expect, it } from '@jest/globals';
import { isHypervisorV2Error } from './errors.js';
import type { HypervisorV2Error } from './errors.js';
import { parsePluginConfig } from './plugin-config.js';

function rejectionOf(input: unknown, source?: string): HypervisorV2Error {
  try {
    parsePluginConfig(input, source);
  } catch (error) {
    if (isHypervisorV2Error(error)) return error;
    throw error;
  }
  throw new Error('expected parsePluginConfig to throw');
}

describe('parsePluginConfig', () => {
  it('applies the defaults: enabled, no settings', () => {
    expect(parsePluginConfig({ name: 'audit-log' })).toEqual({ name: 'audit-log', enabled: true, settings: {} });
  });

  it('keeps what the user wrote', () => {
    const input = { name: 'metrics.prom_v2', enabled: false, settings: { port: 9100, labels: ['a', 'b'] } };
    expect(parsePluginConfig(input)).toEqual(input);
  });

  it('gives every parse its own settings object', () => {
    const first = parsePluginConfig({ name: 'a' });
    const second = parsePluginConfig({ name: 'b' });
    expect(first.settings).not.toBe(second.settings);
  });

  it('freezes the result down to nested settings', () => {
    const config = parsePluginConfig({ name: 'audit', settings: { sink: { path: 'audit.log' }, tags: ['x'] } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.settings)).toBe(true);
    expect(Object.isFrozen(config.settings['sink'])).toBe(true);
    expect(Object.isFrozen(config.settings['tags'])).toBe(true);
  });

  it('freezes settings objects without a prototype, as some YAML parsers build them', () => {
    const sink = Object.assign(Object.create(null) as Record<string, unknown>, { path: 'audit.log' });
    const config = parsePluginConfig({ name: 'audit', settings: { sink } });
    expect(Object.isFrozen(config.settings['sink'])).toBe(true);
  });

  it('leaves objects that are not plain data, such as a Date, as they are', () => {
    const since = new Date('2026-03-01T00:00:00Z');
    const config = parsePluginConfig({ name: 'audit', settings: { since } });
    expect(config.settings['since']).toBe(since);
    expect(Object.isFrozen(since)).toBe(false);
  });

  it('accepts names of one character and names in upper case', () => {
    expect(parsePluginConfig({ name: '7' }).name).toBe('7');
    expect(parsePluginConfig({ name: 'Audit_Log' }).name).toBe('Audit_Log');
  });

  it.each<[string, unknown, string]>([
    ['a missing name', {}, 'name: Invalid input: expected string, received undefined'],
    ['an empty name', { name: '' }, 'name: must not be empty'],
    ['a name starting with a dot', { name: '.hidden' }, 'name: must start with a letter or digit'],
    ['a name with a slash', { name: 'a/b' }, 'name: must start with a letter or digit'],
    ['an enabled flag that is a string', { name: 'a', enabled: 'yes' }, 'enabled: Invalid input: expected boolean'],
    ['settings that are a list', { name: 'a', settings: [1] }, 'settings: Invalid input: expected record'],
    ['a misspelt key', { name: 'a', enable: true }, 'Unrecognized key: "enable"'],
    ['a value that is not an object', 'audit', 'Invalid input: expected object, received string'],
  ])('rejects %s with invalid_plugin_config naming the field', (_name, input, expected) => {
    const error = rejectionOf(input, 'plugins/audit.json');
    expect(error.code).toBe('invalid_plugin_config');
    expect(error.message).toContain(expected);
    expect(error.message.startsWith('plugins/audit.json: invalid plugin config: ')).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('names every offending field in one line and keeps them in the context', () => {
    const error = rejectionOf({ name: '-x', enabled: 1 }, 'plugins/x.json');
    expect(error.message).toMatch(/^plugins\/x\.json: invalid plugin config: name: .+; enabled: .+$/);
    expect(error.context.source).toBe('plugins/x.json');
    expect(error.context.issues?.map((issue) => issue.path)).toEqual(['name', 'enabled']);
  });

  it('keeps the message on one line when an unknown key contains a line break', () => {
    const error = rejectionOf({ name: 'a', 'en\nabled': true });
    expect(error.message).toBe('invalid plugin config: Unrecognized key: "en\\nabled"');
  });

  it('reports an empty name once, not also as a pattern mismatch', () => {
    expect(rejectionOf({ name: '' }).context.issues).toHaveLength(1);
  });

  it('omits the source from message and context when none is given', () => {
    const error = rejectionOf({ name: 1 });
    expect(error.message.startsWith('invalid plugin config: name: ')).toBe(true);
    expect(error.context).not.toHaveProperty('source');
  });

  it('keeps the zod error as the cause', () => {
    expect(rejectionOf({}).cause).toBeInstanceOf(Error);
  });
});
