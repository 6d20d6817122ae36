import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCheckpoint } from '@kazuba/toon';
import { runSummarySchema } from '@kazuba/hypervisor-v2';
import { runBuiltCli, spawnCli } from './__fixtures__/run/spawn-cli.js';
import { eventually, isRunning, ledger, removePlans, writePlan } from './__fixtures__/run/write-plan.js';

jest.setTimeout(60_000);
afterAll(removePlans);

// The first run records the pids of its shell and of a long sleep, ignores SIGTERM (so that only the group
// kill ends it), and waits; later runs find the marker and finish at once.
const longOnce = [
  'if [ -e "$HYPERVISOR_ROOT/ran" ]; then exit 0; fi',
  'touch "$HYPERVISOR_ROOT/ran"',
  'trap "" TERM',
  'echo $$ > "$HYPERVISOR_ROOT/shell.pid"',
  'sleep 30 & echo $! > "$HYPERVISOR_ROOT/sleep.pid"',
  'wait',
].join('; ');

async function pids(root: string): Promise<number[]> {
  return Promise.all(['shell.pid', 'sleep.pid'].map(async (file) => Number((await readFile(join(root, file), 'utf8')).trim())));
}

describe('hypervisor run (the built command), interrupted', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops on %s: exit 130, no process left, state written, and the next run completes', async (signal) => {
    const { root } = await writePlan([{ id: 1, run: longOnce }, { id: 2, run: ledger(2), dependsOn: [1] }]);
    const running = spawnCli(['run', 'plan', '--json'], { cwd: root });
    expect(await eventually(() => existsSync(join(root, 'sleep.pid')), 15_000) || running.output()).toBe(true);
    const [shell, sleep] = await pids(root);
    const sentAt = Date.now();
    running.child.kill(signal);
    const result = await running.finished;
    // Generous: the phase ignores SIGTERM, so its group gets SIGKILL after the 5 s grace.
    expect(Date.now() - sentAt).toBeLessThan(20_000);
    expect(result.status).toBe(130);
    expect(runSummarySchema.parse(JSON.parse(result.stdout))).toMatchObject({ outcome: 'cancelled', countsByStatus: { cancelled: 2 } });
    expect(result.stderr).toContain(`${signal}: stopping the running phases and writing their state`);
    expect(result.stderr).toContain('to resume, run `hypervisor run plan` again: completed phases are skipped\n');
    expect([isRunning(shell ?? 0), isRunning(sleep ?? 0)]).toEqual([false, false]);
    expect((await readCheckpoint(join(root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ status: 'cancelled' });

    const again = await runBuiltCli(['run', 'plan', '--json'], { cwd: root });
    expect({ status: again.status, stderr: again.stderr }).toMatchObject({ status: 0 });
    expect(runSummarySchema.parse(JSON.parse(again.stdout)).phases.map((phase) => phase.status)).toEqual(['success', 'success']);
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('2,1\n');
  });

  it('stops at once on a second SIGINT, and still leaves no process behind', async () => {
    const { root } = await writePlan([{ id: 1, run: longOnce }]);
    const running = spawnCli(['run', 'plan'], { cwd: root });
    expect(await eventually(() => existsSync(join(root, 'sleep.pid')), 15_000) || running.output()).toBe(true);
    const [shell, sleep] = await pids(root);
    running.child.kill('SIGINT');
    expect(await eventually(() => running.output().stderr.includes('interrupt again to stop at once'), 5000)).toBe(true);
    running.child.kill('SIGINT');
    const result = await running.finished;
    expect(result.status).toBe(130);
    expect(result.stderr).toContain('stopping at once: the phases that ran are not recorded\n');
    // The supervisor's exit hook SIGKILLs what is left as the program ends.
    expect(await eventually(() => !isRunning(shell ?? 0) && !isRunning(sleep ?? 0), 2000)).toBe(true);
    expect((await runBuiltCli(['run', 'plan'], { cwd: root })).status).toBe(0);
  });
});
