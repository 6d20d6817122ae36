import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { PhaseDefinition } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { RunnerEvent } from '../../schedule/ports.js';
import { createProcessRunner } from '../agents/process-runner.js';
import { createRepo, git, readText, removeTempDirs, writeText } from '../git/__fixtures__/temp-repo.js';
import { createProcessSupervisor } from '../process/process-supervisor.js';
import { prepareIsolation } from './prepare-isolation.js';
import { createWorktreeRunner } from './worktree-runner.js';

const supervisor = createProcessSupervisor();

afterAll(async () => {
  await supervisor.shutdown();
  await removeTempDirs();
});

function phaseOf(definition: Partial<PhaseDefinition> & { id: number }): Phase {
  return definePlan([{ prompt: 'unused', checkpoint: `checkpoints/phase_${definition.id}.toon`, ...definition }]).phases[0] as Phase;
}

async function attempt(root: string, phase: Phase) {
  const runner = createWorktreeRunner({ root, runId: 'real', runner: createProcessRunner({ supervisor, root, planDir: 'plan', killGraceMs: 200 }) });
  const events = await lastValueFrom(runner.run({ runId: 'real', phase, attempt: 1, prompt: phase.prompt, signal: new AbortController().signal }).pipe(toArray()));
  return (events.at(-1) as RunnerEvent & { type: 'result' }).result;
}

describe('createWorktreeRunner over the process runner', () => {
  it('runs the run: line and the validation script in the worktree, with HYPERVISOR_ROOT still the root', async () => {
    const root = await createRepo();
    await prepareIsolation(root);
    // The plan folder is not tracked: the validation script is found in the root's plan folder.
    await writeText(root, '.hypervisor/plan/check.sh', 'test -f made.txt && pwd > "$HYPERVISOR_ROOT/.hypervisor/validated-in"\n');
    const worktree = join(root, '.hypervisor', 'worktrees', 'real', 'phase-1');
    const run = 'pwd > where.txt; printf "%s|%s\\n" "$HYPERVISOR_ROOT" "$HYPERVISOR_WORKTREE" > env.txt; echo made > made.txt';
    const result = await attempt(root, phaseOf({ id: 1, name: 'Shell', run, validationScript: '../.hypervisor/plan/check.sh' }));
    expect(result).toMatchObject({ outcome: 'succeeded', agent: { profile: 'shell', exitCode: 0 }, validation: { passed: true }, isolation: { worktree } });
    expect(await readText(root, 'where.txt')).toBe(`${worktree}\n`);
    expect(await readText(root, 'env.txt')).toBe(`${root}|${worktree}\n`);
    expect(await readText(root, '.hypervisor/validated-in')).toBe(`${worktree}\n`);
    expect(await git(root, 'log', '-1', '--format=%s')).toBe('phase 1: Shell');
    expect(await git(root, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(root, '.hypervisor', 'runs', 'real', 'phase-1.log'))).toBe(true);
  });

  it('takes the checkpoint the validation script writes in the worktree into the result and keeps it out of the merge', async () => {
    const root = await createRepo();
    await prepareIsolation(root);
    await writeText(root, '.hypervisor/plan/write.sh', 'mkdir -p checkpoints && echo "overall: PASS" > checkpoints/phase_2.toon\n');
    const result = await attempt(root, phaseOf({ id: 2, run: 'echo two > two.txt', validationScript: '../.hypervisor/plan/write.sh' }));
    expect(result).toMatchObject({ outcome: 'succeeded', scriptCheckpoint: { overall: 'PASS' }, isolation: { commit: expect.any(String) } });
    expect(await git(root, 'show', '--name-only', '--format=', 'HEAD')).toBe('two.txt');
  });
});
