import { afterAll, describe, expect, it } from '@jest/globals';
import { createTempPlans, phaseFile } from './__fixtures__/plan-folders.js';
import { lintPlan } from './lint-plan.js';
import { loadPlan } from './load-plan.js';
import { formatProblem, isPlanError } from './plan-error.js';
import type { PlanError } from './plan-error.js';

const plans = createTempPlans();
afterAll(() => plans.removeAll());

async function loadError(files: Readonly<Record<string, string>>): Promise<PlanError> {
  const reason = await loadPlan(await plans.write(files)).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isPlanError(reason)).toBe(true);
  return reason as PlanError;
}

async function problemsOf(files: Readonly<Record<string, string>>): Promise<string[]> {
  return (await loadError(files)).problems.map((problem) => `${problem.code} ${formatProblem(problem)}`);
}

const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((line) => (line === '' ? line : `${by}${line}`))
    .join('\n');

describe('loadPlan on front matter that does not start its file', () => {
  it('reads front matter indented as a block, body and all, and says where it was', async () => {
    const text = `${indent(['---', 'phase: 1', 'title: "Indented"', 'depends_on: []', '---'].join('\n'), '    ')}\n\n# Phase 1\n\nDo it.\n`;

    const plan = await loadPlan(await plans.write({ '01-phase-a.md': text }));

    expect(plan.phases[0]).toMatchObject({ id: 1, title: 'Indented', prompt: '# Phase 1\n\nDo it.', frontMatterAt: { line: 1, indent: 4 } });
  });

  it('reads front matter after blank lines, and after blank lines and indentation', async () => {
    const plan = await loadPlan(
      await plans.write({ 'a.md': `\n\n${phaseFile(['phase: 1'])}`, 'b.md': `\n${indent(phaseFile(['phase: 2'], ''), '\t')}` }),
    );

    expect(plan.phases.map((phase) => [phase.id, phase.frontMatterAt])).toEqual([
      [1, { line: 3, indent: 0 }],
      [2, { line: 2, indent: 1 }],
    ]);
    expect(lintPlan(plan).filter((warning) => warning.code === 'misplaced_front_matter').map((warning) => warning.message)).toEqual([
      'a.md: front matter starts on line 3 (read as if it started the file, but other tools will not see it): remove the lines before it',
      'b.md: front matter starts on line 2, indented by 1 character (read as if it started the file, but other tools will not see it): remove the lines before it and unindent it',
    ]);
  });

  it("names the file's own line of a field error in indented front matter", async () => {
    expect(await problemsOf({ 'a.md': indent(phaseFile(['phase: 1', 'title: T', 'effort: "XXL"']), '  ') })).toEqual([
      'invalid_field a.md:4: effort: expected one of XS, S, M, L, XL',
    ]);
    expect(await problemsOf({ 'a.md': `\n\n${phaseFile(['title: T', 'depends_on: [1]'])}` })).toEqual([
      'missing_phase_id a.md:3: phase fields without a phase id: add `phase: <integer>`',
    ]);
  });

  it('closes indented front matter at the first --- indented no deeper than the opening one', async () => {
    const text = indent(phaseFile(['phase: 1', 'recovery_plan: |', '  first', '  ---', '  second'], 'Body.'), '  ');

    const plan = await loadPlan(await plans.write({ 'a.md': text }));

    expect(plan.phases[0]).toMatchObject({ recoveryPlan: 'first\n---\nsecond\n', prompt: 'Body.' });
  });

  it('reports a YAML error in indented front matter at its line, naming a line indented less than the opening ---', async () => {
    const broken = ['  ---', '  phase: 1', '  tags:', '    - a', '- b', '  ---', ''].join('\n');
    const wellIndented = ['  ---', '  phase: 2', '  title: [oops', '  ---', ''].join('\n');

    expect(await problemsOf({ 'a.md': broken, 'b.md': wellIndented })).toEqual([
      "malformed_yaml a.md:5: malformed YAML: A block sequence may not be used as an implicit map key; the line is indented less than the front matter's opening ---",
      expect.stringMatching(/^malformed_yaml b\.md:\d: malformed YAML: Flow sequence [^;]*$/),
    ]);
  });

  it('reports displaced front matter that is never closed, or is not a mapping, at the line it opens on', async () => {
    expect(await problemsOf({ 'a.md': '\n\n   ---\n   phase: 1\n' })).toEqual(['unclosed_front_matter a.md:3: front matter opened with --- is never closed']);
    expect(await problemsOf({ 'a.md': '\n---\n- phase: 1\n---\n' })).toEqual(['malformed_yaml a.md:3: front matter must be a mapping of fields']);
  });
});

describe('loadPlan on files that look like phase files', () => {
  it('names a file called like a phase file that has no front matter', async () => {
    expect(await problemsOf({ '03-phase-build.md': '# Phase 3: Build\n\nDo it.\n', 'phase_4.md': 'Nothing here.\n' })).toEqual([
      'missing_front_matter 03-phase-build.md: named like a phase file, but has no front matter: a phase file starts with a line ---, then its fields, then a line ---',
      'missing_front_matter phase_4.md: named like a phase file, but has no front matter: a phase file starts with a line ---, then its fields, then a line ---',
    ]);
  });

  it('names a file with a phase: line near its top outside front matter, at that line, and keeps its id for its dependents', async () => {
    const files = { 'b.md': '# Build\n\n---\nphase: 2\n---\n', 'c.md': phaseFile(['phase: 3', 'depends_on: [2]']) };

    expect(await problemsOf(files)).toEqual([
      'missing_front_matter b.md:4: `phase:` outside front matter: a phase file starts with a line ---, then its fields, then a line ---',
    ]);
  });

  it('names a file called like a phase file whose front matter has no phase id', async () => {
    expect(await problemsOf({ '04-phase-docs.md': phaseFile(['title: Docs']) })).toEqual([
      'missing_phase_id 04-phase-docs.md:1: named like a phase file, but its front matter has no phase id: add `phase: <integer>`, or `type: index` if it is not a phase',
    ]);
  });

  it('does not tell the dependents of a phase whose YAML is malformed that the phase is absent', async () => {
    const files = { 'a.md': phaseFile(['phase: 1', 'title: [oops']), 'b.md': phaseFile(['phase: 2', 'depends_on: [1, 9]']) };

    expect(await problemsOf(files)).toEqual([
      expect.stringMatching(/^malformed_yaml a\.md:3: malformed YAML: /),
      'unknown_dependency b.md: phase 2 depends on phase 9, which the plan does not have',
    ]);
  });

  it('still leaves out notes, an index named like a phase, and a file whose phase: line is far from its top', async () => {
    const far = `# Notes\n${'\nText.'.repeat(20)}\nphase: 9\n`;
    const files = {
      'a.md': phaseFile(['phase: 1']),
      'notes.md': '# Notes\n\nThe phases are in order.\n',
      '00-phase-index.md': phaseFile(['type: index', 'total_phases: 1']),
      'far.md': far,
      'phases.md': '# All the phases\n',
    };

    const plan = await loadPlan(await plans.write(files));

    expect(plan.phases.map((phase) => phase.file)).toEqual(['a.md']);
  });
});
