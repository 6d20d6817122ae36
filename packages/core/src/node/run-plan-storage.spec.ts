import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { createPlanRun, runPlan } from './run-plan.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const ledgerLine = (id: number): string => `echo "${id},$HYPERVISOR_RUN_ID" >> "$HYPERVISOR_ROOT/ledger"`;

// Linux's /dev/full answers every write with ENOSPC: a log file linked to it is a log on a full disk.
const describeOnLinux = existsSync('/dev/full') ? describe : describe.skip;

describeOnLinux('runPlan on a full disk', () => {
  jest.setTimeout(30_000);

  it('stops at once when a log cannot be written, spending no retry and no breaker failure, and a later run resumes', async () => {
    const { root, planDir } = await writeShellPlan([
      { id: 1, run: ledgerLine(1) },
      { id: 2, run: ledgerLine(2), dependsOn: [1] },
      { id: 3, run: ledgerLine(3), dependsOn: [2] },
    ]);
    const log = join(root, '.hypervisor', 'runs', 'full', 'phase-2.log');
    await mkdir(join(root, '.hypervisor', 'runs', 'full'), { recursive: true });
    await symlink('/dev/full', log);
    const told: string[] = [];
    const events = await lastValueFrom(
      createPlanRun(planDir, { root, runId: 'full', config: { maxRetries: 3, breaker: { threshold: 1, cooldownMs: 60_000 } }, onStorageFull: (message) => told.push(message) }).pipe(toArray()),
    );
    expect(told).toEqual(['no space left on the device (ENOSPC): cannot write the log of phase 2; the run stopped, free some space and run it again to resume']);
    expect(events.filter((event) => event.type === 'phase:retrying' || event.type.startsWith('breaker:'))).toEqual([]);
    const finished = events.flatMap((event) => (event.type === 'phase:finished' ? [[event.phaseId, event.status]] : []));
    expect(finished.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([[1, 'success'], [2, 'cancelled'], [3, 'cancelled']]);
    const summary = events.at(-1);
    expect(summary).toMatchObject({ type: 'run:finished', summary: { outcome: 'cancelled' } });

    await unlink(log);
    const resumed = await runPlan(planDir, { root, runId: 'after' });
    expect(resumed.phases.map((phase) => [phase.phaseId, phase.status])).toEqual([[1, 'skipped'], [2, 'success'], [3, 'success']]);
    // Phase 2 may have begun before its log failed: it runs again, phase 1 does not.
    const ledger = (await readFile(join(root, 'ledger'), 'utf8')).trim().split('\n');
    expect(ledger.filter((line) => line.startsWith('1,'))).toEqual(['1,full']);
    expect(ledger.slice(-2)).toEqual(['2,after', '3,after']);
  });
});
