import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '@kazuba/toon';
import { runPlan } from './run-plan.js';
import { removeShellPlans, writeShellPlan } from './__fixtures__/shell-plan.js';

afterAll(removeShellPlans);

const child = fileURLToPath(new URL('./__fixtures__/run-plan-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../../dist/node/index.js', import.meta.url));

// A zombie (which PID 1 of a container may never reap) counts as gone.
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'latin1') : '';
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!existsSync(path)) throw new Error(`${path} never appeared`);
}

/** Runs the plan in a child hypervisor (run id `crashed`) and SIGKILLs it once phase 2 hangs and phase 3 is recorded. */
async function runUntilPhase2Hangs(planDir: string, root: string): Promise<void> {
  const hypervisor = spawn(process.execPath, [child, planDir, root], { stdio: 'ignore' });
  await waitFor(join(root, 'pid'));
  await waitFor(join(root, 'checkpoints', 'phase_03.toon'));
  const exited = new Promise((resolve) => hypervisor.once('exit', resolve));
  hypervisor.kill('SIGKILL');
  await exited;
}

describe('runPlan after the hypervisor itself is SIGKILLed', () => {
  it('does not run finished phases again, runs the interrupted one, and finds every checkpoint whole', async () => {
    if (!existsSync(built)) throw new Error('build @kazuba/core first (nx test does): this test runs the built package');
    const record = (id: number): string => `echo "${id},$HYPERVISOR_RUN_ID" >> "$HYPERVISOR_ROOT/ledger"`;
    const { root, planDir } = await writeShellPlan([
      { id: 1, run: record(1) },
      { id: 2, run: `${record(2)}; if [ ! -f "$HYPERVISOR_ROOT/once" ]; then touch "$HYPERVISOR_ROOT/once"; echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30; fi`, dependsOn: [1] },
      { id: 3, run: record(3), dependsOn: [1] },
      { id: 4, run: record(4), dependsOn: [2, 3] },
    ]);
    await runUntilPhase2Hangs(planDir, root);
    // Its phase process group outlives the SIGKILLed hypervisor; the next run finds and ends it.
    const orphan = Number(await readFile(join(root, 'pid'), 'utf8'));
    expect(alive(orphan)).toBe(true);

    const summary = await runPlan(planDir, { root, runId: 'resumed' });
    expect(alive(orphan)).toBe(false);
    expect(summary.phases.map((phase) => [phase.phaseId, phase.status])).toEqual([[1, 'skipped'], [2, 'success'], [3, 'skipped'], [4, 'success']]);
    const ledger = (await readFile(join(root, 'ledger'), 'utf8')).trim().split('\n');
    expect(ledger.filter((line) => line.startsWith('1,'))).toEqual(['1,crashed']);
    expect(ledger.filter((line) => line.startsWith('3,'))).toEqual(['3,crashed']);
    expect(ledger.filter((line) => line.startsWith('2,'))).toEqual(['2,crashed', '2,resumed']);
    for (const file of await readdir(join(root, 'checkpoints'))) {
      expect((await readCheckpoint(join(root, 'checkpoints', file))).value).toMatchObject({ kind: 'kazuba.hypervisor.phase' });
    }
    expect((await readCheckpoint(join(root, '.hypervisor/runs/crashed/run.toon'))).value).toMatchObject({ outcome: 'running' });
  }, 30_000);

  it('under worktree isolation, resumes with no stale worktree, keeps every merged commit and runs the rest', async () => {
    if (!existsSync(built)) throw new Error('build @kazuba/core first (nx test does): this test runs the built package');
    const { root, planDir } = await writeShellPlan([
      { id: 1, run: 'echo one > one.txt' },
      { id: 2, run: 'echo two > two.txt; if [ ! -f "$HYPERVISOR_ROOT/once" ]; then touch "$HYPERVISOR_ROOT/once"; echo $$ > "$HYPERVISOR_ROOT/pid"; sleep 30; fi', dependsOn: [1] },
      { id: 3, run: 'echo three > three.txt', dependsOn: [1] },
      { id: 4, run: 'cat one.txt two.txt three.txt > all.txt', dependsOn: [2, 3] },
    ]);
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
    git('init', '--quiet', '--initial-branch=main');
    await writeFile(join(root, '.gitignore'), 'plan/\ncheckpoints/\nonce\npid\n');
    git('add', '.gitignore');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
    await runUntilPhase2Hangs(planDir, root);
    const merged = git('log', '--format=%H', 'main').split('\n');
    expect(git('worktree', 'list')).toContain(join('.hypervisor', 'worktrees', 'crashed', 'phase-2'));

    const recoveries: unknown[] = [];
    const summary = await runPlan(planDir, { root, runId: 'resumed', onRecovery: (recovered) => recoveries.push(...recovered) });
    expect(recoveries).toEqual([{ runId: 'crashed', completedPhases: [], removedWorktrees: [join(root, '.hypervisor', 'worktrees', 'crashed', 'phase-2')], keptBranches: ['kazuba/crashed/phase-2-1'] }]);
    expect(summary.phases.map((phase) => [phase.phaseId, phase.status])).toEqual([[1, 'skipped'], [2, 'success'], [3, 'skipped'], [4, 'success']]);
    expect(await readFile(join(root, 'all.txt'), 'utf8')).toBe('one\ntwo\nthree\n');
    const history = git('log', '--format=%H', 'main').split('\n');
    expect(history.slice(-merged.length)).toEqual(merged);
    expect(git('worktree', 'list', '--porcelain')).not.toContain('.hypervisor');
    expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
    // The dead attempt's work is kept on its branch, committed.
    expect(git('show', 'kazuba/crashed/phase-2-1:two.txt')).toBe('two');
  }, 30_000);
});
