import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES, removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import type { PlanReportJson } from './plan.js';

const SMALL = join(FIXTURES, 'plans', 'small');

afterAll(removeScratchDirs);

/** A project with a config file of routing rules and a plan of agent phases. */
async function routedProject(): Promise<string> {
  const root = await scratchDir();
  const config = [
    'agents:',
    '  opus: { extends: claude, model: opus }',
    'routing:',
    '  - when: { effort: [L, XL] }',
    '    agent: opus',
    '  - when: { tags: [docs] }',
    '    agent: gemini',
    '    model: gemini-2.5-flash',
    '  - when: { title: "^fix" }',
    '    model: haiku',
  ];
  await writeFile(join(root, 'hypervisor.config.yaml'), `${config.join('\n')}\n`);
  await mkdir(join(root, 'plan'));
  const phases: [string, string[]][] = [
    ['01-big.md', ['phase: 1', 'title: Big', 'effort: XL', 'tags: [docs]']],
    ['02-docs.md', ['phase: 2', 'title: Docs', 'tags: [docs, web]']],
    ['03-fix.md', ['phase: 3', 'title: Fix the build', 'agent: claude']],
    ['04-own.md', ['phase: 4', 'title: Own', 'effort: L', 'agent: codex', 'model: o3']],
    ['05-plain.md', ['phase: 5', 'title: Plain']],
    ['06-run.md', ['phase: 6', 'title: Script', 'effort: XL', 'run: "true"']],
  ];
  for (const [file, fields] of phases) await writeFile(join(root, 'plan', file), `---\n${fields.join('\n')}\nvalidation_script: check.sh\n---\nDo it.\n`);
  await writeFile(join(root, 'plan', 'check.sh'), 'exit 0\n');
  return root;
}
const WARNINGS = [
  'warning: 03-docs.md: phase 3 has no validation_script: nothing checks its work',
  'warning: 03-docs.md: unknown front matter field "owner" (kept, but the hypervisor ignores it)',
];

