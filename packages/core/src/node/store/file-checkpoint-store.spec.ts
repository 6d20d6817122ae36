import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeCheckpoint, isToonError, readCheckpoint } from '@kazuba/toon';
import type { PhaseCheckpoint } from '@kazuba/toon';
import { definePlan } from '../../plan/define-plan.js';
import { createFileCheckpointStore } from './file-checkpoint-store.js';

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-store-'));
  scratchDirs.push(dir);
  return dir;
}

const plan = definePlan([{ id: 11, name: 'Shared Infrastructure' }, { id: 12, checkpoint: 'state/twelve.toon' }]);
const phase11 = plan.byId.get(11)!;
const phase12 = plan.byId.get(12)!;

const record: PhaseCheckpoint = {
  kind: 'kazuba.hypervisor.phase',
  schema_version: 1,
  phase_id: 11,
  phase_title: 'Shared Infrastructure',
  status: 'success',
  attempts: 1,
  started_at: '2026-03-01T03:20:00.000Z',
  finished_at: '2026-03-01T03:21:00.000Z',
  duration_ms: 60_000,
  phase_hash: phase11.hash,
  hypervisor_version: '0.1.0',
  run_id: 'run-1',
};

describe('createFileCheckpointStore', () => {
  it('writes TOON text at the phase checkpoint path under the root and reads it back as a view', async () => {
    const root = await scratch();
    const store = createFileCheckpointStore({ root });
    await store.write(phase11, record);
    expect(await readFile(join(root, 'checkpoints/phase_11.toon'), 'utf8')).toMatch(/^kind: kazuba\.hypervisor\.phase\n/);
    expect(await store.read(phase11)).toMatchObject({ origin: 'hypervisor', phaseId: 11, status: 'success', phaseHash: phase11.hash });
  });

  it('writes the kazuba container when asked, at a custom checkpoint path', async () => {
    const root = await scratch();
    await createFileCheckpointStore({ root, format: 'kazuba' }).write(phase12, { ...record, phase_id: 12 });
    expect((await readCheckpoint(join(root, 'state/twelve.toon'))).format).toBe('kazuba');
  });

  it('removes the temporary file a crashed write left beside the checkpoint, and nothing else', async () => {
    const root = await scratch();
    await mkdir(join(root, 'checkpoints'));
    await writeFile(join(root, 'checkpoints/.phase_11.toon.0f9c2b7e-1d2a-4c5b-8e3f-000000000000.tmp'), 'half a recor');
    await writeFile(join(root, 'checkpoints/.phase_12.toon.0f9c2b7e-1d2a-4c5b-8e3f-000000000000.tmp'), 'another phase');
    await createFileCheckpointStore({ root }).write(phase11, record);
    expect((await readdir(join(root, 'checkpoints'))).sort()).toEqual(['.phase_12.toon.0f9c2b7e-1d2a-4c5b-8e3f-000000000000.tmp', 'phase_11.toon']);
  });

  it('lists a folder once yet removes each phase its stale temporary at its first write, and writes in parallel', async () => {
    const root = await scratch();
    await mkdir(join(root, 'checkpoints'));
    await writeFile(join(root, 'checkpoints/.phase_11.toon.0f9c2b7e-1d2a-4c5b-8e3f-000000000000.tmp'), 'half a recor');
    const store = createFileCheckpointStore({ root });
    const phases = definePlan(Array.from({ length: 8 }, (_, index) => ({ id: 20 + index }))).phases;
    await Promise.all([store.write(phase12, { ...record, phase_id: 12 }), ...phases.map((phase) => store.write(phase, { ...record, phase_id: phase.id }))]);
    expect(await readdir(join(root, 'checkpoints'))).toContain('.phase_11.toon.0f9c2b7e-1d2a-4c5b-8e3f-000000000000.tmp');
    await store.write(phase11, record);
    expect(await readdir(join(root, 'checkpoints'))).toHaveLength(phases.length + 1);
    for (const phase of phases) expect(await store.read(phase)).toMatchObject({ phaseId: phase.id, status: 'success' });
  });

  it("reads a checkpoint the original's tooling wrote", async () => {
    const root = await scratch();
    await mkdir(join(root, 'checkpoints'));
    await writeFile(join(root, 'checkpoints/phase_11.toon'), encodeCheckpoint({ phase_id: 11, results: { overall: 'PASS' } }, { format: 'msgpack' }));
    expect(await createFileCheckpointStore({ root }).read(phase11)).toMatchObject({ origin: 'kazuba', phaseId: 11, status: 'success' });
  });

  it('reads a missing checkpoint as none, and refuses a corrupt one with its error', async () => {
    const root = await scratch();
    const store = createFileCheckpointStore({ root });
    expect(await store.read(phase11)).toBeUndefined();
    await mkdir(join(root, 'checkpoints'));
    await writeFile(join(root, 'checkpoints/phase_11.toon'), 'status: success\nbroken');
    let error: unknown;
    await Promise.resolve(store.read(phase11)).catch((caught: unknown) => (error = caught));
    expect(isToonError(error) && error.code).toBe('invalid_toon');
  });
});
