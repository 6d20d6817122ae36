import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decideResume, hashPhaseSource, loadPlan } from '@kazuba/core';
import * as toon from '@kazuba/toon';
import { FIXTURES, removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import { readStatusReport } from './status-report.js';
import type { StatusReportJson } from './status-report.js';

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
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: 01-first.md: dependency cycle 1 -> 2 -> 1 (each phase depends on the next)\n' });
  });

  it('reports a failure that is not a checkpoint error as the bug it is, not as an unreadable checkpoint', async () => {
    const bug = new TypeError('the reader broke');
    const readers = { decideResume, toon: { ...toon, readCheckpoint: () => Promise.reject(bug) } };
    await expect(readStatusReport(await loadPlan(SMALL), SMALL, root, readers)).rejects.toBe(bug);
  });

  it('documents what a missing and a corrupt checkpoint mean in --help', async () => {
    const result = await runCaptured(['status', '--help']);
    expect(result.stdout).toContain('--root <dir>');
    expect(result.stdout).toContain('"unreadable"');
  });
});
