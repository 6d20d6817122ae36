import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { PHASE_CHECKPOINT_KIND, encodeCheckpoint } from '@kazuba/toon';
import { captureCheckpoint, snapshotFile } from './script-checkpoint.js';

let dir: string;
let path: string;
const original = { phase_id: 11, results: { overall: 'PASS' } };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'script-checkpoint-'));
  path = join(dir, 'phase_11.toon');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('snapshotFile', () => {
  it('is undefined for a missing file and describes an existing one', async () => {
    await expect(snapshotFile(path)).resolves.toBeUndefined();
    await writeFile(path, 'abc');
    await expect(snapshotFile(path)).resolves.toMatchObject({ size: 3, digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
  });

  it('throws when the path cannot be read', async () => {
    await expect(snapshotFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('captureCheckpoint', () => {
  it('captures a checkpoint that appeared during the attempt, in any format', async () => {
    const before = await snapshotFile(path);
    await writeFile(path, encodeCheckpoint(original, { format: 'kazuba' }));
    await expect(captureCheckpoint(path, before)).resolves.toEqual({ status: 'captured', value: original });
  });

  it('captures a checkpoint rewritten with the same content', async () => {
    await writeFile(path, JSON.stringify(original));
    await utimes(path, new Date(2020, 0, 1), new Date(2020, 0, 1));
    const before = await snapshotFile(path);
    await writeFile(path, JSON.stringify(original));
    await expect(captureCheckpoint(path, before)).resolves.toEqual({ status: 'captured', value: original });
  });

  it('ignores a file nobody touched, a missing file and a deleted one', async () => {
    await expect(captureCheckpoint(path, undefined)).resolves.toEqual({ status: 'unchanged' });
    await writeFile(path, JSON.stringify(original));
    const before = await snapshotFile(path);
    await expect(captureCheckpoint(path, before)).resolves.toEqual({ status: 'unchanged' });
    await rm(path);
    await expect(captureCheckpoint(path, before)).resolves.toEqual({ status: 'unchanged' });
  });

  it("ignores the hypervisor's own record", async () => {
    await writeFile(path, encodeCheckpoint({ kind: PHASE_CHECKPOINT_KIND, phase_id: 11 }));
    await expect(captureCheckpoint(path, undefined)).resolves.toEqual({ status: 'unchanged' });
  });

  it('reports a file that is no readable checkpoint', async () => {
    await writeFile(path, Buffer.from([0x54, 0x4f, 0x4f, 0x4e, 0x01, 0xc1]));
    const found = await captureCheckpoint(path, undefined);
    expect(found).toEqual({ status: 'unreadable', problem: expect.stringContaining(path) });
    await rm(path);
    await mkdir(path);
    await expect(captureCheckpoint(path, undefined)).resolves.toMatchObject({ status: 'unreadable' });
  });
});
