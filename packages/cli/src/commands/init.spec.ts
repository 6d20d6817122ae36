import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import type { PlanReportJson } from './plan.js';

const FILES = ['01-prepare.md', '02-lint.md', '03-test.md', '04-report.md', 'README.md', 'validation'];

afterAll(removeScratchDirs);

describe('hypervisor init', () => {
  it('writes an example plan to ./hypervisor-plan by default, and says what to do next', async () => {
    const cwd = await scratchDir();
    const result = await runCaptured(['init'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'Wrote an example plan of 4 phases to hypervisor-plan/:',
      '  hypervisor-plan/README.md',
      '  hypervisor-plan/01-prepare.md',
      '  hypervisor-plan/02-lint.md',
      '  hypervisor-plan/03-test.md',
      '  hypervisor-plan/04-report.md',
      '  hypervisor-plan/validation/check-output.sh',
      'and its settings, commented, to hypervisor.config.yaml',
      'Next:',
      '  hypervisor config',
      '  hypervisor plan hypervisor-plan',
      '  hypervisor run hypervisor-plan --mode parallel',
      '  hypervisor status hypervisor-plan',
      '',
    ]);
    const dir = join(cwd, 'hypervisor-plan');
    expect((await readdir(dir)).sort()).toEqual(FILES);
    expect((await stat(join(dir, 'validation', 'check-output.sh'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain('    hypervisor run hypervisor-plan --mode parallel -j 2  # run it;');
  });

  it('writes a plan that loads without a lint warning: run: lines, one validation script, a parallel group', async () => {
    const cwd = await scratchDir();
    expect((await runCaptured(['init', 'plans/first'], cwd)).code).toBe(0);
    const result = await runCaptured(['plan', 'plans/first', '--format', 'json'], cwd);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as PlanReportJson;
    expect(report.warnings).toEqual([]);
    expect(report.levels).toEqual([[1], [2, 3], [4]]);
    expect(report.criticalPath.phaseIds).toEqual([1, 3, 4]);
    expect(report.phases.map((phase) => [phase.parallelGroup, phase.validationScript, phase.run === null])).toEqual([
      [null, 'validation/check-output.sh', false],
      ['checks', 'validation/check-output.sh', false],
      ['checks', 'validation/check-output.sh', false],
      [null, 'validation/check-output.sh', false],
    ]);
    expect(report.peakConcurrency).toBe(2);
  });

  it('refuses to overwrite a file, writes nothing, and exits 2 in one line', async () => {
    const cwd = await scratchDir();
    await mkdir(join(cwd, 'mine'));
    await writeFile(join(cwd, 'mine', '03-test.md'), 'my own notes\n');
    const result = await runCaptured(['init', 'mine'], cwd);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: mine/03-test.md already exists; init never overwrites anything (choose another folder)\n' });
    expect(await readdir(join(cwd, 'mine'))).toEqual(['03-test.md']);
    expect(await readFile(join(cwd, 'mine', '03-test.md'), 'utf8')).toBe('my own notes\n');
  });

  it('writes a config file that is valid as it is, every run setting at its default, and keeps one that exists', async () => {
    const cwd = await scratchDir();
    expect((await runCaptured(['init'], cwd)).code).toBe(0);
    const result = await runCaptured(['config', '--json'], cwd);
    expect(result.code).toBe(0);
    const { run } = JSON.parse(result.stdout) as { run: Record<string, { value: unknown; from: string }> };
    expect(run['workers']).toEqual({ value: 4, from: 'hypervisor.config.yaml:5' });
    expect(run['timeout']).toEqual({ value: '10m 00s', from: 'hypervisor.config.yaml:6' });
    expect(run['deniedEdits']).toEqual({ value: 'partial', from: expect.stringMatching(/^hypervisor\.config\.yaml:\d+$/) });
    expect(run['report']).toEqual({ value: false, from: expect.stringMatching(/^hypervisor\.config\.yaml:\d+$/) });
    expect(run['events.keepRuns']).toEqual({ value: 50, from: expect.stringMatching(/^hypervisor\.config\.yaml:\d+$/) });
    await writeFile(join(cwd, 'hypervisor.config.yaml'), 'run:\n  workers: 2\n');
    const again = await runCaptured(['init', 'second'], cwd);
    expect(again.stderr).toContain('(hypervisor.config.yaml exists already: kept as it is)');
    expect(await readFile(join(cwd, 'hypervisor.config.yaml'), 'utf8')).toBe('run:\n  workers: 2\n');
  });

  it('refuses a second init into the same folder', async () => {
    const cwd = await scratchDir();
    expect((await runCaptured(['init'], cwd)).code).toBe(0);
    const again = await runCaptured(['init'], cwd);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('hypervisor: hypervisor-plan/README.md already exists; init never overwrites anything (choose another folder)\n');
  });

  it('writes into an existing folder that holds other files', async () => {
    const cwd = await scratchDir();
    await writeFile(join(cwd, 'notes.txt'), 'keep me\n');
    expect((await runCaptured(['init', '.'], cwd)).code).toBe(0);
    expect((await readdir(cwd)).sort()).toEqual([...FILES.slice(0, 5), 'hypervisor.config.yaml', 'notes.txt', 'validation']);
  });

  it('exits 2 in one line when the target is a file, or cannot be created', async () => {
    const cwd = await scratchDir();
    await writeFile(join(cwd, 'taken'), '');
    expect(await runCaptured(['init', 'taken'], cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'hypervisor: taken exists and is not a folder; init never overwrites anything (choose another folder)\n',
    });
    const below = await runCaptured(['init', 'taken/plan'], cwd);
    expect(below.code).toBe(2);
    expect(below.stderr).toMatch(/^hypervisor: cannot write the example plan to taken\/plan: ENOTDIR: not a directory[^\n]*\n$/);
  });
});
