import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { learningRecordSchema } from './learning-record.js';
import type { LearningRecord } from './learning-record.js';
import { createJsonlRlmSink } from './rlm-sink.js';
import { rejectionOf } from '../__fixtures__/rejection.js';

const record = (phase_id: number): LearningRecord => ({
  state: { phase_id, attempt: 1, consecutive_failures: 0, status: 'queued' },
  action: 'run',
  reward: 0.75,
  next_state: { phase_id, attempt: 1, consecutive_failures: 0, status: 'success' },
  timestamp: '2026-03-01T03:31:00.000Z',
  metadata: { run_id: 'r-1', duration_ms: 60_000 },
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-sink-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createJsonlRlmSink', () => {
  it('appends one line per record, in call order, even when called without waiting', async () => {
    const path = join(dir, 'nested', 'rlm.jsonl');
    const sink = createJsonlRlmSink(path);
    await Promise.all([1, 2, 3, 4, 5].map((id) => sink.write(record(id))));
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => learningRecordSchema.parse(JSON.parse(line)).state.phase_id)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toBe(
      '{"state":{"phase_id":1,"attempt":1,"consecutive_failures":0,"status":"queued"},"action":"run","reward":0.75,' +
        '"next_state":{"phase_id":1,"attempt":1,"consecutive_failures":0,"status":"success"},' +
        '"timestamp":"2026-03-01T03:31:00.000Z","metadata":{"run_id":"r-1","duration_ms":60000}}',
    );
  });

  it('starts on a new line when the file ends inside a line', async () => {
    const path = join(dir, 'torn.jsonl');
    await writeFile(path, '{"state":');
    await createJsonlRlmSink(path).write(record(1));
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
  });

  it.each<[string, unknown, string]>([
    ['a non-finite reward', { ...record(1), reward: Number.POSITIVE_INFINITY }, 'reward'],
    ['an unknown action', { ...record(1), action: 'skip' }, 'action'],
    ['a state with an extra key', { ...record(1), state: { ...record(1).state, mood: 'good' } }, 'state'],
    ['a local timestamp', { ...record(1), timestamp: '2026-03-01T03:31:00' }, 'timestamp'],
  ])('rejects %s with invalid_record and writes nothing', async (_name, bad, path) => {
    const file = join(dir, `invalid-${path}.jsonl`);
    const error = await rejectionOf(createJsonlRlmSink(file).write(bad as LearningRecord));
    expect(error.code).toBe('invalid_record');
    expect(error.context.issues?.[0]?.path.startsWith(path)).toBe(true);
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports io_error naming the file, and goes on with the next record', async () => {
    const parent = join(dir, 'not-a-folder');
    await writeFile(parent, 'x');
    const path = join(parent, 'rlm.jsonl');
    const sink = createJsonlRlmSink(path);
    const first = sink.write(record(1));
    const second = sink.write(record(2));
    const error = await rejectionOf(first);
    expect(error.code).toBe('io_error');
    expect(error.message.startsWith(`${path}: cannot append to the RLM records file (`)).toBe(true);
    expect((await rejectionOf(second)).code).toBe('io_error');
  });
});
