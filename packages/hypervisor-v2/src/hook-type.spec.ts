import { describe, expect, it } from '@jest/globals';
import { HOOK_TYPES, hookTypeSchema } from './hook-type.js';

describe('hookTypeSchema', () => {
  it('lists the four hooks of the original, in lifecycle order', () => {
    expect(HOOK_TYPES).toEqual(['pre_phase', 'post_phase', 'on_failure', 'on_success']);
  });

  it.each(HOOK_TYPES)('accepts %s', (hook) => {
    expect(hookTypeSchema.parse(hook)).toBe(hook);
  });

  it.each<[string, unknown]>([
    ['another case', 'PRE_PHASE'],
    ['a hyphenated name', 'pre-phase'],
    ['an unknown hook', 'on_retry'],
    ['a number', 1],
  ])('rejects %s', (_name, value) => {
    expect(hookTypeSchema.safeParse(value).success).toBe(false);
  });
});
