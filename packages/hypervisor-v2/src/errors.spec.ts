import { describe, expect, it } from '@jest/globals';
import { HYPERVISOR_V2_ERROR_CODES, HypervisorV2Error, isHypervisorV2Error } from './errors.js';

const BRAND = Symbol.for('kazuba.hypervisor-v2.error');

describe('HypervisorV2Error', () => {
  it('carries its code, a frozen copy of its context and its cause', () => {
    const cause = new Error('root');
    const context = { source: 'plugins/audit.json' };
    const error = new HypervisorV2Error('invalid_plugin_config', 'bad', context, { cause });
    expect(error.code).toBe('invalid_plugin_config');
    expect(error.context).toEqual(context);
    expect(error.context).not.toBe(context);
    expect(Object.isFrozen(error.context)).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('HypervisorV2Error');
    expect(error).toBeInstanceOf(Error);
  });

  it('defaults to an empty context', () => {
    expect(new HypervisorV2Error('invalid_state', 'bad').context).toEqual({});
  });
});

describe('isHypervisorV2Error', () => {
  it.each(HYPERVISOR_V2_ERROR_CODES)('recognises an error with code %s', (code) => {
    expect(isHypervisorV2Error(new HypervisorV2Error(code, 'x'))).toBe(true);
  });

  it('recognises an error branded by another copy of this package', () => {
    const foreign = Object.assign(new Error('x'), { code: 'invalid_state', [BRAND]: true });
    expect(isHypervisorV2Error(foreign)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('x')],
    ['a branded error with a code outside the union', Object.assign(new Error('x'), { code: 'nope', [BRAND]: true })],
    ['a branded error without a code', Object.assign(new Error('x'), { [BRAND]: true })],
    ['a look-alike without the brand', { name: 'HypervisorV2Error', code: 'invalid_state', message: 'x' }],
    ['a look-alike whose brand is not true', { code: 'invalid_state', [BRAND]: 'yes' }],
    ['a string', 'HypervisorV2Error'],
    ['null', null],
    ['undefined', undefined],
  ])('rejects %s', (_name, value) => {
    expect(isHypervisorV2Error(value)).toBe(false);
  });
});
