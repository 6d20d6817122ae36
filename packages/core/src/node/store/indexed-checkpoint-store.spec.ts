import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { writeCheckpoint } from '@kazuba/toon';
import type { CheckpointStatus, CheckpointView, PhaseCheckpoint } from '@kazuba/toon';
import type { Phase } from '../../plan/plan.js';
import type { CheckpointStore } from '../../schedule/ports.js';
import { createFileCheckpointStore } from './file-checkpoint-store.js';
import { createIndexedCheckpointStore } from './indexed-checkpoint-store.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

const phase = (id: number): Phase => ({ id, title: `Phase ${id}`, checkpoint: `checkpoints/phase_${id}.toon` }) as Phase;

const record = (id: number, status: CheckpointStatus, title = `Phase ${id}`): PhaseCheckpoint => ({
  kind: 'kazuba.hypervisor.phase',
  schema_version: 1,
  phase_id: id,
  phase_title: title,
  status,
  attempts: 1,
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:01.000Z',
  duration_ms: 1000,
  run_id: 'run-test',
  phase_hash: `sha256:${'0'.repeat(64)}`,
  hypervisor_version: '0.0.0',
});

async function project(): Promise<{ root: string; open: () => CheckpointStore; indexDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-indexed-store-'));
  made.push(root);
  const indexDir = join(root, '.hypervisor', 'index');
  const open = (): CheckpointStore => createIndexedCheckpointStore(createFileCheckpointStore({ root }), { root, indexDir, key: join(root, 'plan') });
  await writeCheckpoint(join(root, phase(1).checkpoint), record(1, 'success'));
  await writeCheckpoint(join(root, phase(2).checkpoint), record(2, 'success'));
  return { root, open, indexDir };
}

const readAll = async (store: CheckpointStore, ids: readonly number[] = [1, 2, 3]): Promise<(CheckpointView | undefined)[]> =>
  Promise.all(ids.map(async (id) => (await store.read(phase(id))) as CheckpointView | undefined));

/** Reads every checkpoint through a fresh store (which indexes them), then again through another (which trusts the index). */
async function indexed(open: () => CheckpointStore): Promise<(CheckpointView | undefined)[]> {
  // Checkpoint times are real file times: they must be older than the index's racy window (100 ms) to be kept.
  await sleep(250);
  const first = await readAll(open());
  expect(await readAll(open())).toEqual(first);
  return first;
}

const statuses = (views: readonly (CheckpointView | undefined)[]): (string | undefined)[] => views.map((view) => view?.status);

describe('createIndexedCheckpointStore', () => {
  it('reads what the decorated store reads, and keeps its index in the folder it is given', async () => {
    const { root, open, indexDir } = await project();

    const views = await indexed(open);

    expect(views).toEqual(await readAll(createFileCheckpointStore({ root })));
    expect(statuses(views)).toEqual(['success', 'success', undefined]);
    expect(await readdir(indexDir)).toEqual([expect.stringMatching(/^checkpoints-[0-9a-f]{16}\.idx$/)]);
  });

  it('notices a checkpoint rewritten behind its back, even to the same size', async () => {
    const { root, open } = await project();
    await indexed(open);

    await writeCheckpoint(join(root, phase(1).checkpoint), record(1, 'failed', 'Phase 1'));
    await writeCheckpoint(join(root, phase(2).checkpoint), record(2, 'success', 'Phase 2 renamed'));

    const views = await readAll(open());
    expect(statuses(views)).toEqual(['failed', 'success', undefined]);
    expect(views[1]?.title).toBe('Phase 2 renamed');
  });

  it('notices a checkpoint edited in place, keeping its inode', async () => {
    const { root, open } = await project();
    await indexed(open);
    const path = join(root, phase(1).checkpoint);

    await writeFile(path, (await readFile(path, 'utf8')).replace('status: success', 'status: partial'));

    expect(statuses(await readAll(open()))).toEqual(['partial', 'success', undefined]);
  });

  it('notices checkpoints deleted and added', async () => {
    const { root, open } = await project();
    await indexed(open);

    await unlink(join(root, phase(2).checkpoint));
    await writeCheckpoint(join(root, phase(3).checkpoint), record(3, 'success'));

    expect(statuses(await readAll(open()))).toEqual(['success', undefined, 'success']);
  });

  it('reads a checkpoint written through it from the file', async () => {
    const { open } = await project();
    await indexed(open);
    const store = open();

    await store.write(phase(1), record(1, 'cancelled'));

    expect(statuses(await readAll(store))).toEqual(['cancelled', 'success', undefined]);
    expect(statuses(await readAll(open()))).toEqual(['cancelled', 'success', undefined]);
  });

  it('fails as the decorated store does on a corrupt checkpoint, every time', async () => {
    const { root, open } = await project();
    await writeFile(join(root, phase(2).checkpoint), 'status: [');
    await sleep(250);

    await expect(open().read(phase(2))).rejects.toMatchObject({ code: expect.any(String) });
    await expect(open().read(phase(2))).rejects.toMatchObject({ code: expect.any(String) });
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, 40)],
    ['garbage', (bytes: Buffer) => Buffer.from(bytes.map((byte, at) => (at * 31 + byte) % 256))],
    ['deleted', undefined],
  ])('ignores an index that is %s', async (_name, spoil) => {
    const { root, open, indexDir } = await project();
    await indexed(open);
    await writeCheckpoint(join(root, phase(1).checkpoint), record(1, 'failed'));

    const [file] = await readdir(indexDir);
    const path = join(indexDir, file as string);
    if (spoil === undefined) await rm(indexDir, { recursive: true });
    else await writeFile(path, spoil(await readFile(path)));

    expect(statuses(await readAll(open()))).toEqual(['failed', 'success', undefined]);
  });
});
