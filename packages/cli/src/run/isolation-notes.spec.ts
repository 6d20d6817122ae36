import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIsolationNotes, recoveryLines } from './isolation-notes.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

describe('recoveryLines', () => {
  it('tells each phase counted complete, the worktrees removed and the branches kept, per crashed run', () => {
    const lines = recoveryLines([
      { runId: 'run-a', completedPhases: [{ id: 3, title: 'Build' }], removedWorktrees: ['/r/.hypervisor/worktrees/run-a/phase-4', '/r/.hypervisor/worktrees/run-a/phase-5'], keptBranches: ['kazuba/run-a/phase-4-1', 'kazuba/run-a/phase-5-2'] },
      { runId: 'run-b', completedPhases: [], removedWorktrees: ['/r/.hypervisor/worktrees/run-b/phase-1'], keptBranches: ['kazuba/run-b/phase-1-1'] },
      { runId: 'run-c', completedPhases: [], removedWorktrees: [], keptBranches: [] },
    ]);
    expect(lines).toEqual([
      'phase 3 (Build) was merged by run run-a before it stopped: counted complete',
      'removed 2 worktrees of run run-a, which stopped without finishing',
      'its unfinished work is kept on branches kazuba/run-a/phase-4-1, kazuba/run-a/phase-5-2 (`hypervisor clean` removes them)',
      'removed 1 worktree of run run-b, which stopped without finishing',
      'its unfinished work is kept on branch kazuba/run-b/phase-1-1 (`hypervisor clean` removes them)',
    ]);
  });
});

describe('createIsolationNotes', () => {
  it('announces worktree isolation, tells recoveries, and finds the worktrees the run kept', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kazuba-notes-'));
    roots.push(root);
    const notes: string[] = [];
    const isolation = createIsolationNotes(root, 'run-1', (text) => notes.push(text));
    expect(isolation.keptWorktrees()).toBeUndefined();
    isolation.onIsolation({ isolation: 'worktree', branch: 'main' });
    isolation.onRecovery([{ runId: 'run-0', completedPhases: [], removedWorktrees: ['x'], keptBranches: [] }]);
    expect(notes).toEqual(['isolation: each phase runs in its own git worktree and is merged into main', 'removed 1 worktree of run run-0, which stopped without finishing']);
    expect(isolation.keptWorktrees()).toBeUndefined();
    await mkdir(join(root, '.hypervisor', 'worktrees', 'run-1'), { recursive: true });
    expect(isolation.keptWorktrees()).toBeUndefined();
    await mkdir(join(root, '.hypervisor', 'worktrees', 'run-1', 'phase-2'));
    expect(isolation.keptWorktrees()).toBe(join(root, '.hypervisor', 'worktrees', 'run-1'));
  });

  it('says nothing and keeps nothing when the run uses no isolation', () => {
    const notes: string[] = [];
    const isolation = createIsolationNotes('/nowhere', 'run-1', (text) => notes.push(text));
    isolation.onIsolation({ isolation: 'none', reason: 'not a git repository' });
    expect(notes).toEqual([]);
    expect(isolation.keptWorktrees()).toBeUndefined();
  });
});
