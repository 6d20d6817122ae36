import { symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createTempPlans, phaseFile } from './__fixtures__/plan-folders.js';
import { loadPlan } from './load-plan.js';
import { PlanError, formatProblem, isPlanError } from './plan-error.js';
import type { PlanErrorCode, PlanProblem } from './plan-error.js';

const plans = createTempPlans();
afterAll(() => plans.removeAll());

async function rejectionOf(promise: Promise<unknown>): Promise<PlanError> {
  const reason = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isPlanError(reason)).toBe(true);
  expect(reason).toBeInstanceOf(PlanError);
  return reason as PlanError;
}

async function loadError(files: Readonly<Record<string, string>>): Promise<{ error: PlanError; dir: string }> {
  const dir = await plans.write(files);
  return { error: await rejectionOf(loadPlan(dir)), dir };
}

function where(problem: PlanProblem): string {
  return `${problem.file ?? '-'}:${problem.line ?? '-'} ${problem.code}`;
}

interface FileErrorCase {
  readonly name: string;
  readonly text: string;
  readonly code: PlanErrorCode;
  readonly line: number;
  readonly message: RegExp;
}

const fileErrors: FileErrorCase[] = [
  { name: 'malformed YAML', text: phaseFile(['phase: 1', 'title: [unclosed']), code: 'malformed_yaml', line: 3, message: /malformed YAML: Flow sequence/ },
  { name: 'a front matter key given twice', text: phaseFile(['phase: 1', 'title: a', 'title: b']), code: 'malformed_yaml', line: 4, message: /Map keys must be unique/ },
  { name: 'front matter that is a list', text: phaseFile(['- phase: 1']), code: 'malformed_yaml', line: 2, message: /must be a mapping of fields/ },
  { name: 'an alias to no anchor', text: phaseFile(['phase: 1', 'title: *nowhere']), code: 'malformed_yaml', line: 2, message: /malformed YAML: Unresolved alias/ },
  { name: 'an alias inside its own anchor', text: phaseFile(['phase: 1', 'title: &x [*x]']), code: 'malformed_yaml', line: 2, message: /refers to a node that contains it/ },
  { name: 'front matter that is never closed', text: '---\nphase: 1\ntitle: x\n\nDo the work.\n', code: 'unclosed_front_matter', line: 1, message: /never closed/ },
  { name: 'a phase: line without front matter', text: '# Setup\nphase: 1\n', code: 'missing_front_matter', line: 2, message: /`phase:` outside front matter/ },
  { name: 'phase fields without a phase id', text: phaseFile(['title: Setup', 'depends_on: [1]']), code: 'missing_phase_id', line: 1, message: /add `phase: <integer>`/ },
  { name: 'a fractional phase id', text: phaseFile(['title: x', 'phase: 1.5']), code: 'invalid_phase_id', line: 3, message: /non-negative integer, got 1\.5$/ },
  { name: 'a phase id that is text', text: phaseFile(['phase: "x"']), code: 'invalid_phase_id', line: 2, message: /non-negative integer, got "x"$/ },
  { name: 'a negative phase id', text: phaseFile(['phase: -3']), code: 'invalid_phase_id', line: 2, message: /got -3$/ },
  { name: 'an empty phase id', text: phaseFile(['phase:']), code: 'invalid_phase_id', line: 2, message: /got null$/ },
  { name: 'depends_on that is not a list', text: phaseFile(['phase: 12', 'title: T', 'depends_on: "11"']), code: 'invalid_field', line: 4, message: /^a\.md:4: depends_on: .*expected array/ },
  { name: 'can_skip that is not a boolean', text: phaseFile(['phase: 1', 'can_skip: "yes"']), code: 'invalid_field', line: 3, message: /can_skip: .*expected boolean/ },
  { name: 'an unknown effort size', text: phaseFile(['phase: 1', 'effort: "XXL"']), code: 'invalid_field', line: 3, message: /effort: expected one of XS, S, M, L, XL$/ },
  { name: 'a depends_on entry that is not an id', text: phaseFile(['phase: 2', 'depends_on:', '  - 1', '  - one']), code: 'invalid_field', line: 5, message: /depends_on\.1: / },
  { name: 'a cross_ref without a relation', text: phaseFile(['phase: 1', 'cross_refs:', '  - {file: "b.md"}']), code: 'invalid_field', line: 4, message: /cross_refs\.0\.relation: / },
];

