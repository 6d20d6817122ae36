import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CoreError, decideResume, hashPhaseSource, loadPlan } from '@kazuba/core';
import type { Leftovers } from '@kazuba/core/node';
import * as toon from '@kazuba/toon';
import { FIXTURES, removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import { readStatusReport, renderStatusText } from './status-report.js';
import type { StatusReaders, StatusReportJson } from './status-report.js';

const SMALL = join(FIXTURES, 'plans', 'small');

async function ourCheckpoint(phaseFile: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const record: Record<string, unknown> = {
    kind: 'kazuba.hypervisor.phase',
    schema_version: 1,
    phase_id: 1,
    phase_title: 'Set up',
    status: 'success',
    attempts: 2,
    started_at: '2026-03-01T03:30:00.000Z',
    finished_at: '2026-03-01T03:31:01.250Z',
    duration_ms: 61_250,
    phase_hash: hashPhaseSource(await readFile(join(SMALL, phaseFile), 'utf8')),
    hypervisor_version: '0.1.0',
    run_id: 'r-1',
    ...fields,
  };
  // `undefined` in `fields` removes a field.
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

async function writeAt(root: string, path: string, value: unknown, format: 'toon' | 'kazuba' | 'json' = 'toon'): Promise<void> {
  await toon.writeCheckpoint(join(root, path), value, { format });
}

async function writeBytes(root: string, path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), bytes);
}

/** Readers whose `findLeftovers` answers with `leftovers` (or fails with them) and records the roots it was asked about. */
function leftoverReaders(leftovers: Leftovers | Error, asked: string[] = []): StatusReaders {
  const findLeftovers = (root: string) => {
    asked.push(root);
    return leftovers instanceof Error ? Promise.reject(leftovers) : Promise.resolve(leftovers);
  };
  return { decideResume, toon, findLeftovers };
}

/** A folder that looks like the top of a repository (its `.git`), for readers that never run git. */
async function repositoryTop(): Promise<string> {
  const root = await realpath(await scratchDir());
  await mkdir(join(root, '.git'));
  return root;
}

afterAll(removeScratchDirs);

