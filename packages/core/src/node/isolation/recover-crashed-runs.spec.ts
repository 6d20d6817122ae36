import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { readCheckpoint, writeCheckpoint } from '@kazuba/toon';
import { definePlan } from '../../plan/define-plan.js';
import type { Plan } from '../../plan/plan.js';
import type { PhaseRunner } from '../../schedule/ports.js';
import { createRepo, git, readText, removeTempDirs, writeText } from '../git/__fixtures__/temp-repo.js';
import { headOf } from '../git/commits.js';
import { runGit } from '../git/git.js';
import { ignoreHypervisorFolder } from '../git/repository.js';
import { createFileCheckpointStore } from '../store/file-checkpoint-store.js';
import { createFunctionRunner } from './__fixtures__/function-runner.js';
import { recoverCrashedRuns } from './recover-crashed-runs.js';
import { createWorktreeRunner } from './worktree-runner.js';

afterAll(removeTempDirs);

/** The pid of a process that has ended: a record naming it belongs to a dead hypervisor. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid as number;

const planOf = (titles: Record<number, string> = {}): Plan =>
  definePlan([1, 2, 3].map((id) => ({ id, name: titles[id] ?? `Phase ${id}`, prompt: `work ${id}`, checkpoint: `checkpoints/phase_${id}.toon` })));

/**
 * A repository in which run `dead` merged phase 1 and phase 3 (its checkpoint never written: the hypervisor
 * died first) and phase 2 was killed mid-attempt with half its work in its worktree.
 */
async function crashedRun() {
  const root = await createRepo();
  await ignoreHypervisorFolder(root);
  const plan = planOf();
  const inner = createFunctionRunner(async (workdir, request) => {
    await writeText(workdir, `p${request.phase.id}.txt`, `phase ${request.phase.id}\n`);
    return request.phase.id === 2 ? { outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: 'killed' } } : undefined;
  });
  const runner: PhaseRunner = createWorktreeRunner({ root, runId: 'dead', runner: inner, hypervisorVersion: '9.9.9' });
  for (const phase of plan.phases) {
    await lastValueFrom(runner.run({ runId: 'dead', phase, attempt: 1, prompt: phase.prompt, signal: new AbortController().signal }).pipe(toArray()));
  }
  await writeCheckpoint(join(root, '.hypervisor', 'runs', 'dead', 'run.toon'), { kind: 'kazuba.hypervisor.run', run_id: 'dead', outcome: 'running', pid: deadPid() });
  const store = createFileCheckpointStore({ root });
  // Phase 3's checkpoint made it to disk before the crash; phase 1's did not.
  const journal3 = await readCheckpoint(join(root, '.hypervisor', 'runs', 'dead', 'merges', 'phase-3.toon'));
  await writeCheckpoint(join(root, 'checkpoints', 'phase_3.toon'), journal3.value);
  return { root, plan, store };
}

describe('recoverCrashedRuns', () => {
  it('records complete a phase merged before the crash, removes the worktrees and keeps the unmerged branch with its work', async () => {
    const { root, plan, store } = await crashedRun();
    const tip = await headOf(root);
    const recovered = await recoverCrashedRuns(root, { runIds: ['dead'], plan, store });
    expect(recovered).toEqual([
      {
        runId: 'dead',
        completedPhases: [{ id: 1, title: 'Phase 1' }],
        removedWorktrees: [join(root, '.hypervisor', 'worktrees', 'dead', 'phase-2')],
        keptBranches: ['kazuba/dead/phase-2-1'],
      },
    ]);
    const { value } = await readCheckpoint(join(root, 'checkpoints', 'phase_1.toon'));
    expect(value).toMatchObject({ phase_id: 1, status: 'success', run_id: 'dead', hypervisor_version: '9.9.9', isolation: { branch: 'kazuba/dead/phase-1-1' } });
    expect(await git(root, 'merge-base', '--is-ancestor', (value as { isolation: { commit: string } }).isolation.commit, 'HEAD')).toBe('');
    expect(await headOf(root)).toBe(tip);
    expect(existsSync(join(root, '.hypervisor', 'worktrees', 'dead'))).toBe(false);
    expect(await git(root, 'worktree', 'list', '--porcelain')).not.toContain('.hypervisor');
    expect(await git(root, 'show', 'kazuba/dead/phase-2-1:p2.txt')).toBe('phase 2');
    expect(await git(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('does its work once: the journal is forgotten, so a later run changes nothing', async () => {
    const { root, plan, store } = await crashedRun();
    await recoverCrashedRuns(root, { runIds: ['dead'], plan, store });
    await writeText(root, 'checkpoints/phase_1.toon', 'overall: FAIL\n');
    expect(await recoverCrashedRuns(root, { runIds: ['dead'], plan, store })).toEqual([{ runId: 'dead', completedPhases: [], removedWorktrees: [], keptBranches: ['kazuba/dead/phase-2-1'] }]);
    expect(await readText(root, 'checkpoints/phase_1.toon')).toBe('overall: FAIL\n');
  });

  it('leaves a phase edited since the crash to run again, and its journal entry in place', async () => {
    const { root, store } = await crashedRun();
    const edited = planOf({ 1: 'Phase 1, reworded' });
    const [recovered] = await recoverCrashedRuns(root, { runIds: ['dead'], plan: edited, store });
    expect(recovered?.completedPhases).toEqual([]);
    expect(existsSync(join(root, 'checkpoints', 'phase_1.toon'))).toBe(false);
    expect(existsSync(join(root, '.hypervisor', 'runs', 'dead', 'merges', 'phase-1.toon'))).toBe(true);
  });

  it('does not count a journaled phase whose commit the integration branch lost', async () => {
    const { root, plan, store } = await crashedRun();
    await runGit(root, ['reset', '--quiet', '--hard', 'HEAD~2']);
    const [recovered] = await recoverCrashedRuns(root, { runIds: ['dead'], plan, store });
    expect(recovered?.completedPhases).toEqual([]);
    expect(existsSync(join(root, 'checkpoints', 'phase_1.toon'))).toBe(false);
  });
});
