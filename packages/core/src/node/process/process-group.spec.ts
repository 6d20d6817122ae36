import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { isGroupRunning, signalGroup } from './process-group.js';

function startGroup(): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
}

describe('process groups', () => {
  it('tells a running group from one that is gone', async () => {
    const leader = startGroup();
    const pgid = leader.pid ?? 0;
    expect(isGroupRunning(pgid)).toBe(true);
    expect(signalGroup(pgid, 'SIGKILL')).toBe(true);
    await once(leader, 'exit');
    expect(isGroupRunning(pgid)).toBe(false);
    expect(signalGroup(pgid, 'SIGTERM')).toBe(false);
  });

  it('throws what is not a missing group', () => {
    expect(() => signalGroup(process.pid, 'SIGNOPE' as NodeJS.Signals)).toThrow();
  });
});
