import { describe, expect, it } from '@jest/globals';
import { createGroupRegistry } from './group-registry.js';

/** Above Linux's largest possible pid (2^22), so no group can have it: every signal to it finds nothing. */
const NO_SUCH_PGID = 4_194_305;

describe('createGroupRegistry', () => {
  it('gives up waiting for a group that outlives its SIGKILL, and keeps counting it until it is gone', async () => {
    let stuck = true;
    const registry = createGroupRegistry({ isRunning: () => stuck, settleAfterKillMs: 50 });
    const group = registry.track(NO_SUCH_PGID, 20);
    group.setAwaited(true);
    group.stop();
    group.leaderExited();
    await registry.stopAll();
    expect(group.stopped).toBe(true);
    expect(registry.live).toBe(1);
    stuck = false;
    expect(registry.live).toBe(0);
  });

  it('stops leftovers of a leader that exited by itself, without calling it stopped', async () => {
    let members = 1;
    const signals: string[] = [];
    const registry = createGroupRegistry({ isRunning: () => members > 0 });
    const group = registry.track(NO_SUCH_PGID, 10, (signal) => signals.push(signal));
    group.leaderExited();
    const gone = group.gone();
    members = 0;
    await gone;
    expect(group.stopped).toBe(false);
    // No group answers to the pgid, so no signal reached one.
    expect(signals).toEqual([]);
    expect(registry.live).toBe(0);
  });
});
