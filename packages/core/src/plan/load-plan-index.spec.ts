import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from '@jest/globals';
import { loadPlan } from './load-plan.js';
import type { Plan } from './plan.js';

const made: string[] = [];
afterAll(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

const phaseText = (id: number, title: string, dependsOn: readonly number[] = []): string =>
  `---\nphase: ${id}\ntitle: ${title}\ndepends_on: [${dependsOn.join(', ')}]\nrun: "true"\n---\nWork of phase ${id}.\n`;

/** A plan of phases 1 and 2 (2 depends on 1) and a notes file, with a separate folder for its index. */
async function writePlan(): Promise<{ dir: string; indexDir: string }> {
  const base = await mkdtemp(join(tmpdir(), 'kazuba-plan-index-'));
  made.push(base);
  const dir = join(base, 'plan');
  await mkdir(dir);
  await writeFile(join(dir, '01-phase.md'), phaseText(1, 'Alpha'));
  await writeFile(join(dir, '02-phase.md'), phaseText(2, 'Bravo', [1]));
  await writeFile(join(dir, 'notes.md'), '# Notes\n');
  return { dir, indexDir: join(base, '.hypervisor', 'index') };
}

// File system timestamps are real time: a file younger than the index's racy window (100 ms) is never trusted from
// its stamp, so each test lets its files age past it before the load that indexes them.
const ageFiles = (): Promise<void> => sleep(250);

/** Loads with the index twice (the second load trusts it) and checks that it is the plan a load without one gives. */
async function indexed(dir: string, indexDir: string): Promise<Plan> {
  await ageFiles();
  const first = await loadPlan(dir, { indexDir });
  const second = await loadPlan(dir, { indexDir });
  expect(second).toEqual(first);
  return second;
}

const titles = (plan: Plan): string[] => plan.phases.map((phase) => `${phase.id} ${phase.title} ${phase.file ?? ''}`);

async function indexFile(indexDir: string): Promise<string> {
  const [name] = (await readdir(indexDir)).filter((entry) => entry.startsWith('plan-'));
  return join(indexDir, name as string);
}

describe('loadPlan with an index', () => {
  it('gives the same plan as a load without one, and keeps the index in the folder it is given', async () => {
    const { dir, indexDir } = await writePlan();

    const plan = await indexed(dir, indexDir);

    expect(plan).toEqual(await loadPlan(dir));
    expect(await readdir(indexDir)).toEqual([expect.stringMatching(/^plan-[0-9a-f]{16}\.idx$/)]);
  });

  it('reads a file edited to the same size within the same mtime second again', async () => {
    const { dir, indexDir } = await writePlan();
    const file = join(dir, '01-phase.md');
    const second = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000);
    await utimes(file, second, second);
    await indexed(dir, indexDir);

    await writeFile(file, phaseText(1, 'Alfa!'));
    await utimes(file, second, second);
    const plan = await loadPlan(dir, { indexDir });

    expect(titles(plan)).toEqual(['1 Alfa! 01-phase.md', '2 Bravo 02-phase.md']);
    expect(plan).toEqual(await loadPlan(dir));
  });

  it('reads a file again when its size or its mtime changed', async () => {
    const { dir, indexDir } = await writePlan();
    await indexed(dir, indexDir);

    await writeFile(join(dir, '01-phase.md'), phaseText(1, 'A longer title'));
    await writeFile(join(dir, '02-phase.md'), phaseText(2, 'Bravo'));
    const later = new Date(Date.now() + 60_000);
    await utimes(join(dir, '02-phase.md'), later, later);
    const plan = await loadPlan(dir, { indexDir });

    expect(titles(plan)).toEqual(['1 A longer title 01-phase.md', '2 Bravo 02-phase.md']);
    expect(plan.byId.get(2)?.dependsOn).toEqual([]);
  });

  it('sees phase files deleted, added and renamed', async () => {
    const { dir, indexDir } = await writePlan();
    await indexed(dir, indexDir);

    await unlink(join(dir, '02-phase.md'));
    await writeFile(join(dir, '03-phase.md'), phaseText(3, 'Charlie', [1]));
    await rename(join(dir, '01-phase.md'), join(dir, '10-phase.md'));
    const plan = await loadPlan(dir, { indexDir });

    expect(titles(plan)).toEqual(['1 Alpha 10-phase.md', '3 Charlie 03-phase.md']);
  });

  it('tells the problems of a broken file on every load, and reads it again once it is fixed', async () => {
    const { dir, indexDir } = await writePlan();
    await writeFile(join(dir, '02-phase.md'), '---\nphase: 2\ntitle: [unclosed\n---\n');
    await ageFiles();

    await expect(loadPlan(dir, { indexDir })).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'malformed_yaml', file: '02-phase.md' })] });
    await expect(loadPlan(dir, { indexDir })).rejects.toMatchObject({ problems: [expect.objectContaining({ code: 'malformed_yaml', file: '02-phase.md' })] });
    await writeFile(join(dir, '02-phase.md'), phaseText(2, 'Fixed'));
    expect(titles(await loadPlan(dir, { indexDir }))).toEqual(['1 Alpha 01-phase.md', '2 Fixed 02-phase.md']);
  });

  it('works as before once the index folder is deleted, and writes it again', async () => {
    const { dir, indexDir } = await writePlan();
    const plan = await indexed(dir, indexDir);

    await rm(indexDir, { recursive: true });
    expect(await loadPlan(dir, { indexDir })).toEqual(plan);
    expect(await readdir(indexDir)).toHaveLength(1);
  });

  it('loads the plan as without an index when the index folder cannot be written', async () => {
    const { dir, indexDir } = await writePlan();
    await mkdir(join(indexDir, '..'), { recursive: true });
    await writeFile(indexDir, 'a file where the folder should be');
    await ageFiles();

    expect(await loadPlan(dir, { indexDir })).toEqual(await loadPlan(dir));
    expect(await readFile(indexDir, 'utf8')).toBe('a file where the folder should be');
  });

  describe('ignores an index that cannot be trusted', () => {
    const cases: readonly [string, (bytes: Buffer) => Buffer][] = [
      ['truncated', (bytes) => bytes.subarray(0, Math.floor(bytes.length / 2))],
      ['empty', () => Buffer.alloc(0)],
      ['garbage', (bytes) => Buffer.from(bytes.map((byte, at) => (at * 7919 + byte) % 256))],
      ['one byte of its content changed', (bytes) => Buffer.from(bytes.map((byte, at) => (at === bytes.length - 3 ? byte ^ 0xff : byte)))],
    ];

    it.each(cases)('%s: the plan is read from the files', async (_name, spoil) => {
      const { dir, indexDir } = await writePlan();
      await indexed(dir, indexDir);
      const path = await indexFile(indexDir);
      await writeFile(join(dir, '01-phase.md'), phaseText(1, 'Edited'));

      await writeFile(path, spoil(await readFile(path)));
      const plan = await loadPlan(dir, { indexDir });

      expect(titles(plan)).toEqual(['1 Edited 01-phase.md', '2 Bravo 02-phase.md']);
      expect(plan).toEqual(await loadPlan(dir));
    });

    it('of another version, even when its stamps match the files', async () => {
      const { dir, indexDir } = await writePlan();
      await indexed(dir, indexDir);
      const path = await indexFile(indexDir);
      const { deserialize } = await import('node:v8');
      const bytes = await readFile(path);
      // The layout the index is written in: a magic line, the SHA-256 of the rest, then V8's serialization.
      const payload = deserialize(bytes.subarray(38)) as { version: string; entries: Map<string, { stamp: unknown; value: { title: string } }> };
      for (const entry of payload.entries.values()) entry.value = { ...entry.value, title: 'from an older hypervisor' };
      const body = serialize({ ...payload, version: `0:${payload.version}` });
      await writeFile(path, Buffer.concat([bytes.subarray(0, 6), createHash('sha256').update(body).digest(), body]));

      expect(titles(await loadPlan(dir, { indexDir }))).toEqual(['1 Alpha 01-phase.md', '2 Bravo 02-phase.md']);
    });
  });
});
