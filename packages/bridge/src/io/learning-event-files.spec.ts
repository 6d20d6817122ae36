import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phaseStart, runEvents } from '../__fixtures__/events.js';
import type { BridgeError } from '../errors.js';
import { formatLearningEventsJsonl } from '../jsonl.js';
import type { LearningEvent } from '../learning-event.js';
import { readLearningEvents, writeLearningEventsJsonl } from './learning-event-files.js';
import { rejectionOf } from '../__fixtures__/rejection.js';

const good = JSON.stringify(phaseStart);
let dir: string;
let fileCount = 0;
const freshPath = (name = 'events.jsonl'): string => join(dir, `${(fileCount += 1)}`, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-files-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(text: string): Promise<string> {
  const path = freshPath();
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  return path;
}

describe('readLearningEvents', () => {
  it.each<[string, string, number]>([
    ['lines ending in LF', `${good}\n${good}\n`, 2],
    ['CRLF line ends and a last line without one', `${good}\r\n${good}\r\n${good}`, 3],
    ['a byte order mark and blank lines', `\uFEFF${good}\n\n  \n${good}\n`, 2],
    ['an empty file', '', 0],
  ])('reads %s', async (_name, text, count) => {
    const events = await readLearningEvents(await fileWith(text));
    expect(events).toHaveLength(count);
    for (const event of events) expect(event).toEqual(phaseStart);
  });

  it('reads a file longer than one read chunk', async () => {
    const many = Array.from({ length: 3_000 }, (_, index): LearningEvent => ({ ...phaseStart, phase_id: index }));
    const events = await readLearningEvents(await fileWith(formatLearningEventsJsonl(many)));
    expect(events.map((event) => event.phase_id)).toEqual(many.map((event) => event.phase_id));
  });

  it('names the file and the line of the first bad line', async () => {
    const path = await fileWith(`${good}\n\n${good.slice(0, 30)}\n${good}\n`);
    const error = await rejectionOf(readLearningEvents(path));
    expect(error.code).toBe('invalid_json_line');
    expect(error.context).toEqual({ source: path, line: 3 });
    expect(error.message.startsWith(`${path}:3: invalid JSON: `)).toBe(true);
  });

  it('hands each bad line to onInvalidLine and reads on', async () => {
    const path = await fileWith(`${good}\nnot json\n${JSON.stringify({ ...phaseStart, phase_id: -1.5 })}\n${good}\n{"torn":`);
    const bad: BridgeError[] = [];
    const events = await readLearningEvents(path, { onInvalidLine: (error) => bad.push(error) });
    expect(events).toHaveLength(2);
    expect(bad.map((error) => [error.code, error.context.line])).toEqual([
      ['invalid_json_line', 2],
      ['invalid_event_line', 3],
      ['invalid_json_line', 5],
    ]);
  });

  it('lets an error thrown by onInvalidLine through', async () => {
    const stop = new Error('stop');
    const path = await fileWith('not json\n');
    await expect(
      readLearningEvents(path, {
        onInvalidLine: () => {
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
  });

  it('reports a missing file as not_found and a folder as io_error', async () => {
    const missing = join(dir, 'missing.jsonl');
    const notFound = await rejectionOf(readLearningEvents(missing));
    expect(notFound.code).toBe('not_found');
    expect(notFound.message).toBe(`${missing}: no such learning events file`);
    expect(notFound.context.path).toBe(missing);
    const folder = await rejectionOf(readLearningEvents(dir));
    expect(folder.code).toBe('io_error');
    expect(folder.message.startsWith(`${dir}: cannot read the learning events file (`)).toBe(true);
    expect(folder.cause).toMatchObject({ code: 'EISDIR' });
  });
});

describe('writeLearningEventsJsonl', () => {
  it('writes the events, creating folders, and reads back to equal events', async () => {
    const path = freshPath();
    expect(await writeLearningEventsJsonl(path, runEvents)).toEqual({ path, count: runEvents.length });
    expect(await readFile(path, 'utf8')).toBe(formatLearningEventsJsonl(runEvents));
    expect(await readLearningEvents(path)).toEqual(runEvents);
  });

  it('replaces the file atomically, leaving no temporary file', async () => {
    const path = freshPath();
    await writeLearningEventsJsonl(path, runEvents);
    await writeLearningEventsJsonl(path, [phaseStart]);
    expect(await readLearningEvents(path)).toEqual([phaseStart]);
    expect(await readdir(join(path, '..'))).toEqual(['events.jsonl']);
  });

  it('writes an empty file for no events when replacing', async () => {
    const path = freshPath();
    expect(await writeLearningEventsJsonl(path, [])).toEqual({ path, count: 0 });
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('appends: each append grows the file by whole lines', async () => {
    const path = freshPath();
    await writeLearningEventsJsonl(path, runEvents, { append: true });
    await writeLearningEventsJsonl(path, runEvents, { append: true });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(formatLearningEventsJsonl(runEvents).repeat(2));
    expect(text.endsWith('\n')).toBe(true);
    expect(await readLearningEvents(path)).toEqual([...runEvents, ...runEvents]);
  });

  it('starts on a new line when the file ends inside a line, so the new lines stay whole', async () => {
    const path = await fileWith(`${good}\n{"event_type":"phase_st`);
    await writeLearningEventsJsonl(path, [phaseStart], { append: true });
    expect(await readFile(path, 'utf8')).toBe(`${good}\n{"event_type":"phase_st\n${formatLearningEventsJsonl([phaseStart])}`);
    const bad: BridgeError[] = [];
    expect(await readLearningEvents(path, { onInvalidLine: (error) => bad.push(error) })).toEqual([phaseStart, phaseStart]);
    expect(bad.map((error) => error.context.line)).toEqual([2]);
  });

  it('appends to an empty file without a leading blank line', async () => {
    const path = await fileWith('');
    await writeLearningEventsJsonl(path, [phaseStart], { append: true });
    expect(await readFile(path, 'utf8')).toBe(`${good}\n`);
  });

  it('leaves the file untouched when appending no events', async () => {
    const path = freshPath();
    expect(await writeLearningEventsJsonl(path, [], { append: true })).toEqual({ path, count: 0 });
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes nothing when an event is invalid', async () => {
    const path = freshPath();
    const error = await rejectionOf(writeLearningEventsJsonl(path, [phaseStart, { ...phaseStart, duration_ms: -1 }], { append: true }));
    expect(error.code).toBe('invalid_event');
    expect(error.context.index).toBe(1);
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([false, true])('reports io_error naming the file when it cannot be written (append: %s)', async (append) => {
    const parent = await fileWith('a file, not a folder');
    const path = join(parent, 'events.jsonl');
    const error = await rejectionOf(writeLearningEventsJsonl(path, [phaseStart], { append }));
    expect(error.code).toBe('io_error');
    expect(error.context.path).toBe(path);
    expect(error.message.startsWith(`${path}: cannot ${append ? 'append to' : 'write'} the learning events file (`)).toBe(true);
  });

  it('leaves no temporary file behind when the replacing rename fails', async () => {
    const parent = join(dir, 'rename-fails');
    const folder = join(parent, 'events.jsonl');
    await mkdir(folder, { recursive: true });
    const error = await rejectionOf(writeLearningEventsJsonl(folder, [phaseStart]));
    expect(error.code).toBe('io_error');
    expect(await readdir(parent)).toEqual(['events.jsonl']);
  });

  it('reports io_error when the file to append to cannot be read', async () => {
    const folder = join(dir, 'a-folder.jsonl');
    await mkdir(folder, { recursive: true });
    const error = await rejectionOf(writeLearningEventsJsonl(folder, [phaseStart], { append: true }));
    expect(error.code).toBe('io_error');
  });
});
