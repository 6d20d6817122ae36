import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REPO_ROOT, SHARED_PLAN, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';
import type { PlanReportJson } from '../commands/plan.js';

// The built command, spawned as a user runs it: every format, the exit codes, the streams.
describe('hypervisor plan (built)', () => {
  const cwd = join(FIXTURES, 'plans');

  it('prints the text analysis on stdout and the lint warnings on stderr', async () => {
    const result = await runBuilt(['plan', 'small'], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Critical path: 1 -> 2 -> 4 (27m 00s)\n');
    expect(result.stdout).toContain('Estimated makespan: 37m 00s on 4 workers, at most 1 at once\n');
    expect(result.stderr.split('\n').filter(Boolean).every((line) => line.startsWith('warning: 03-docs.md: '))).toBe(true);
  });

  it('prints JSON that parses, the warnings inside, stderr empty', async () => {
    const result = await runBuilt(['plan', 'small', '--format', 'json', '-j', '2', '--group-policy', 'ignore'], cwd);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as PlanReportJson;
    expect(report).toMatchObject({ plan: 'small', workers: 2, groupPolicy: 'ignore', makespanMs: 27 * 60_000, peakConcurrency: 2 });
    expect(report.warnings).toHaveLength(2);
  });

  it.each([
    ['mermaid', /^flowchart TD\n[\s\S]* {2}class p1,p2,p4 critical\n/],
    ['dot', /^digraph "small" \{\n[\s\S]*\}\n$/],
  ])('draws the graph as %s', async (format, shape) => {
    const result = await runBuilt(['plan', 'small', '--format', format], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(shape);
  });

  it('exits 2 with one line for a bad plan, and for a bad option', async () => {
    const bad = await runBuilt(['plan', 'cycle'], cwd);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: cycle/01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n' });
    const usage = await runBuilt(['plan', 'small', '-j', '0'], cwd);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
  });

  if (existsSync(SHARED_PLAN)) {
    it("analyses the original project's real plan", async () => {
      const result = await runBuilt(['plan', SHARED_PLAN, '--format', 'json'], cwd);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as PlanReportJson;
      expect(report.order).toHaveLength(12);
      expect(report.criticalPath.phaseIds).toEqual([11, 13, 14, 15, 18, 19, 21, 22]);
      expect(report.warnings.map((warning) => warning.code)).toContain('group_member_dependency');
    });
  } else {
    it.todo("analyses the original project's real plan (needs ../shared/fixtures/kazuba/plans-v2 beside the checkout)");
  }
});

afterAll(removeScratchDirs);

/** The original's first plan, beside the checkout when the shared fixtures are there. */
const SHARED_FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'kazuba');

const BROKEN_CROSS_REFS = "malformed YAML: A block sequence may not be used as an implicit map key; the line is indented less than the front matter's opening ---";

// `run` is given a root of its own, so that nothing it might write lands among the fixtures.
async function planError(command: string, typed: string, cwd: string): Promise<unknown> {
  const root = command === 'plan' ? [] : ['--root', await scratchDir()];
  return runBuilt([command, typed, ...root], cwd);
}

// plan, status and run name a bad phase file alike: the plan folder as the user typed it, joined with the file.
describe('a bad plan in every command (built)', () => {
  const cwd = join(FIXTURES, 'plans');

  it.each([
    ['plan', 'cycle'],
    ['status', './cycle/'],
    ['run', 'cycle'],
  ])('%s %s names the bad file in the folder as typed, exit 2', async (command, typed) => {
    const file = `${typed.replace(/\/$/, '')}/01-first.md`;
    expect(await planError(command, typed, cwd)).toEqual({ code: 2, stdout: '', stderr: `hypervisor: ${file}: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n` });
  });

  it.each(['plan', 'status', 'run'])('%s names each file of a v1-style plan whose cross_refs lost their indentation, with its line', async (command) => {
    expect(await planError(command, 'v1', cwd)).toEqual({
      code: 2,
      stdout: '',
      stderr: `hypervisor: 2 problems in v1: v1/01-phase-setup.md:16: ${BROKEN_CROSS_REFS}; v1/02-phase-build.md:16: ${BROKEN_CROSS_REFS}\n`,
    });
  });

  if (existsSync(join(SHARED_FIXTURES, 'plans-v1'))) {
    it("names the ten broken files of the original's plans-v1, none silently left out", async () => {
      const result = await runBuilt(['plan', 'plans-v1'], SHARED_FIXTURES);
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr:
          `hypervisor: 10 problems in plans-v1: plans-v1/01-phase-bootstrap-&-scaffolding.md:16: ${BROKEN_CROSS_REFS}; ` +
          `plans-v1/02-phase-shared-library-lib-.md:16: ${BROKEN_CROSS_REFS}; plans-v1/03-phase-core-module.md:16: ${BROKEN_CROSS_REFS}; and 7 more\n`,
      });
    });
  } else {
    it.todo("names the broken files of the original's plans-v1 (needs ../shared/fixtures/kazuba/plans-v1 beside the checkout)");
  }
});
