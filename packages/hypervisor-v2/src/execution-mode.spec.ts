import { describe, expect, it } from '@jest/globals';
import { EXECUTION_MODES, executionModeSchema } from './execution-mode.js';

describe('executionModeSchema', () => {
  it.each(EXECUTION_MODES)('accepts %s', (mode) => {
    expect(executionModeSchema.parse(mode)).toBe(mode);
  });

  it.each<[string, unknown]>([
    ['the hyphenated spelling of dry_run', 'dry-run'],
    ['an upper-case name', 'PARALLEL'],
    ['an empty string', ''],
    ['null', null],
  ])('rejects %s', (_name, value) => {
    expect(executionModeSchema.safeParse(value).success).toBe(false);
  });
});