describe('hypervisor plan', () => {
  it('prints the analysis as text on stdout and the lint warnings on stderr', async () => {
    const result = await runCaptured(['plan', SMALL]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan small: 4 phases, 4 workers, group policy strict\n/);
    expect(result.stdout).toContain('Critical path: 1 -> 2 -> 4 (27m 00s)');
    expect(result.stdout).toContain('  *  4   2      5m 00s (effort)   0s       Ship "it"');
    expect(result.stderr).toBe(`${WARNINGS.join('\n')}\n`);
  });

  it('prints JSON with the phases and the warnings in it, and nothing on stderr', async () => {
    const result = await runCaptured(['plan', SMALL, '--format', 'json']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as PlanReportJson;
    expect(report).toMatchObject({ plan: 'small', workers: 4, groupPolicy: 'strict', order: [1, 2, 3, 4], levels: [[1], [2, 3], [4]] });
    expect(report.criticalPath).toEqual({ phaseIds: [1, 2, 4], lengthMs: 27 * 60_000 });
    expect(report.estimates['2']).toEqual({ durationMs: 20 * 60_000, source: 'effort' });
    expect(report.phases[3]).toEqual({
      id: 4,
      title: 'Ship "it"',
      file: '04-ship.md',
      dependsOn: [2, 3],
      parallelGroup: null,
      validationScript: 'validation/check.sh',
      checkpoint: 'state/ship.toon',
      run: 'echo shipping',
      agent: 'shell',
      model: '-',
      command: 'echo shipping',
      chosenBy: { agent: { kind: 'phase' }, model: { kind: 'phase' } },
    });
    expect(report.phases[2]).toMatchObject({ validationScript: null, parallelGroup: null });
    expect(report.warnings.map((warning) => [warning.code, warning.phaseId, warning.file])).toEqual([
      ['missing_validation_script', 3, '03-docs.md'],
      ['unknown_field', 3, '03-docs.md'],
    ]);
  });

  it('shows which routing rule chose each agent and model in the Agents table', async () => {
    const result = await runCaptured(['plan', 'plan'], await routedProject());
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const agents = result.stdout.slice(result.stdout.indexOf('Agents:'));
    const rows = agents.split('\n').slice(1, 8).map((line) => line.trim().split(/ {2,}/).slice(0, 4));
    expect(rows).toEqual([
      ['id', 'agent', 'model', 'rule'],
      ['1', 'opus', 'opus', 'routing[0] effort L,XL'],
      ['2', 'gemini', 'gemini-2.5-flash', 'routing[1] tags docs'],
      ['3', 'claude', 'haiku', 'agent: phase, model: routing[2] title /^fix/'],
      ['4', 'codex', 'o3', 'phase'],
      ['5', 'claude', "claude's default", 'default'],
      ['6', 'shell', '-', 'phase'],
    ]);
  });

  it('says in JSON what chose each agent and model', async () => {
    const result = await runCaptured(['plan', 'plan', '--format', 'json'], await routedProject());
    const { phases } = JSON.parse(result.stdout) as PlanReportJson;
    const rule = (index: number, description: string) => ({ kind: 'rule', index, description });
    expect(phases.map(({ id, agent, model, chosenBy }) => ({ id, agent, model, chosenBy }))).toEqual([
      { id: 1, agent: 'opus', model: 'opus', chosenBy: { agent: rule(0, 'effort L,XL'), model: { kind: 'default' } } },
      { id: 2, agent: 'gemini', model: 'gemini-2.5-flash', chosenBy: { agent: rule(1, 'tags docs'), model: rule(1, 'tags docs') } },
      { id: 3, agent: 'claude', model: 'haiku', chosenBy: { agent: { kind: 'phase' }, model: rule(2, 'title /^fix/') } },
      { id: 4, agent: 'codex', model: 'o3', chosenBy: { agent: { kind: 'phase' }, model: { kind: 'phase' } } },
      { id: 5, agent: 'claude', model: "claude's default", chosenBy: { agent: { kind: 'default' }, model: { kind: 'default' } } },
      { id: 6, agent: 'shell', model: '-', chosenBy: { agent: { kind: 'phase' }, model: { kind: 'phase' } } },
    ]);
  });

  it('exits 2 naming the file, line and rule whose agent is unknown', async () => {
    const root = await routedProject();
    await writeFile(join(root, 'hypervisor.config.yaml'), 'routing:\n  - model: opus\n  - when: { effort: L }\n    agent: cursor\n');
    const result = await runCaptured(['plan', 'plan'], root);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: hypervisor.config.yaml:4: routing[1].agent: no agent profile "cursor" (known: claude, codex, gemini, shell)\n' });
  });

  it('draws the plan as a Mermaid flowchart, critical path marked', async () => {
    const result = await runCaptured(['plan', SMALL, '--format', 'mermaid']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart TD\n/);
    expect(result.stdout).toContain('  p4["4: Ship #quot;it#quot;<br/>5m 00s"]\n');
    expect(result.stdout).toContain('  class p1,p2,p4 critical\n');
    expect(result.stderr).toBe(`${WARNINGS.join('\n')}\n`);
  });

  it('draws the plan as a Graphviz digraph', async () => {
    const result = await runCaptured(['plan', SMALL, '--format', 'dot']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^digraph "small" \{\n/);
    expect(result.stdout).toContain('  p2 -> p4 [color=red, penwidth=2, style=bold];\n');
    expect(result.stdout.endsWith('}\n')).toBe(true);
  });

  it('estimates the makespan for the workers given with -j and the group policy given', async () => {
    const makespan = async (...flags: string[]): Promise<Pick<PlanReportJson, 'makespanMs' | 'peakConcurrency' | 'workers' | 'groupPolicy'>> => {
      const { makespanMs, peakConcurrency, workers, groupPolicy } = JSON.parse((await runCaptured(['plan', SMALL, '--format', 'json', ...flags])).stdout) as PlanReportJson;
      return { makespanMs, peakConcurrency, workers, groupPolicy };
    };
    // Phase 3 has no parallel_group: under the strict policy it runs alone, under ignore beside phase 2.
    expect(await makespan()).toEqual({ makespanMs: 37 * 60_000, peakConcurrency: 1, workers: 4, groupPolicy: 'strict' });
    expect(await makespan('--group-policy', 'ignore')).toEqual({ makespanMs: 27 * 60_000, peakConcurrency: 2, workers: 4, groupPolicy: 'ignore' });
    expect(await makespan('--group-policy', 'ignore', '-j', '1')).toEqual({ makespanMs: 37 * 60_000, peakConcurrency: 1, workers: 1, groupPolicy: 'ignore' });
    expect(await makespan('--workers', '2', '--group-policy', 'ignore')).toMatchObject({ makespanMs: 27 * 60_000, workers: 2 });
  });

  it('reads the plan folder relative to the working directory', async () => {
    const result = await runCaptured(['plan', 'small', '--format', 'json'], join(FIXTURES, 'plans'));
    expect((JSON.parse(result.stdout) as PlanReportJson).order).toEqual([1, 2, 3, 4]);
  });

  it.each([
    [['-j', '0'], 'hypervisor: --workers: expected a whole number ≥ 1, got "0"\n'],
    [['-j', 'four'], 'hypervisor: --workers: expected a whole number ≥ 1, got "four"\n'],
    [['-j', '1.5'], 'hypervisor: --workers: expected a whole number ≥ 1, got "1.5"\n'],
    [['--format', 'yaml'], 'Allowed choices are text, json, mermaid, dot'],
    [['--group-policy', 'loose'], 'hypervisor: --group-policy: expected one of strict, ignore, got "loose"\n'],
  ])('rejects %j with exit 2', async (flags, message) => {
    const result = await runCaptured(['plan', SMALL, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with one line naming the file in the plan folder as typed when the plan is invalid', async () => {
    const cycle = join(FIXTURES, 'plans', 'cycle');
    const result = await runCaptured(['plan', cycle]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `hypervisor: ${cycle}/01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n` });
    const relative = await runCaptured(['plan', 'plans/cycle/'], FIXTURES);
    expect(relative.stderr).toBe('hypervisor: plans/cycle/01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n');
  });

  it('exits 2 naming a phase file over 1 MiB and the limit, without reading it', async () => {
    const root = await routedProject();
    // Sparse: 2 MiB on paper, nothing on disk.
    await writeFile(join(root, 'plan', '99-phase-x.md'), '');
    await truncate(join(root, 'plan', '99-phase-x.md'), 2 * 1024 * 1024);
    const result = await runCaptured(['plan', 'plan'], root);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "hypervisor: plan/99-phase-x.md: the file is 2097152 bytes, over the 1 MiB (1048576 bytes) limit of a plan's markdown file: not read\n",
    });
  });

  it('reads front matter indented as a block, and warns about it', async () => {
    const root = await routedProject();
    await writeFile(join(root, 'plan', '07-phase-indented.md'), '      ---\n      phase: 7\n      title: Indented\n      validation_script: check.sh\n      ---\nDo it.\n');
    const result = await runCaptured(['plan', 'plan', '--format', 'json'], root);
    const report = JSON.parse(result.stdout) as PlanReportJson;
    expect(report.order).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(report.warnings).toEqual([
      {
        code: 'misplaced_front_matter',
        phaseId: 7,
        file: '07-phase-indented.md',
        message: '07-phase-indented.md: front matter is indented by 6 characters (read as if it started the file, but other tools will not see it): unindent it',
      },
    ]);
  });

  it('exits 2 with one line naming the folder when there is no plan', async () => {
    const missing = join(FIXTURES, 'plans', 'no-such-plan');
    const result = await runCaptured(['plan', missing]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `hypervisor: cannot read plan folder ${missing}: no such folder\n` });
  });

  it('documents its options in --help', async () => {
    const result = await runCaptured(['plan', '--help']);
    expect(result.code).toBe(0);
    for (const text of ['--format <format>', '-j, --workers <n>', '--group-policy <policy>', 'Lint warnings go to stderr']) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(/\(default:\s+4\)/);
  });
});
