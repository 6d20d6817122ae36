import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readCheckpoint } from '@kazuba/toon';
import { definePlan } from '../plan/define-plan.js';
import type { PhaseDefinition } from '../plan/define-plan.js';
import { isCoreError } from '../core-error.js';
import { createRepo, createTempDir, git, removeTempDirs } from './git/__fixtures__/temp-repo.js';
import type { IsolationDecision } from './isolation/prepare-isolation.js';
import { runPlan } from './run-plan.js';
import type { RunPlanOptions } from './run-plan.js';

afterAll(removeTempDirs);

const plan = (phases: readonly PhaseDefinition[]) => definePlan(phases, { name: 'isolated' });
const config = { mode: 'parallel' as const, maxWorkers: 4, maxRetries: 0, backoff: { initialMs: 0 } };

async function run(root: string, phases: readonly PhaseDefinition[], options: RunPlanOptions = {}) {
  const decisions: IsolationDecision[] = [];
  const summary = await runPlan(plan(phases), { root, config, onIsolation: (decision) => decisions.push(decision), ...options });
  return { summary, decision: decisions[0] };
}

describe('runPlan under worktree isolation', () => {
  it('runs parallel phases each in its own worktree and merges their changes into the branch checked out at the root', async () => {
    const root = await createRepo();
    const { summary, decision } = await run(root, [
      { id: 1, run: 'echo one > one.txt' },
      { id: 2, run: 'echo two > two.txt' },
      { id: 3, run: 'echo three > three.txt' },
      { id: 4, dependsOn: [1, 2, 3], run: 'cat one.txt two.txt three.txt > all.txt' },
    ]);
    expect(decision).toEqual({ isolation: 'worktree', branch: 'main' });
    expect(summary.outcome).toBe('succeeded');
    expect(await readFile(join(root, 'all.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    expect(await git(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
    expect((await git(root, 'log', '--format=%s')).split('\n')).toEqual(expect.arrayContaining(['phase 1: Phase 1', 'phase 4: Phase 4']));
    expect((await git(root, 'worktree', 'list')).split('\n')).toHaveLength(1);
    const record = (await readCheckpoint(join(root, 'checkpoints/phase_04.toon'))).value as { isolation?: { branch: string; commit?: string; merge_commit?: string } };
    expect(record.isolation).toMatchObject({ branch: expect.stringMatching(/^kazuba\/.+\/phase-4-1$/), commit: expect.any(String), merge_commit: await git(root, 'rev-parse', 'HEAD') });
  });

  it('fails the second of two phases that change the same line, naming the file, and keeps the root clean', async () => {
    const root = await createRepo();
    const { summary } = await run(root, [
      { id: 1, run: 'sleep 0.2; echo first > a.txt', parallelGroup: 'g' },
      { id: 2, run: 'sleep 0.6; echo second > a.txt', parallelGroup: 'g' },
      { id: 3, run: 'echo three > three.txt' },
    ], { config: { ...config, keepGoing: true } });
    const byId = new Map(summary.phases.map((phase) => [phase.phaseId, phase]));
    expect(byId.get(1)?.status).toBe('success');
    expect(byId.get(2)).toMatchObject({ status: 'failed', reason: expect.stringContaining('merge conflict in a.txt') });
    expect(byId.get(3)?.status).toBe('success');
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('first\n');
    expect(await git(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
  });

  it('refuses a root whose tracked files are changed, naming them, unless allowDirty', async () => {
    const root = await createRepo();
    await writeFile(join(root, 'a.txt'), 'changed\n');
    const refused = await run(root, [{ id: 1, run: 'true' }]).catch((error: unknown) => error);
    expect(isCoreError(refused) && refused.code).toBe('invalid_config');
    expect((refused as Error).message).toContain('a.txt');
    expect((await run(root, [{ id: 1, run: 'echo x > x.txt' }], { allowDirty: true })).summary.outcome).toBe('succeeded');
    expect(await git(root, 'show', 'HEAD:x.txt')).toBe('x');
  });

  it('runs in the root as before when it is not a git repository or isolation is none, and refuses worktree there', async () => {
    const folder = await createTempDir();
    expect((await run(folder, [{ id: 1, run: 'echo x > x.txt' }])).decision).toMatchObject({ isolation: 'none' });
    expect(await readFile(join(folder, 'x.txt'), 'utf8')).toBe('x\n');
    const repo = await createRepo();
    expect((await run(repo, [{ id: 1, run: 'echo y > y.txt' }], { isolation: 'none' })).decision).toMatchObject({ isolation: 'none' });
    expect(await git(repo, 'status', '--porcelain')).toContain('y.txt');
    const refused = await run(folder, [{ id: 1, run: 'true' }], { isolation: 'worktree' }).catch((error: unknown) => error);
    expect((refused as Error).message).toMatch(/^worktree isolation needs a git repository: /);
  });
});
