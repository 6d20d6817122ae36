import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_FORMATS } from './detect.js';
import type { CheckpointFormat } from './detect.js';
import { isToonError } from './errors.js';
import type { ToonError } from './errors.js';
import { readCheckpoint, syncDirectory, writeCheckpoint } from './file.js';

const scratchDirs: string[] = [];
afterAll(() => Promise.all(scratchDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kazuba-toon-file-'));
  scratchDirs.push(dir);
  return dir;
}

async function rejectionOf(promise: Promise<unknown>): Promise<ToonError> {
  try {
    await promise;
  } catch (error) {
    if (isToonError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('writeCheckpoint and readCheckpoint', () => {
  it.each(CHECKPOINT_FORMATS)('write %s and read it back, creating missing folders', async (format) => {
    const path = join(await scratch(), 'nested', 'checkpoints', 'phase_01.toon');
    const written = await writeCheckpoint(path, { phase_id: 1, status: 'success' }, { format });
    expect(written).toEqual({ path, format, bytes: (await readFile(path)).length });
    expect(await readCheckpoint(path)).toEqual({ format, value: { phase_id: 1, status: 'success' } });
  });

  it('writes TOON text unless told otherwise', async () => {
    const path = join(await scratch(), 'a.toon');
    await writeCheckpoint(path, { a: 1 });
    expect(await readFile(path, 'utf8')).toBe('a: 1\n');
  });

  it('tells a missing file from a corrupt one', async () => {
    const dir = await scratch();
    const missing = await rejectionOf(readCheckpoint(join(dir, 'missing.toon')));
    expect(missing.code).toBe('not_found');
    await writeFile(join(dir, 'corrupt.toon'), 'a: 1\nb');
    const corrupt = await rejectionOf(readCheckpoint(join(dir, 'corrupt.toon')));
    expect(corrupt).toMatchObject({ code: 'invalid_toon', context: { line: 2, path: join(dir, 'corrupt.toon') } });
    expect(corrupt.message).toBe(`${join(dir, 'corrupt.toon')}: line 2: Missing colon after key`);
  });

  it('refuses a file over the size limit without reading it', async () => {
    const path = join(await scratch(), 'huge.toon');
    await writeFile(path, '');
    await truncate(path, 64 * 1024 * 1024);
    expect((await rejectionOf(readCheckpoint(path))).code).toBe('input_too_large');
    await writeFile(path, 'a: 123456789');
    expect((await rejectionOf(readCheckpoint(path, { limits: { maxBytes: 8 } }))).code).toBe('input_too_large');
  });

  it('reports a folder where a file should be as an io_error naming the path', async () => {
    const dir = await scratch();
    const error = await rejectionOf(readCheckpoint(dir));
    expect(error.code).toBe('io_error');
    expect(error.message).toContain(dir);
  });

  it('leaves the old file and no temporary file when the rename fails', async () => {
    const dir = await scratch();
    await mkdir(join(dir, 'taken.toon'));
    const error = await rejectionOf(writeCheckpoint(join(dir, 'taken.toon'), { a: 1 }));
    expect(error).toMatchObject({ code: 'io_error', context: { path: join(dir, 'taken.toon') } });
    expect(await readdir(dir)).toEqual(['taken.toon']);
  });

  it('writes nothing when the value cannot be encoded', async () => {
    const dir = await scratch();
    const path = join(dir, 'phase.toon');
    await writeCheckpoint(path, { version: 1 });
    const error = await rejectionOf(writeCheckpoint(path, { version: 2, bad: undefined }));
    expect(error.code).toBe('unsupported_value');
    expect(error.message).toMatch(/phase\.toon: undefined at \$\.bad/);
    expect(await readdir(dir)).toEqual(['phase.toon']);
    expect((await readCheckpoint(path)).value).toEqual({ version: 1 });
  });

  it('makes the rename durable through the folder sync it is given, and resolves only after it', async () => {
    const dir = await scratch();
    const path = join(dir, 'phase.toon');
    const synced: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done = false;
    const writing = writeCheckpoint(path, { a: 1 }, { syncDirectory: async (folder) => (synced.push(folder), gate) }).then(() => (done = true));
    while (synced.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect([synced, done, await readFile(path, 'utf8')]).toEqual([[dir], false, 'a: 1\n']);
    release();
    await writing;
    expect(done).toBe(true);
  });

  it('fails the write when the folder sync fails', async () => {
    const error = await rejectionOf(writeCheckpoint(join(await scratch(), 'a.toon'), { a: 1 }, { syncDirectory: () => Promise.reject(new Error('EIO')) }));
    expect(error).toMatchObject({ code: 'io_error', message: expect.stringContaining('EIO') });
  });

  it('syncs a folder, and reports one that does not exist', async () => {
    await expect(syncDirectory(await scratch())).resolves.toBeUndefined();
    await expect(syncDirectory(join(await scratch(), 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('replaces an existing checkpoint whole', async () => {
    const path = join(await scratch(), 'phase.toon');
    await writeCheckpoint(path, { version: 1, pad: 'x'.repeat(1000) });
    await writeCheckpoint(path, { version: 2 }, { format: 'kazuba' });
    expect(await readCheckpoint(path)).toEqual({ format: 'kazuba', value: { version: 2 } });
  });
});

// A real crash: a child process rewrites one checkpoint in a loop and is killed with SIGKILL at a random
// moment; the file must then hold one whole version. It needs the package built (`nx test` builds first).
describe('writeCheckpoint under SIGKILL', () => {
  const child = fileURLToPath(new URL('./__fixtures__/write-forever.mjs', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../dist/index.js', import.meta.url)));

  async function killWhileWriting(path: string, format: CheckpointFormat, delayMs: number): Promise<void> {
    const writer = spawn(process.execPath, [child, path, format], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      writer.once('error', reject);
      writer.stdout.once('data', () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const exited = new Promise((resolve) => writer.once('exit', resolve));
    writer.kill('SIGKILL');
    await exited;
  }

  it.each(['toon', 'kazuba'] as const)('always leaves a whole %s checkpoint', async (format) => {
    if (!built) throw new Error('build @kazuba/toon first (nx test does): this test runs the built package');
    const path = join(await scratch(), 'phase.toon');
    for (let round = 0; round < 8; round += 1) {
      await killWhileWriting(path, format, 5 + Math.floor(Math.random() * 60));
      const { value } = await readCheckpoint(path);
      const record = value as { version: number; size: number; pad: string };
      expect(record.pad).toHaveLength(record.size);
    }
  }, 60_000);
});
