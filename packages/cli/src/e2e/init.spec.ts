import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';
import type { StatusReportJson } from '../commands/status-report.js';

afterAll(removeScratchDirs);

describe('hypervisor init (built)', () => {
  it('writes an example plan that runs in parallel mode without an agent, then refuses to overwrite it', async () => {
    const cwd = await scratchDir();
    const init = await runBuilt(['init'], cwd);
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('Wrote an example plan of 4 phases to hypervisor-plan/:\n');

    const run = await runBuilt(['run', 'hypervisor-plan', '--mode', 'parallel', '-j', '2'], cwd);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const status = JSON.parse((await runBuilt(['status', 'hypervisor-plan', '--json'], cwd)).stdout) as StatusReportJson;
    expect(status.counts.success).toBe(4);
    expect(status.resumeSkips).toBe(4);

    const again = await runBuilt(['init'], cwd);
    expect(again).toEqual({
      code: 2,
      stdout: '',
      stderr: 'hypervisor: hypervisor-plan/README.md already exists; init never overwrites anything (choose another folder)\n',
    });
  }, 30_000);

  it('writes to the folder given', async () => {
    const cwd = await scratchDir();
    const result = await runBuilt(['init', join('plans', 'mine')], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('  plans/mine/validation/check-output.sh\n');
  });
});