describe('hypervisor status', () => {
  let root: string;

  beforeAll(async () => {
    root = await scratchDir();
    // Phase 1: ours, successful, for this very phase file. Phase 2: the original's, PASS. Phase 3: corrupt.
    // Phase 4 (checkpoint `state/ship.toon`): none.
    await writeAt(root, 'checkpoints/phase_01.toon', await ourCheckpoint('01-setup.md'));
    await writeAt(root, 'checkpoints/phase_02.toon', { phase_id: 2, results: { overall: 'PASS' }, iso_time: '2026-03-01T03:29:06.123456' }, 'kazuba');
    await writeBytes(root, 'checkpoints/phase_03.toon', Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 7, 0x80));
  });

  it("shows each phase's state, last run, duration, attempts and what resume would do", async () => {
    const result = await runCaptured(['status', SMALL, '--root', root]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `Plan small: 4 phases, checkpoints under ${root}`,
      '2 success, 1 unreadable, 1 not run; resume would skip 2 and run 2',
      '',
    ]);
    expect(lines.slice(3, 8)).toEqual([
      '  id  status      last run              duration  attempts  checkpoint         resume  title',
      '  1   success     2026-03-01T03:31:01Z  1m 01s    2         ours (toon)        skip    Set up',
      '  2   success     2026-03-01T03:29:06   -         -         original (kazuba)  skip    Build',
      '  3   unreadable  -                     -         -         -                  run     Write the docs',
      '  4   not run     -                     -         -         -                  run     Ship "it"',
    ]);
    expect(lines.slice(8)).toEqual([
      '',
      'Unreadable checkpoints (resume runs these phases again):',
      `  phase 3: ${join(root, 'checkpoints/phase_03.toon')}: unsupported kazuba version 7 at byte 4 (this reader knows version 1)`,
      '',
    ]);
  });

  it('prints the same report as JSON with --json', async () => {
    const result = await runCaptured(['status', SMALL, '--root', root, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as StatusReportJson;
    expect(report).toMatchObject({ plan: 'small', planDir: SMALL, root, resumeSkips: 2 });
    expect(report.counts).toEqual({ success: 2, partial: 0, failed: 0, skipped: 0, cancelled: 0, running: 0, unreadable: 1, not_run: 1 });
    expect(report.phases[0]).toEqual({
      id: 1,
      title: 'Set up',
      checkpoint: 'checkpoints/phase_01.toon',
      status: 'success',
      origin: 'hypervisor',
      format: 'toon',
      startedAt: '2026-03-01T03:30:00.000Z',
      finishedAt: '2026-03-01T03:31:01.250Z',
      durationMs: 61_250,
      attempts: 2,
      resume: { skip: true, reason: 'completed' },
      error: null,
    });
    expect(report.phases[1]).toMatchObject({ status: 'success', origin: 'kazuba', format: 'kazuba', attempts: null, resume: { skip: true } });
    expect(report.phases[2]).toMatchObject({ status: 'unreadable', error: { code: 'unsupported_version' }, resume: { skip: false, reason: 'unreadable-checkpoint' } });
    expect(report.phases[3]).toMatchObject({ status: 'not_run', checkpoint: 'state/ship.toon', error: null, resume: { skip: false, reason: 'no-checkpoint' } });
    // Not a git repository: no run can have left worktrees there.
    expect(report.leftovers).toEqual({ worktrees: [], branches: [] });
  });

  it('says resume runs a phase again when its file changed since, or when it did not succeed', async () => {
    const other = await scratchDir();
    await writeAt(other, 'checkpoints/phase_01.toon', await ourCheckpoint('01-setup.md', { phase_hash: `sha256:${'0'.repeat(64)}` }));
    await writeAt(other, 'checkpoints/phase_02.toon', await ourCheckpoint('02-build.md', { phase_id: 2, status: 'failed', finished_at: undefined }), 'json');
    await writeAt(other, 'checkpoints/phase_03.toon', { phase_id: 3, overall: 'SKIP' }, 'json');
    const result = await runCaptured(['status', SMALL, '--root', other]);
    expect(result.stdout).toContain('1 success, 1 failed, 1 skipped, 1 not run; resume would skip 0 and run 4\n');
    // Without a finish time, the start is the last run.
    expect(result.stdout.split('\n').slice(3)).toEqual([
      '  id  status   last run              duration  attempts  checkpoint       resume                    title',
      '  1   success  2026-03-01T03:31:01Z  1m 01s    2         ours (toon)      run (phase file changed)  Set up',
      '  2   failed   2026-03-01T03:30:00Z  1m 01s    2         ours (json)      run                       Build',
      '  3   skipped  -                     -         -         original (json)  run                       Write the docs',
      '  4   not run  -                     -         -         -                run                       Ship "it"',
      '',
    ]);
  });

  it('lists a checkpoint that decodes but is not a phase checkpoint as unreadable, with the reason', async () => {
    const other = await scratchDir();
    await writeAt(other, 'checkpoints/phase_01.toon', { phase_id: 1, note: 'no outcome here' });
    const report = JSON.parse((await runCaptured(['status', SMALL, '--root', other, '--json'])).stdout) as StatusReportJson;
    expect(report.phases[0]).toMatchObject({ status: 'unreadable', error: { code: 'invalid_checkpoint' } });
    expect(report.phases[0]?.error?.message).toContain('not a phase checkpoint: overall is missing');
  });

  it('reads the checkpoints under the working directory without --root', async () => {
    const result = await runCaptured(['status', SMALL, '--json'], root);
    expect((JSON.parse(result.stdout) as StatusReportJson).resumeSkips).toBe(2);
  });

  it('exits 2 with one line when the plan cannot be loaded', async () => {
    const result = await runCaptured(['status', join(FIXTURES, 'plans', 'cycle'), '--root', root]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `hypervisor: ${join(FIXTURES, 'plans', 'cycle')}/01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n` });
  });

  it('reports a failure that is not a checkpoint error as the bug it is, not as an unreadable checkpoint', async () => {
    const bug = new TypeError('the reader broke');
    const readers = { ...leftoverReaders({ worktrees: [], branches: [] }), toon: { ...toon, readCheckpoint: () => Promise.reject(bug) } };
    await expect(readStatusReport(await loadPlan(SMALL), SMALL, root, readers)).rejects.toBe(bug);
  });

  it('documents what a missing and a corrupt checkpoint mean in --help, and what lists the leftovers of runs', async () => {
    const result = await runCaptured(['status', '--help']);
    expect(result.stdout).toContain('--root <dir>');
    expect(result.stdout).toContain('"unreadable"');
    expect(result.stdout).toContain('`hypervisor clean` removes them');
  });
});

