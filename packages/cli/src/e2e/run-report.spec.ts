import { existsSync } from 'node:fs';
import { readFile, readdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readCheckpoint } from '@kazuba/toon';
import { runBuiltCli, spawnCli } from './__fixtures__/run/spawn-cli.js';
import type { Finished } from './__fixtures__/run/spawn-cli.js';
import { eventually, removePlans, writePlan } from './__fixtures__/run/write-plan.js';
import type { FixturePhase, FixtureProject } from './__fixtures__/run/write-plan.js';

// Whole runs of the built CLI: seconds each, more on a loaded machine.
jest.setTimeout(60_000);
afterAll(removePlans);

async function project(phases: readonly FixturePhase[]): Promise<FixtureProject> {
  const made = await writePlan(phases);
  return { ...made, root: await realpath(made.root) };
}

/** The id of the one run under the root, and its report page when it has one. */
async function onlyRun(root: string): Promise<{ runId: string; html: string | undefined }> {
  const [runId = ''] = await readdir(join(root, '.hypervisor', 'runs'));
  const page = join(root, '.hypervisor', 'runs', runId, 'report.html');
  return { runId, html: existsSync(page) ? await readFile(page, 'utf8') : undefined };
}

const lastLine = (result: Finished): string | undefined => result.stderr.trimEnd().split('\n').at(-1);

describe('hypervisor run --report (built)', () => {
  it("writes the run's report when it succeeds and prints its path last; the page shows each phase's quality", async () => {
    const { root, planDir } = await project([
      { id: 1, run: 'echo one', extra: ['validation_script: score.sh'] },
      { id: 2, run: 'echo two', dependsOn: [1] },
    ]);
    await writeFile(join(planDir, 'score.sh'), 'echo "all checks passed"\necho \'{"quality": 85}\'\n');
    const result = await runBuiltCli(['run', 'plan', '--report', '--json'], { cwd: root });
    const { runId, html = '' } = await onlyRun(root);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'succeeded' });
    expect(result.stderr).toMatch(/✓ phase 1 \(Phase 1\) succeeded in \S+, quality 85%\n/);
    expect(lastLine(result)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<th scope="col">Quality</th>');
    // The Quality column is the eighth: 85% for phase 1, empty for phase 2, whose phase has no validation script.
    const qualityOf = (id: number): string | undefined => new RegExp(`<tr id="phase-${id}">(?:<td[^>]*>.*?</td>){7}<td class="n">([^<]*)</td>`).exec(html)?.[1];
    expect([qualityOf(1), qualityOf(2)]).toEqual(['85%', '']);
    expect((await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ status: 'success', quality: 0.85 });
    // What `hypervisor report` writes of the same run is the same page, but for the time it was made.
    const again = await runBuiltCli(['report', 'plan', '-o', 'again.html'], { cwd: root });
    const stamp = /\d{4}-\d\d-\d\dT[\d:.]+Z/g;
    expect((await readFile(join(root, 'again.html'), 'utf8')).replace(stamp, 'T')).toBe(html.replace(stamp, 'T'));
    expect(again.status).toBe(0);
  });

  it('writes it for a failed run, and the exit code stays the failure', async () => {
    const { root } = await project([{ id: 1, run: 'echo broken; exit 1' }, { id: 2, run: 'true', dependsOn: [1] }]);
    const result = await runBuiltCli(['run', 'plan', '--report', '--retries', '0'], { cwd: root });
    const { runId, html = '' } = await onlyRun(root);
    expect(result.status).toBe(1);
    expect(lastLine(result)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<article class="failure" id="failure-1">');
    expect(html).toContain('<span class="st st-skipped">skipped</span>');
  });

  it('writes it for a run interrupted by SIGINT, which exits 130', async () => {
    const { root } = await project([{ id: 1, run: 'echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30' }, { id: 2, run: 'true', dependsOn: [1] }]);
    const running = spawnCli(['run', 'plan', '--report'], { cwd: root });
    expect((await eventually(() => existsSync(join(root, 'pid')), 15_000)) || running.output()).toBe(true);
    running.child.kill('SIGINT');
    const result = await running.finished;
    const { runId, html = '' } = await onlyRun(root);
    expect(result.status).toBe(130);
    expect(result.stderr).toContain('to resume, run `hypervisor run plan` again');
    expect(lastLine(result)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<span class="st st-cancelled">cancelled</span>');
  });

  it('refuses --report with --mode dry-run in one line, exit 2, running nothing', async () => {
    const { root } = await project([{ id: 1, run: 'touch "$HYPERVISOR_ROOT/ran"' }]);
    const result = await runBuiltCli(['run', 'plan', '--report', '--mode', 'dry-run'], { cwd: root });
    expect(result).toEqual({
      status: 2,
      signal: null,
      stdout: '',
      stderr: 'hypervisor: --report: a dry run starts nothing and keeps no event log, so it has no report; drop --report or --mode dry-run\n',
    });
    expect(await readdir(root)).toEqual(['plan']);
  });

  it('documents --report and run.report in --help', async () => {
    const result = await runBuiltCli(['run', '--help'], { cwd: process.cwd() });
    expect(result.stdout).toContain('--report');
    expect(result.stdout).toContain('run.report: true');
  });
});
