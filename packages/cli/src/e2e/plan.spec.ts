import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, SHARED_PLAN, runBuilt } from './__fixtures__/other/cli-harness.js';
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
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: 01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n' });
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
