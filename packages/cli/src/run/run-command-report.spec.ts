import { afterAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCheckpoint } from '@kazuba/toon';
import { runIn } from './__fixtures__/run-command-harness.js';
import type { Outcome } from './__fixtures__/run-command-harness.js';
import { removePlans, writePlan } from '../e2e/__fixtures__/run/write-plan.js';
import type { FixtureProject } from '../e2e/__fixtures__/run/write-plan.js';

afterAll(removePlans);

/** The id of the one run under the project's root. */
async function runIdOf(project: FixtureProject): Promise<string> {
  const [runId = ''] = await readdir(join(project.root, '.hypervisor', 'runs'));
  return runId;
}

/** The one run under the project's root, and its report page when there is one. */
async function onlyRun(project: FixtureProject): Promise<{ runId: string; html: string | undefined }> {
  const runId = await runIdOf(project);
  const page = join(project.root, '.hypervisor', 'runs', runId, 'report.html');
  return { runId, html: existsSync(page) ? await readFile(page, 'utf8') : undefined };
}

const lastLine = (outcome: Outcome): string | undefined => outcome.stderr.trimEnd().split('\n').at(-1);

/** The text of the Quality cell of a phase's row in the report's phase table. */
function qualityCell(html: string, id: number): string | undefined {
  const head = /<thead><tr>(.*?)<\/tr><\/thead>/.exec(html)?.[1]?.match(/<th[^>]*>[^<]*<\/th>/g) ?? [];
  const column = head.findIndex((cell) => cell.includes('>Quality<'));
  const row = new RegExp(`<tr id="phase-${id}">(.*?)</tr>`).exec(html)?.[1] ?? '';
  const cells = [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((match) => match[1]);
  return column < 0 ? undefined : cells[column];
}

describe('runCommand --report', () => {
  it("writes the run's report when it succeeds, and prints its path as the last line, also with --quiet", async () => {
    const project = await writePlan([{ id: 1, run: 'echo one' }, { id: 2, run: 'echo two', dependsOn: [1] }]);
    const outcome = await runIn(project, { report: true, quiet: true });
    const { runId, html } = await onlyRun(project);
    expect(outcome).toMatchObject({ ended: 'ok', stdout: '', stderr: `report: .hypervisor/runs/${runId}/report.html\n` });
    expect(html).toContain('<tr id="phase-2">');
    expect(html).toContain('<span class="st st-success">success</span>');
  });

  it('writes nothing without --report or run.report', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }]);
    const outcome = await runIn(project);
    expect(outcome.stderr).not.toContain('report:');
    expect((await onlyRun(project)).html).toBeUndefined();
  });

  it('writes it for a failed run, after the failure summary, and the run still ends run_failed', async () => {
    const project = await writePlan([{ id: 1, run: 'echo broken; exit 1' }, { id: 2, run: 'true', dependsOn: [1] }]);
    const outcome = await runIn(project, { report: true, retries: '0' });
    const { runId, html } = await onlyRun(project);
    expect(outcome.ended).toBe('run_failed');
    expect(outcome.stderr).toMatch(/✗ run failed in \S+: 1 failed, 1 skipped\n[^]*\nreport: \.hypervisor\/runs\/[\w-]+\/report\.html\n$/);
    expect(lastLine(outcome)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<article class="failure" id="failure-1">');
    expect(html).toMatch(/<pre>[^<]*broken/);
  });

  it('writes it for a run interrupted by SIGINT, which ends interrupted', async () => {
    const project = await writePlan([{ id: 1, run: 'echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 20' }, { id: 2, run: 'true', dependsOn: [1] }]);
    const signals = new EventEmitter();
    const pending = runIn(project, { report: true }, { deps: { signals } });
    for (let i = 0; i < 400 && !existsSync(join(project.root, 'pid')); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    signals.emit('SIGINT');
    const outcome = await pending;
    const { runId, html } = await onlyRun(project);
    expect(outcome.ended).toBe('interrupted');
    expect(lastLine(outcome)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<span class="st st-cancelled">cancelled</span>');
  });

  it('writes no report after a second interrupt, which stops everything at once', async () => {
    const project = await writePlan([{ id: 1, run: 'echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 20' }]);
    const signals = new EventEmitter();
    const pending = runIn(project, { report: true }, { deps: { signals, forceExit: () => undefined } });
    for (let i = 0; i < 400 && !existsSync(join(project.root, 'pid')); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    signals.emit('SIGINT');
    signals.emit('SIGINT');
    const outcome = await pending;
    expect(outcome.ended).toBe('interrupted');
    expect(outcome.stderr).not.toContain('report');
    expect((await onlyRun(project)).html).toBeUndefined();
  });

  it('says in one line that the report could not be written, naming the file, and keeps the exit code of the run', async () => {
    // The phase puts a folder where the report goes: the page cannot be renamed over it.
    const project = await writePlan([{ id: 1, run: 'mkdir "$HYPERVISOR_ROOT/.hypervisor/runs/$HYPERVISOR_RUN_ID/report.html"' }]);
    const outcome = await runIn(project, { report: true });
    const runId = await runIdOf(project);
    expect(outcome.ended).toBe('ok');
    expect(lastLine(outcome)).toMatch(new RegExp(`^hypervisor: report not written: cannot write ${project.root}/\\.hypervisor/runs/${runId}/report\\.html: \\w+`));
    expect(outcome.stderr.trimEnd().split('\n').filter((line) => line.includes('report'))).toHaveLength(1);
    const failing = await writePlan([{ id: 1, run: 'mkdir "$HYPERVISOR_ROOT/.hypervisor/runs/$HYPERVISOR_RUN_ID/report.html"; exit 1' }]);
    expect(await runIn(failing, { report: true, retries: '0' })).toMatchObject({ ended: 'run_failed', stderr: expect.stringMatching(/\nhypervisor: report not written: cannot write [^\n]+\n$/) });
  });

  it('names the page when a file it is made from cannot be read, in one line', async () => {
    // The failed phase's log, whose tail the report shows, becomes a folder.
    const project = await writePlan([{ id: 1, run: 'log="$HYPERVISOR_ROOT/.hypervisor/runs/$HYPERVISOR_RUN_ID/phase-1.log"; rm "$log"; mkdir "$log"; exit 1' }]);
    const outcome = await runIn(project, { report: true, retries: '0' });
    const runId = await runIdOf(project);
    expect(outcome.ended).toBe('run_failed');
    expect(lastLine(outcome)).toBe(`hypervisor: report not written: .hypervisor/runs/${runId}/report.html: EISDIR: illegal operation on a directory, read`);
  });

  it('writes the report when the config file says run.report: true; a dry run then writes none', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }]);
    await writeFile(join(project.root, 'hypervisor.config.yaml'), 'run:\n  report: true\n');
    const dryRun = await runIn(project, { mode: 'dry-run' });
    expect(dryRun).toMatchObject({ ended: 'ok', stderr: '' });
    expect(existsSync(join(project.root, '.hypervisor'))).toBe(false);
    const outcome = await runIn(project);
    const { runId, html } = await onlyRun(project);
    expect(lastLine(outcome)).toBe(`report: .hypervisor/runs/${runId}/report.html`);
    expect(html).toContain('<tr id="phase-1">');
  });

  it("shows the quality a validation script prints: on the phase's line, in its checkpoint and in the report's Quality column", async () => {
    const project = await writePlan([
      { id: 1, run: 'true', extra: ['validation_script: score.sh'] },
      { id: 2, run: 'true', extra: ['validation_script: plain.sh'] },
    ]);
    await writeFile(join(project.planDir, 'score.sh'), 'echo "checks passed"\necho \'{"quality": 85}\'\n');
    await writeFile(join(project.planDir, 'plain.sh'), 'echo "checks passed"\n');
    const outcome = await runIn(project, { report: true });
    expect(outcome.stderr).toMatch(/✓ phase 1 \(Phase 1\) succeeded in \S+, quality 85%\n/);
    expect(outcome.stderr).toMatch(/✓ phase 2 \(Phase 2\) succeeded in \S+\n/);
    expect((await readCheckpoint(join(project.root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ quality: 0.85 });
    expect((await readCheckpoint(join(project.root, 'checkpoints/phase_02.toon'))).value).not.toHaveProperty('quality');
    const { html = '' } = await onlyRun(project);
    expect([qualityCell(html, 1), qualityCell(html, 2)]).toEqual(['85%', '']);
  });
});
