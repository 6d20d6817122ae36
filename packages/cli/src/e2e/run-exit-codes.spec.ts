import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSummarySchema } from '@kazuba/hypervisor-v2';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { ledger, removePlans, writePlan } from './__fixtures__/run/write-plan.js';

jest.setTimeout(30_000);
afterAll(removePlans);

describe('hypervisor run (the built command), by exit code', () => {
  it('exits 1 when a phase fails, and says which, why, and where its log is', async () => {
    const { root } = await writePlan([{ id: 1, run: 'echo "no disk"; exit 5' }, { id: 2, run: ledger(2), dependsOn: [1] }]);
    const result = await runBuiltCli(['run', 'plan', '--retries', '0', '--json'], { cwd: root });
    expect(result.status).toBe(1);
    expect(runSummarySchema.parse(JSON.parse(result.stdout))).toMatchObject({ outcome: 'failed', countsByStatus: { failed: 1, skipped: 1 } });
    expect(result.stderr).toMatch(
      /✗ run failed in \S+: 1 failed, 1 skipped\n {2}phase 1 \(Phase 1\) failed: shell exited with code 5: no disk \(log: \.hypervisor\/runs\/run-\S+\/phase-1\.log\)\n {2}phase 2 \(Phase 2\) skipped: dependency 1 failed\n$/,
    );
  });

  // Linux's /dev/full answers every write with ENOSPC: phase 1 links phase 2's log to it, a log on a full disk.
  (existsSync('/dev/full') ? it : it.skip)('exits 1 at once when the disk is full, saying what is full and that a later run resumes', async () => {
    const fill = 'ln -s /dev/full "$HYPERVISOR_ROOT/.hypervisor/runs/$HYPERVISOR_RUN_ID/phase-2.log"';
    const { root } = await writePlan([{ id: 1, run: `${ledger(1)}; ${fill}` }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3), dependsOn: [2] }]);
    const result = await runBuiltCli(['run', 'plan', '--retries', '3'], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'stopped: no space left on the device (ENOSPC): cannot write the log of phase 2; the run stopped, free some space and run it again to resume\n',
    );
    expect(result.stderr).not.toContain('retrying');
    expect(result.stderr).toMatch(/run stopped after \S+: 1 success, 2 cancelled; the running phases were stopped and their state written\n/);
    const resumed = await runBuiltCli(['run', 'plan'], { cwd: root });
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/✓ run succeeded in \S+: 2 success, 1 skipped\n/);
  });

  it('exits 2 for a bad plan, in one line naming the file, without a stack', async () => {
    const { root, planDir } = await writePlan([{ id: 1, run: 'true' }]);
    await writeFile(join(planDir, '02-phase.md'), '---\nphase: 2\ndepends_on: [1\n---\n');
    const result = await runBuiltCli(['run', 'plan'], { cwd: root });
    expect(result).toMatchObject({ status: 2, stdout: '' });
    expect(result.stderr).toMatch(/^hypervisor: plan\/02-phase\.md:\d+: malformed YAML: [^\n]+\n$/);
  });

  it('exits 2 for a missing plan folder and for a bad flag, in one line', async () => {
    const { root } = await writePlan([{ id: 1, run: 'true' }]);
    expect(await runBuiltCli(['run', 'nowhere'], { cwd: root })).toMatchObject({ status: 2, stderr: `hypervisor: cannot read plan folder ${join(root, 'nowhere')}: no such folder\n` });
    expect(await runBuiltCli(['run', 'plan', '--retries', '-1'], { cwd: root })).toMatchObject({ status: 2, stderr: 'hypervisor: --retries: expected a whole number, got "-1"\n' });
    expect(await runBuiltCli(['run', 'plan', '--mode', 'fast'], { cwd: root })).toMatchObject({ status: 2 });
  });

  it('exits 2 in interactive mode without a terminal, before running anything', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }]);
    const result = await runBuiltCli(['run', 'plan', '--mode', 'interactive'], { cwd: root });
    expect(result).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'hypervisor: interactive mode asks before each phase and needs a terminal on stdin; run it from a terminal, or use --mode sequential or parallel\n',
    });
  });

  it('runs again a phase whose checkpoint is corrupt, and says so', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }]);
    await mkdir(join(root, 'checkpoints'));
    await writeFile(join(root, 'checkpoints/phase_01.toon'), Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 7, 0x80));
    const result = await runBuiltCli(['run', 'plan'], { cwd: root });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^hypervisor: warning: .*phase_01\.toon: unsupported kazuba version 7[^\n]*; phase 1 runs again\n/);
  });
});
