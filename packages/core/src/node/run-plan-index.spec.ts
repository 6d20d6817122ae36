import { readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { runPlan } from './run-plan.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const ledgerLine = (id: number): string => `echo "${id},$HYPERVISOR_RUN_ID" >> "$HYPERVISOR_ROOT/ledger"`;

async function ranIn(root: string, runId: string): Promise<number[]> {
  const ledger = (await readFile(join(root, 'ledger'), 'utf8')).trim().split('\n');
  return ledger.filter((line) => line.endsWith(`,${runId}`)).map((line) => Number(line.split(',')[0]));
}

describe('runPlan with the index of plan and checkpoints', () => {
  jest.setTimeout(30_000);

  it('resumes from the index, and still runs again a phase whose file was edited or whose checkpoint was deleted or changed', async () => {
    const { root, planDir } = await writeShellPlan([1, 2, 3, 4].map((id) => ({ id, run: ledgerLine(id) })));
    await runPlan(planDir, { root, runId: 'first', isolation: 'none' });
    // The index keeps only files older than its racy window (100 ms of real file time): let them age, then index.
    await sleep(250);
    await runPlan(planDir, { root, runId: 'indexing', isolation: 'none' });
    expect(await ranIn(root, 'indexing')).toEqual([]);
    expect((await readdir(join(root, '.hypervisor', 'index'))).sort()).toEqual([expect.stringMatching(/^checkpoints-/), expect.stringMatching(/^plan-/)]);

    const phaseFile = join(planDir, '01-phase.md');
    const { mtime } = await stat(phaseFile);
    await writeFile(phaseFile, (await readFile(phaseFile, 'utf8')).replace('Work of phase 1.', 'Work of phase I.'));
    await utimes(phaseFile, mtime, mtime);
    await unlink(join(root, 'checkpoints', 'phase_02.toon'));
    const third = join(root, 'checkpoints', 'phase_03.toon');
    await writeFile(third, (await readFile(third, 'utf8')).replace('status: success', 'status: failed'));
    const summary = await runPlan(planDir, { root, runId: 'after', isolation: 'none' });

    expect((await ranIn(root, 'after')).sort()).toEqual([1, 2, 3]);
    expect(summary.phases.map((phase) => [phase.phaseId, phase.status])).toEqual([[1, 'success'], [2, 'success'], [3, 'success'], [4, 'skipped']]);
  });
});
