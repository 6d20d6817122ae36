import { afterAll, describe, expect, it } from '@jest/globals';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeCheckpoint } from './checkpoint-view.js';
import { encodeCheckpoint } from './codec.js';
import type { CheckpointFormat } from './detect.js';
import { readCheckpoint } from './file.js';
import { originalGeneratorRecord, originalScriptRecord } from './__fixtures__/records.js';
import { sharedFixtures } from './__fixtures__/shared.js';

describe("the original project's checkpoint files", () => {
  const dir = sharedFixtures('kazuba/checkpoints');
  if (dir === undefined) {
    it.todo('run when ../shared/fixtures/kazuba/checkpoints exists beside the checkout');
    return;
  }
  const files = readdirSync(dir).filter((file) => file.endsWith('.toon'));
  const expectedFormat = (file: string): CheckpointFormat =>
    file.startsWith('json_') ? 'json' : file.startsWith('phase_') ? 'msgpack' : 'kazuba';

  it('are all here: 12 validation checkpoints, 2 containers and 1 JSON fallback', () => {
    expect(files).toHaveLength(15);
  });

  it.each(files)('decodes %s in its format and converts it to TOON and back', async (file) => {
    const { format, value } = await readCheckpoint(join(dir, file));
    expect(format).toBe(expectedFormat(file));
    expect(value).toEqual(expect.any(Object));
    const { value: again } = await readCheckpoint(await writeTemporary(file, encodeCheckpoint(value)));
    expect(again).toEqual(value);
  });

  it.each(files.filter((file) => /^phase_\d+\.toon$/.test(file)))('reads %s as a successful phase', async (file) => {
    const { value } = await readCheckpoint(join(dir, file));
    expect(normalizeCheckpoint(value)).toMatchObject({ origin: 'kazuba', phaseId: Number(/\d+/.exec(file)?.[0]), status: 'success' });
  });

  it('reads the JSON fallback as the failed run of phase 11', async () => {
    const { value } = await readCheckpoint(join(dir, 'json_fallback_phase_11.toon'));
    expect(normalizeCheckpoint(value)).toMatchObject({ phaseId: 11, status: 'failed', title: 'Shared Infrastructure' });
  });

  it('reads the generator container by its name and top-level outcome', async () => {
    const { value } = await readCheckpoint(join(dir, 'pln2_generation.toon'));
    expect(normalizeCheckpoint(value)).toMatchObject({ phaseId: 'pln2_generation', status: 'success' });
  });
});

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((scratch) => rm(scratch, { recursive: true, force: true }))));

async function writeTemporary(name: string, bytes: Uint8Array): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'kazuba-toon-'));
  scratchDirs.push(scratch);
  const path = join(scratch, name);
  await writeFile(path, bytes);
  return path;
}

// The same three encodings, made here, so that this suite means something without the shared files.
describe('checkpoints in the shapes the original wrote', () => {
  const kazubaBytes = (value: unknown): Uint8Array => Uint8Array.of(0x54, 0x4f, 0x4f, 0x4e, 1, ...encodeMsgpack(value));
  it.each<[string, Uint8Array, CheckpointFormat, Record<string, unknown>]>([
    ['a bare MessagePack validation checkpoint', encodeMsgpack(originalScriptRecord), 'msgpack', { phaseId: 7, status: 'success' }],
    ['a kazuba container from checkpoint.py', kazubaBytes(originalGeneratorRecord), 'kazuba', { phaseId: 'plan_generation', status: 'failed' }],
    ['a JSON fallback', new TextEncoder().encode(JSON.stringify(originalScriptRecord, null, 2)), 'json', { phaseId: 7, title: 'Made-up phase' }],
  ])('reads %s', async (_name, bytes, format, view) => {
    const decoded = await readCheckpoint(await writeTemporary('phase.toon', bytes));
    expect(decoded.format).toBe(format);
    expect(normalizeCheckpoint(decoded.value)).toMatchObject(view);
  });
});
