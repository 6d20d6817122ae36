import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCheckpoint } from '@kazuba/toon';
import { reapOrphans } from './reap-orphans.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function root(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-reap-'));
  roots.push(dir);
  return dir;
}

const record = (runId: string, pid: number, outcome = 'running'): object => ({ kind: 'kazuba.hypervisor.run', run_id: runId, pid, outcome, phases: [] });

// A process id that cannot be alive: above Linux's largest possible pid.
const DEAD_PID = 4_194_305;

describe('reapOrphans', () => {
  it("kills the process groups of a crashed run, found by their environment, and leaves live runs' processes alone", async () => {
    const dir = await root();
    const runs = join(dir, '.hypervisor', 'runs');
    await writeCheckpoint(join(runs, 'crashed', 'run.toon'), record('crashed', DEAD_PID));
    await writeCheckpoint(join(runs, 'live', 'run.toon'), record('live', process.pid));
    await writeCheckpoint(join(runs, 'done', 'run.toon'), record('done', DEAD_PID, 'succeeded'));
    await mkdir(join(runs, 'broken'));
    await writeFile(join(runs, 'broken', 'run.toon'), 'outcome: running\nbroken');
    const spawnSleeper = (runId: string) =>
      spawn('sleep', ['30'], { detached: true, stdio: 'ignore', env: { ...process.env, HYPERVISOR_RUN_ID: runId } });
    const orphan = spawnSleeper('crashed');
    const bystander = spawnSleeper('live');
    const orphanExit = new Promise((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    try {
      const reaped = await reapOrphans(dir);
      expect(reaped.crashedRuns).toEqual(['crashed']);
      expect(reaped.killedGroups).toEqual([orphan.pid]);
      expect(await orphanExit).toBe('SIGKILL');
      expect(bystander.exitCode).toBeNull();
    } finally {
      process.kill(-(bystander.pid as number), 'SIGKILL');
    }
  });

  it('finds nothing in a root without runs', async () => {
    expect(await reapOrphans(await root())).toEqual({ crashedRuns: [], killedGroups: [] });
  });
});