describe('loadPlan errors', () => {
  it.each(fileErrors)('reports $name as $code, naming the file and line', async ({ text, code, line, message }) => {
    const { error } = await loadError({ 'a.md': text });

    expect(error.code).toBe(code);
    expect(error.problems).toEqual([{ code, file: 'a.md', line, message: expect.any(String) }]);
    expect(error.file).toBe('a.md');
    expect(error.message).toBe(formatProblem(error.problems[0] as PlanProblem));
    expect(error.message.startsWith(`a.md:${line}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('reports each wrongly typed field of a file with its own line', async () => {
    const { error } = await loadError({ 'a.md': phaseFile(['phase: 11', 'depends_on: "11"', 'can_skip: "yes"', 'effort: "XXL"']) });

    expect(error.code).toBe('invalid_plan');
    expect(error.problems.map(where).sort()).toEqual(['a.md:3 invalid_field', 'a.md:4 invalid_field', 'a.md:5 invalid_field']);
    expect(error.message).toMatch(/a\.md:3: depends_on: /);
    expect(error.message).toMatch(/a\.md:4: can_skip: /);
    expect(error.message).toMatch(/a\.md:5: effort: /);
  });

  it('counts lines from the top of a CRLF file and of a file with a byte order mark', async () => {
    const text = phaseFile(['phase: 1', 'title: T', 'can_skip: "yes"']);
    const crlf = await loadError({ 'a.md': text.replace(/\n/g, '\r\n') });
    const bom = await loadError({ 'a.md': `\uFEFF${text}` });

    expect(crlf.error.message).toMatch(/^a\.md:4: can_skip: /);
    expect(bom.error.message).toMatch(/^a\.md:4: can_skip: /);
  });

  it('names both files of a duplicated phase id', async () => {
    const { error } = await loadError({ 'a.md': phaseFile(['phase: 12']), 'b.md': phaseFile(['phase: 12']) });

    expect(error.code).toBe('duplicate_phase_id');
    expect(error.message).toBe('b.md: phase 12 is defined twice, in a.md and b.md');
  });

  it('names the file whose depends_on names an absent phase', async () => {
    const { error } = await loadError({ 'a.md': phaseFile(['phase: 11']), 'b.md': phaseFile(['phase: 12', 'depends_on: [11, 99]']) });

    expect(error.code).toBe('unknown_dependency');
    expect(error.message).toBe('b.md: phase 12 depends on phase 99, which the plan does not have');
  });

  it('names the file of a phase that depends on itself', async () => {
    const { error } = await loadError({ 'a.md': phaseFile(['phase: 11', 'depends_on: [11]']) });

    expect(error.code).toBe('self_dependency');
    expect(error.message).toBe('a.md: phase 11 depends on itself');
  });

  it('prints a dependency cycle as a path in which each phase depends on the next', async () => {
    const { error } = await loadError({
      'a.md': phaseFile(['phase: 11']),
      'b.md': phaseFile(['phase: 12', 'depends_on: [11, 14]']),
      'c.md': phaseFile(['phase: 13', 'depends_on: [12]']),
      'd.md': phaseFile(['phase: 14', 'depends_on: [13]']),
    });

    expect(error.code).toBe('dependency_cycle');
    expect(error.message).toBe('b.md: dependency cycle 12 -> 14 -> 13 -> 12 (each phase depends on the next)');
  });

  it('reports every separate cycle, not only the first, and not the phases that merely wait on one', async () => {
    const { error } = await loadError({
      'a.md': phaseFile(['phase: 12', 'depends_on: [14]']),
      'b.md': phaseFile(['phase: 13', 'depends_on: [12]']),
      'c.md': phaseFile(['phase: 14', 'depends_on: [13]']),
      'd.md': phaseFile(['phase: 20', 'depends_on: [12, 21]']),
      'e.md': phaseFile(['phase: 21', 'depends_on: [20]']),
      'f.md': phaseFile(['phase: 30', 'depends_on: [20]']),
    });

    expect(error.code).toBe('invalid_plan');
    expect(error.problems.map(formatProblem)).toEqual([
      'a.md: dependency cycle 12 -> 14 -> 13 -> 12 (each phase depends on the next)',
      'd.md: dependency cycle 20 -> 21 -> 20 (each phase depends on the next)',
    ]);
  });

  it('does not tell the dependents of an invalid phase that the phase is absent', async () => {
    const { error } = await loadError({
      'a.md': phaseFile(['phase: 11', 'can_skip: "yes"']),
      'b.md': phaseFile(['phase: 12', 'depends_on: [11]']),
    });

    expect(error.code).toBe('invalid_field');
    expect(error.problems.map(where)).toEqual(['a.md:3 invalid_field']);
  });

  it('reports a folder without phase files as an empty plan, naming the folder', async () => {
    const { error, dir } = await loadError({ 'README.md': '# Nothing to run\n', 'notes.md': phaseFile(['title: Notes']) });

    expect(error.code).toBe('empty_plan');
    expect(error.file).toBeUndefined();
    expect(error.message).toBe(`plan ${dir} has no phase (no file with a \`phase\` in its front matter)`);
  });

  it('reports a folder with no files at all as an empty plan', async () => {
    const { error } = await loadError({});

    expect(error.code).toBe('empty_plan');
  });

  it('reports a missing folder as unreadable, naming it and keeping the cause', async () => {
    const dir = join(await plans.write({}), 'absent');

    const error = await rejectionOf(loadPlan(dir));

    expect(error.code).toBe('unreadable_plan');
    expect(error.message).toBe(`cannot read plan folder ${dir}: no such folder`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('reports a path that is a file, not a folder, as unreadable with the reason', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });

    const error = await rejectionOf(loadPlan(join(dir, 'a.md')));

    expect(error.code).toBe('unreadable_plan');
    expect(error.message).toMatch(/^cannot read plan folder .*a\.md: ENOTDIR/);
  });

  it('reports a phase file it cannot read, naming the file', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });
    await symlink(join(dir, 'nowhere.md'), join(dir, 'b.md'));

    const { code, problems, message } = await rejectionOf(loadPlan(dir));

    expect(code).toBe('unreadable_plan');
    expect(problems).toEqual([{ code: 'unreadable_plan', file: 'b.md', message: 'cannot read the phase file: no such file' }]);
    expect(message).toBe('b.md: cannot read the phase file: no such file');
  });

  it('reports a phase file that is a directory with the reason', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']), 'sub/x.md': '' });
    await symlink(join(dir, 'sub'), join(dir, 'b.md'));

    const error = await rejectionOf(loadPlan(dir));

    expect(error.message).toMatch(/^b\.md: cannot read the phase file: EISDIR/);
  });

  it('refuses a markdown file over 1 MiB without reading it, naming the file and the limit', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });
    // Sparse: 2 MiB on paper, nothing on disk.
    await writeFile(join(dir, '99-phase-x.md'), '');
    await truncate(join(dir, '99-phase-x.md'), 2 * 1024 * 1024);

    const error = await rejectionOf(loadPlan(dir));

    expect(error.code).toBe('file_too_large');
    expect(error.message).toBe("99-phase-x.md: the file is 2097152 bytes, over the 1 MiB (1048576 bytes) limit of a plan's markdown file: not read");
  });

  it('reads a markdown file of exactly 1 MiB', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']), 'notes.md': '' });
    await truncate(join(dir, 'notes.md'), 1024 * 1024);

    const plan = await loadPlan(dir);

    expect(plan.phases.map((phase) => phase.file)).toEqual(['a.md']);
  });

  it('refuses a phase file that is a device, which reading would never end or exhaust memory', async () => {
    const dir = await plans.write({ 'a.md': phaseFile(['phase: 1']) });
    await symlink('/dev/null', join(dir, 'b.md'));

    const error = await rejectionOf(loadPlan(dir));

    expect(error.message).toBe('b.md: cannot read the phase file: not a regular file');
  });

  it('reports every problem of a plan at once, each with its own code and file, in one line', async () => {
    const { error, dir } = await loadError({
      'a.md': phaseFile(['phase: 1', 'title: [oops']),
      'b.md': phaseFile(['phase: 2', 'effort: "XXL"']),
      'c.md': phaseFile(['phase: 3', 'depends_on: [9]']),
      'd.md': phaseFile(['phase: 3']),
      'e.md': phaseFile(['phase: 5', 'depends_on: [5]']),
    });

    expect(error.code).toBe('invalid_plan');
    expect(error.problems.map(where)).toEqual([
      'a.md:3 malformed_yaml',
      'b.md:3 invalid_field',
      'd.md:- duplicate_phase_id',
      'c.md:- unknown_dependency',
      'e.md:- self_dependency',
    ]);
    expect(error.message).not.toMatch(/\n/);
    expect(error.message).toMatch(new RegExp(`^5 problems in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a\\.md:3: malformed YAML: `));
    expect(error.message).toMatch(/; b\.md:3: effort: expected one of XS, S, M, L, XL; d\.md: phase 3 is defined twice, in c\.md and d\.md; and 2 more$/);
  });
});
