import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHypervisorV2Error } from '@kazuba/hypervisor-v2';
import { readRunEvents } from './read-run-events.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function rootWithEvents(text: string): Promise<{ root: string; path: string }> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-read-events-'));
  roots.push(root);
  const dir = join(root, '.hypervisor', 'runs', 'r');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'events.jsonl'), text);
  return { root, path: join(dir, 'events.jsonl') };
}

const started = { runId: 'r', seq: 0, timestamp: 1, type: 'run:started', plan: 'p', phaseIds: [1], mode: 'sequential', maxWorkers: 1 };
const queued = { runId: 'r', seq: 1, timestamp: 2, type: 'phase:queued', phaseId: 1 };
const line = (value: unknown): string => `${JSON.stringify(value)}\n`;

describe('readRunEvents', () => {
  it('reads every event, validated and frozen, in file order', async () => {
    const { root, path } = await rootWithEvents(line(started) + line(queued));
    const read = await readRunEvents(root, 'r');
    expect(read).toEqual({ path, events: [started, queued], torn: false });
    expect(Object.isFrozen(read?.events[0])).toBe(true);
  });

  it.each([
    ['half an event', line(started) + line(queued).slice(0, 20)],
    ['a whole event without its line break', line(started) + JSON.stringify(queued)],
  ])('leaves out a torn last line (%s) and says so', async (_name, text) => {
    const { root } = await rootWithEvents(text);
    expect(await readRunEvents(root, 'r')).toMatchObject({ events: [started], torn: true });
  });

  it.each([
    ['not JSON', line(started) + '{"runId":\n' + line(queued), 2, /:2: not a JSON line: /],
    ['an empty line', line(started) + '\n' + line(queued), 2, /:2: not a JSON line: /],
    ['an unknown event type', line({ ...queued, type: 'phase:exploded' }) + line(started), 1, /:1: invalid hypervisor event: type: /],
    ['a field of the wrong type', line(started) + line(queued) + line({ ...queued, phaseId: 'one' }) + line(queued), 3, /:3: invalid hypervisor event: phaseId: /],
  ])('names the file and line of any other bad line (%s)', async (_name, text, lineNumber, message) => {
    const { root, path } = await rootWithEvents(text);
    const error = await readRunEvents(root, 'r').catch((caught: unknown) => caught);
    expect(isHypervisorV2Error(error) && [error.code, error.context.source]).toEqual(['invalid_event', `${path}:${lineNumber}`]);
    expect((error as Error).message.startsWith(`${path}:${lineNumber}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('tells a run without an event log (undefined) from one that cannot be read (the fs error)', async () => {
    const { root } = await rootWithEvents('');
    expect(await readRunEvents(root, 'r')).toEqual({ path: expect.any(String), events: [], torn: false });
    expect(await readRunEvents(root, 'other')).toBeUndefined();
    await mkdir(join(root, '.hypervisor', 'runs', 'dir', 'events.jsonl'), { recursive: true });
    await expect(readRunEvents(root, 'dir')).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