describe('hypervisor status: what runs left', () => {
  const commit = 'c0ffee'.padEnd(40, '0');
  const leftoversAt = (root: string): Leftovers => ({
    worktrees: [
      { path: join(root, '.hypervisor/worktrees/r-2/phase-3'), runId: 'r-2', runState: 'live', phaseId: 3, branch: 'kazuba/r-2/phase-3-1' },
      { path: join(root, '.hypervisor/worktrees/r-1/phase-2'), runId: 'r-1', runState: 'ended', phaseId: 2, branch: 'kazuba/r-1/phase-2-2' },
      { path: join(root, '.hypervisor/worktrees/r-0/scratch'), runId: 'r-0', runState: 'crashed' },
    ],
    branches: [
      { name: 'kazuba/r-2/phase-3-1', runId: 'r-2', runState: 'live', phaseId: 3, attempt: 1, commit, merged: true },
      { name: 'kazuba/r-2/scratch', runId: 'r-2', runState: 'live', commit, merged: true },
      { name: 'kazuba/r-1/phase-2-2', runId: 'r-1', runState: 'ended', phaseId: 2, attempt: 2, commit, merged: true },
      { name: 'kazuba/r-1/phase-2-1', runId: 'r-1', runState: 'ended', phaseId: 2, attempt: 1, commit, merged: false },
      { name: 'kazuba/r-0/phase-1-1', runId: 'r-0', runState: 'unknown', phaseId: 1, attempt: 1, commit, merged: true },
    ],
  });

  it('lists the worktrees, then the branches no worktree holds, marks a live run, and names the command that removes them', async () => {
    const root = await repositoryTop();
    const asked: string[] = [];
    const report = await readStatusReport(await loadPlan(SMALL), SMALL, root, leftoverReaders(leftoversAt(root), asked));
    expect(asked).toEqual([root]);
    const lines = renderStatusText(report).split('\n');
    expect(lines.slice(lines.indexOf('Worktrees left by runs:'))).toEqual([
      'Worktrees left by runs:',
      '  path                               phase  branch                run',
      '  .hypervisor/worktrees/r-0/scratch  -      -                     r-0',
      '  .hypervisor/worktrees/r-1/phase-2  2      kazuba/r-1/phase-2-2  r-1',
      '  .hypervisor/worktrees/r-2/phase-3  3      kazuba/r-2/phase-3-1  r-2 (run live)',
      '',
      'Branches left by runs, without a worktree:',
      '  branch                phase  attempt  work           run',
      '  kazuba/r-0/phase-1-1  1      1        merged         r-0',
      '  kazuba/r-1/phase-2-1  2      1        unmerged work  r-1',
      '  kazuba/r-2/scratch    -      -        merged         r-2 (run live)',
      '',
      'hypervisor clean removes those of runs that are not running.',
      '',
    ]);
  });

  it('gives the leftovers in JSON with worktree paths relative to the root, every branch included', async () => {
    const root = await repositoryTop();
    const { leftovers } = await readStatusReport(await loadPlan(SMALL), SMALL, root, leftoverReaders(leftoversAt(root)));
    expect(leftovers.worktrees.map((worktree) => worktree.path)).toEqual([
      '.hypervisor/worktrees/r-0/scratch',
      '.hypervisor/worktrees/r-1/phase-2',
      '.hypervisor/worktrees/r-2/phase-3',
    ]);
    expect(leftovers.worktrees[2]).toEqual({ path: '.hypervisor/worktrees/r-2/phase-3', runId: 'r-2', runState: 'live', phaseId: 3, branch: 'kazuba/r-2/phase-3-1' });
    expect(leftovers.branches.map((branch) => branch.name)).toEqual(['kazuba/r-0/phase-1-1', 'kazuba/r-1/phase-2-1', 'kazuba/r-1/phase-2-2', 'kazuba/r-2/phase-3-1', 'kazuba/r-2/scratch']);
  });

  it('shows no section when every branch runs left is checked out in a worktree it lists, or nothing is left', async () => {
    const root = await repositoryTop();
    const plan = await loadPlan(SMALL);
    const empty = renderStatusText(await readStatusReport(plan, SMALL, root, leftoverReaders({ worktrees: [], branches: [] })));
    expect(empty).not.toContain('left by runs');
    const [worktree] = leftoversAt(root).worktrees;
    const [branch] = leftoversAt(root).branches;
    const text = renderStatusText(await readStatusReport(plan, SMALL, root, leftoverReaders({ worktrees: [worktree!], branches: [branch!] })));
    expect(text).toContain('Worktrees left by runs:');
    expect(text).not.toContain('Branches left by runs');
  });

  it('does not look for leftovers in a root that does not exist or is below the top of a repository', async () => {
    const asked: string[] = [];
    const missing = join(await scratchDir(), 'gone');
    const below = await realpath(await scratchDir());
    const plan = await loadPlan(SMALL);
    expect((await readStatusReport(plan, SMALL, missing, leftoverReaders(leftoversAt(missing), asked))).leftovers).toEqual({ worktrees: [], branches: [] });
    expect(asked).toEqual([]);
    // Below a top, git answers, but the branches belong to the runs at the top.
    expect((await readStatusReport(plan, SMALL, below, leftoverReaders(leftoversAt(below), asked))).leftovers).toEqual({ worktrees: [], branches: [] });
  });

  it('fails in one line when git fails otherwise, and rethrows what is not a git failure', async () => {
    const root = await repositoryTop();
    const plan = await loadPlan(SMALL);
    const broken = new CoreError('git_failed', 'git worktree list --porcelain failed in /r: fatal: bad object HEAD', { stderr: 'fatal: bad object HEAD' });
    await expect(readStatusReport(plan, SMALL, root, leftoverReaders(broken))).rejects.toMatchObject({ name: 'CliError', code: 'run_failed', message: broken.message, cause: broken });
    const bug = new TypeError('the finder broke');
    await expect(readStatusReport(plan, SMALL, root, leftoverReaders(bug))).rejects.toBe(bug);
  });
});
