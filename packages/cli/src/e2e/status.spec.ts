import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashPhaseSource } from '@kazuba/core';
import { writeCheckpoint } from '@kazuba/toon';
import { FIXTURES, SHARED_CHECKPOINTS, SHARED_PLAN, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';
import type { StatusReportJson } from '../commands/status-report.js';

const SMALL = join(FIXTURES, 'plans', 'small');

afterAll(removeScratchDirs);

describe('hypervisor status (built)', () => {
  let root: string;

  beforeAll(async () => {
    root = await scratchDir();
    const ours = {
      kind: 'kazuba.hypervisor.phase',
      schema_version: 1,
      phase_id: 1,
      phase_title: 'Set up',
      status: 'success',
      attempts: 1,
      started_at: '2026-03-01T03:30:00.000Z',
      finished_at: '2026-03-01T03:30:02.500Z',
      duration_ms: 2500,
      phase_hash: hashPhaseSource(await readFile(join(SMALL, '01-setup.md'), 'utf8')),
      hypervisor_version: '0.1.0',
      run_id: 'r-1',
    };
    await writeCheckpoint(join(root, 'checkpoints', 'phase_01.toon'), ours);
    await writeCheckpoint(join(root, 'checkpoints', 'phase_02.toon'), { phase_id: 2, results: { overall: 'FAIL' } }, { format: 'msgpack' });
    await writeFile(join(root, 'checkpoints', 'phase_03.toon'), 'status: [unclosed\n');
  });

  it('reads our checkpoint, an original-style one and a corrupt one, and exits 0', async () => {
    const result = await runBuilt(['status', SMALL, '--root', root], FIXTURES);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('1 success, 1 failed, 1 unreadable, 1 not run; resume would skip 1 and run 3\n');
    expect(result.stdout).toMatch(/\n {2}1 +success +2026-03-01T03:30:02Z +2\.5s +1 +ours \(toon\) +skip +Set up\n/);
    expect(result.stdout).toMatch(/\n {2}2 +failed +- +- +- +original \(msgpack\) +run +Build\n/);
    expect(result.stdout).toMatch(/\n {2}phase 3: .*phase_03\.toon: /);
  });

  it('prints JSON that parses with --json', async () => {
    const result = await runBuilt(['status', SMALL, '--root', root, '--json'], FIXTURES);
    const report = JSON.parse(result.stdout) as StatusReportJson;
    expect(report.phases.map((phase) => [phase.id, phase.status, phase.origin, phase.resume.skip])).toEqual([
      [1, 'success', 'hypervisor', true],
      [2, 'failed', 'kazuba', false],
      [3, 'unreadable', null, false],
      [4, 'not_run', null, false],
    ]);
    // Not a git repository: nothing a run left, and no error.
    expect(report.leftovers).toEqual({ worktrees: [], branches: [] });
  });

  it('exits 2 with one line when the plan folder does not exist', async () => {
    const result = await runBuilt(['status', 'no-such-plan', '--root', root], root);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `hypervisor: cannot read plan folder ${join(root, 'no-such-plan')}: no such folder\n` });
  });

  if (existsSync(SHARED_PLAN) && existsSync(SHARED_CHECKPOINTS)) {
    it("reads the original project's checkpoints for its real plan", async () => {
      const original = await scratchDir();
      await mkdir(join(original, 'checkpoints'));
      for (const id of [11, 12, 13]) await copyFile(join(SHARED_CHECKPOINTS, `phase_${id}.toon`), join(original, 'checkpoints', `phase_${id}.toon`));
      const report = JSON.parse((await runBuilt(['status', SHARED_PLAN, '--root', original, '--json'], original)).stdout) as StatusReportJson;
      expect(report.phases.slice(0, 3).map((phase) => [phase.id, phase.status, phase.origin])).toEqual([
        [11, 'success', 'kazuba'],
        [12, 'success', 'kazuba'],
        [13, 'success', 'kazuba'],
      ]);
      expect(report.counts.not_run).toBe(9);
    });
  } else {
    it.todo("reads the original project's checkpoints (needs ../shared/fixtures/kazuba beside the checkout)");
  }
});
