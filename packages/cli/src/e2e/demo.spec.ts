import { afterAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';
import type { PlanReportJson } from '../commands/plan.js';
import type { StatusReportJson } from '../commands/status-report.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo');

afterAll(removeScratchDirs);

// The demo plan of `npm run demo`: it must load cleanly, show parallelism and a critical path, and run.
describe('examples/demo (built)', () => {
  it('is a clean plan of eight phases with a critical path and parallel groups', async () => {
    const result = await runBuilt(['plan', 'examples/demo', '--format', 'json'], REPO_ROOT);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as PlanReportJson;
    expect(report.warnings).toEqual([]);
    expect(report.order).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(report.criticalPath.phaseIds).toEqual([1, 3, 5, 7, 8]);
    expect(report.peakConcurrency).toBe(3);
    expect(report.phases.every((phase) => phase.run !== null && phase.validationScript === 'validation/check-output.sh')).toBe(true);
    const text = await runBuilt(['plan', 'examples/demo'], REPO_ROOT);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toContain('Critical path: 1 -> 3 -> 5 -> 7 -> 8 (3.3s)\n');
  });

  it('runs in parallel mode and exits 0, phase 3 passing on its retry; a resumed run skips every phase', async () => {
    const root = await scratchDir();
    const run = await runBuilt(['run', DEMO, '--mode', 'parallel', '-j', '4', '--root', root, '--force'], REPO_ROOT);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });

    const status = JSON.parse((await runBuilt(['status', DEMO, '--root', root, '--json'], REPO_ROOT)).stdout) as StatusReportJson;
    expect(status.counts.success).toBe(8);
    expect(status.phases.find((phase) => phase.id === 3)?.attempts).toBe(2);
    expect(await readFile(join(root, 'out', 'phase-8.txt'), 'utf8')).toContain('42 tests passed\n');

    const stats = JSON.parse((await runBuilt(['events', 'stats', '--root', root, '--json'], REPO_ROOT)).stdout) as Record<string, unknown>;
    // A failed attempt that a retry makes good counts as a retry, not as a failed phase.
    expect(stats).toMatchObject({ started: 9, succeeded: 8, failed: 0, retried: 1 });

    // Sequential: a fully resumed parallel run currently keeps its stall watchdog alive (reported to core).
    const resumed = await runBuilt(['run', DEMO, '--mode', 'sequential', '--root', root], REPO_ROOT);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain('8 skipped');
  }, 60_000);
});
