import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { FIXTURES, runCaptured } from '../e2e/__fixtures__/other/cli-harness.js';

describe('hypervisor run', () => {
  it('documents the budget and --verbose in --help', async () => {
    const result = await runCaptured(['run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--max-cost <usd>');
    expect(result.stdout).toContain('--verbose');
  });

  it.each([
    ['0', 'hypervisor: --max-cost: expected an amount of US dollars > 0, got "0"\n'],
    ['ten', 'hypervisor: --max-cost: expected an amount of US dollars > 0, got "ten"\n'],
  ])('refuses --max-cost %s with exit 2 before running anything', async (amount, stderr) => {
    const result = await runCaptured(['run', join(FIXTURES, 'plans', 'small'), '--max-cost', amount]);
    expect(result).toEqual({ code: 2, stdout: '', stderr });
  });
});
