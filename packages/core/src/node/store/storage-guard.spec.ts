import { describe, expect, it } from '@jest/globals';
import { from, lastValueFrom, of, toArray } from 'rxjs';
import { definePlan } from '../../plan/define-plan.js';
import type { Phase } from '../../plan/plan.js';
import type { AttemptResult, CheckpointStore, PhaseRunner } from '../../schedule/ports.js';
import { CoreError } from '../../core-error.js';
import { describeStorageFull, storageFullCode } from './storage-full.js';
import { createStorageGuard } from './storage-guard.js';

const phase = definePlan([{ id: 4, prompt: 'p', checkpoint: 'checkpoints/phase_4.toon' }]).phases[0] as Phase;
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: it failed`), { code });

describe('storageFullCode', () => {
  it('finds ENOSPC, EDQUOT and EROFS in an error or its causes, and nothing else', () => {
    expect(storageFullCode(errno('ENOSPC'))).toBe('ENOSPC');
    expect(storageFullCode(new CoreError('log_failed', 'cannot write', {}, { cause: new Error('x', { cause: errno('EDQUOT') }) }))).toBe('EDQUOT');
    expect(storageFullCode(errno('EROFS'))).toBe('EROFS');
    expect(storageFullCode(errno('EACCES'))).toBeUndefined();
    expect(storageFullCode('ENOSPC')).toBeUndefined();
    expect(describeStorageFull('EDQUOT')).toBe('the disk quota is exceeded (EDQUOT)');
    expect(describeStorageFull('EIO')).toBe('the storage cannot be written (EIO)');
  });
});

describe('createStorageGuard', () => {
  it('stops once, on the first write that finds the storage full, and says what and how to go on', () => {
    const told: string[] = [];
    const guard = createStorageGuard((message) => told.push(message));
    guard.check(errno('EACCES'), 'the run record');
    expect(guard.signal.aborted).toBe(false);
    guard.check(errno('EROFS'), 'the run record');
    guard.check(errno('ENOSPC'), 'the checkpoint of phase 2');
    expect(told).toEqual(['the file system is read-only (EROFS): cannot write the run record; the run stopped, free some space and run it again to resume']);
    expect(guard.signal.reason).toBe(told[0]);
  });

  it('watches a store: a write on a full disk stops the run and still fails as it did; reads pass through', async () => {
    const guard = createStorageGuard();
    const store: CheckpointStore = { read: () => Promise.resolve(undefined), write: () => Promise.reject(errno('ENOSPC')) };
    const watched = guard.watchStore(store);
    await expect(lastValueFrom(from(watched.write(phase, {} as never)))).rejects.toThrow('ENOSPC: it failed');
    expect(guard.signal.reason).toContain('cannot write the checkpoint of phase 4');
    expect(await watched.read(phase)).toBeUndefined();
  });

  it('watches a runner: an attempt whose log met a full disk stops the run; other failures do not', async () => {
    const results: AttemptResult[] = [
      { outcome: 'failed', error: { name: 'AgentError', code: 'exit_code', message: 'exit 1' } },
      { outcome: 'failed', error: { name: 'CoreError', code: 'storage_full', message: 'cannot write log file /x/phase-4.log: EDQUOT: quota' } },
    ];
    const runner: PhaseRunner = { run: () => of({ type: 'result', result: results.shift() as AttemptResult }) };
    const guard = createStorageGuard();
    const watched = guard.watchRunner(runner);
    const request = { runId: 'r', phase, attempt: 1, prompt: 'p', signal: new AbortController().signal };
    await lastValueFrom(watched.run(request).pipe(toArray()));
    expect(guard.signal.aborted).toBe(false);
    await lastValueFrom(watched.run(request).pipe(toArray()));
    expect(guard.signal.reason).toBe('the disk quota is exceeded (EDQUOT): cannot write the log of phase 4; the run stopped, free some space and run it again to resume');
  });

  it('does not guess an errno a storage_full result does not name', async () => {
    const result: AttemptResult = { outcome: 'failed', error: { name: 'CoreError', code: 'storage_full', message: 'cannot write' } };
    const guard = createStorageGuard();
    const request = { runId: 'r', phase, attempt: 1, prompt: 'p', signal: new AbortController().signal };
    await lastValueFrom(guard.watchRunner({ run: () => of({ type: 'result', result }) }).run(request).pipe(toArray()));
    expect(String(guard.signal.reason)).toMatch(/^the storage cannot be written \(storage_full\): /);
  });
});
