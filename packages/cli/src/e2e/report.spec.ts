import { existsSync } from 'node:fs';
import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { writeCheckpoint } from '@kazuba/toon';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { removePlans, writePlan } from './__fixtures__/run/write-plan.js';
import type { FixtureProject } from './__fixtures__/run/write-plan.js';

// Whole runs of the built CLI: seconds each, more on a loaded machine.
jest.setTimeout(60_000);
afterAll(removePlans);

const hypervisor = (project: FixtureProject, args: readonly string[]) => runBuiltCli(args, { cwd: project.root });
/** The Gantt bars: one per attempt. */
const attemptBars = (html: string): number => html.match(/data-phase-id="\d+" data-attempt="\d+"/g)?.length ?? 0;

describe('hypervisor report (built)', () => {
  let project: FixtureProject;
  let runId: string;

  beforeAll(async () => {
    // Phases 2 and 4 fail both of their attempts; with --keep-going, phase 3 still runs after phase 1.
    project = await writePlan([
      { id: 1, run: 'echo one' },
      { id: 2, run: 'echo "attempt $HYPERVISOR_ATTEMPT <b>boom & bust</b>"; exit 1' },
      { id: 3, run: 'echo three', dependsOn: [1] },
      { id: 4, run: 'seq 1 100 | sed s/^/row-/; exit 1' },
    ]);
    project = { ...project, root: await realpath(project.root) };
    const run = await hypervisor(project, ['run', 'plan', '--retries', '1', '--keep-going']);
    expect(run.status).toBe(1);
    const runs = await readdir(join(project.root, '.hypervisor', 'runs'));
    expect(runs).toHaveLength(1);
    runId = runs[0] ?? '';
  });

  it("writes the latest run's report in its run folder, and prints its path relative to the cwd", async () => {
    const result = await hypervisor(project, ['report', 'plan']);
    expect(result).toMatchObject({ status: 0, stdout: `.hypervisor/runs/${runId}/report.html\n`, stderr: '' });
    const html = await readFile(join(project.root, '.hypervisor', 'runs', runId, 'report.html'), 'utf8');
    expect(attemptBars(html)).toBe(6);
    // The failure's log tail, escaped: only the log holds attempt 1's output.
    expect(html).toMatch(/<pre>[^<]*\nattempt 1 &lt;b&gt;boom &amp; bust&lt;\/b&gt;\n/);
    expect(html).not.toContain('<b>boom');
    // Only the end of a long log: its last 40 lines.
    const tail = /id="failure-4">[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(html)?.[1]?.split('\n');
    expect(tail).toHaveLength(40);
    expect([tail?.[0], tail?.[39]]).toEqual(['row-61', 'row-100']);
    expect(html).not.toMatch(/https?:\/\//);
    // Written through a temporary file that the rename consumed.
    expect((await readdir(join(project.root, '.hypervisor', 'runs', runId))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the report of the run --run names where -o says', async () => {
    const result = await hypervisor(project, ['report', 'plan', '--run', runId, '-o', 'out.html']);
    expect(result).toMatchObject({ status: 0, stdout: 'out.html\n', stderr: '' });
    expect(attemptBars(await readFile(join(project.root, 'out.html'), 'utf8'))).toBe(6);
  });

  it('reads the run under --root, from another working directory, and prints an absolute path outside it', async () => {
    const result = await runBuiltCli(['report', join(project.root, 'plan'), '--root', project.root], { cwd: join(project.root, 'plan') });
    expect(result).toMatchObject({ status: 0, stdout: `${join(project.root, '.hypervisor', 'runs', runId, 'report.html')}\n` });
  });

  it('exits 2 in one line for an unknown --run id and for a folder it cannot write to', async () => {
    expect(await hypervisor(project, ['report', 'plan', '--run', 'run-nope'])).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^hypervisor: --run run-nope: no such run under [^\n]+\n$/) });
    const missing = await hypervisor(project, ['report', 'plan', '-o', 'nowhere/out.html']);
    expect(missing).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^hypervisor: cannot write [^\n]+nowhere\/out\.html: [^\n]+\n$/) });
    expect(existsSync(join(project.root, 'nowhere'))).toBe(false);
  });

  it('exits 2 in one line when there is no run under the root', async () => {
    const fresh = await writePlan([{ id: 1, run: 'true' }]);
    const root = await realpath(fresh.root);
    expect(await runBuiltCli(['report', 'plan'], { cwd: root })).toMatchObject({ status: 2, stdout: '', stderr: `hypervisor: no run under ${root}: run the plan first\n` });
  });

  it('exits 2 in one line for a run from before event logs', async () => {
    const old = await writePlan([{ id: 1, run: 'true' }]);
    await writeCheckpoint(join(old.root, '.hypervisor', 'runs', 'run-old', 'run.toon'), {
      kind: 'kazuba.hypervisor.run',
      run_id: 'run-old',
      plan: 'plan',
      started_at: '2026-01-01T00:00:00.000Z',
      outcome: 'succeeded',
    });
    const result = await hypervisor(old, ['report', 'plan']);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: expect.stringMatching(/^hypervisor: run run-old has no events\.jsonl: [^\n]+\n$/) });
    // A run that died before its first event was written.
    await writeFile(join(old.root, '.hypervisor', 'runs', 'run-old', 'events.jsonl'), '');
    const empty = await hypervisor(old, ['report', 'plan']);
    expect(empty).toEqual({ status: 2, signal: null, stdout: '', stderr: 'hypervisor: run run-old: its events.jsonl holds no run:started, nothing to report\n' });
  });
});
