import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateHistory, historyPhases } from '../__fixtures__/history.js';
import type { BridgeError } from '../errors.js';
import { loadDurationHistory } from '../history/duration-history.js';
import type { EstimablePhase, PhaseEstimator } from '../history/phase-estimator.js';
import { readLearningEvents, writeLearningEventsJsonl } from '../io/learning-event-files.js';
import { formatLearningEventsJsonl } from '../jsonl.js';
import { compactLearningEvents } from './compact-learning-events.js';
import { compactLearningEventsFile } from './compact-learning-events-file.js';
import { rejectionOf } from '../__fixtures__/rejection.js';

const hints: PhaseEstimator<EstimablePhase, 'hint'> = { estimate: () => ({ durationMs: 600_000, source: 'hint' }) };
const history = generateHistory(120);
const historyText = formatLearningEventsJsonl(history);
/** A line torn by a writer that crashed, as in the CLI's torn-file fixture. */
const TORN = '{"event_type":"phase_end","phase_';

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bridge-compact-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A new folder holding `learning.jsonl` with the text. */
async function fileWith(text: string): Promise<string> {
  const folder = join(dir, String((count += 1)));
  await mkdir(folder);
  const path = join(folder, 'learning.jsonl');
  await writeFile(path, text);
  return path;
}

async function estimatesFrom(path: string): Promise<unknown[]> {
  const estimates: unknown[] = [];
  for (const plan of ['alpha', 'beta']) {
    const loaded = await loadDurationHistory(path, { plan, fallback: hints });
    for (const phase of historyPhases.filter((each) => each.plan === plan)) estimates.push([plan, phase, loaded.estimate(phase), loaded.samples(phase.id)]);
  }
  return estimates;
}

describe('compactLearningEventsFile', () => {
  it('replaces the file with the compacted events, leaving no temporary file, and says what it did', async () => {
    const path = await fileWith(historyText);
    const result = await compactLearningEventsFile(path, { keepRuns: 50 });
    const expected = compactLearningEvents(history, { keepRuns: 50 });
    expect(await readLearningEvents(path)).toEqual(expected);
    expect(await readFile(path, 'utf8')).toBe(formatLearningEventsJsonl(expected));
    expect(await readdir(join(path, '..'))).toEqual(['learning.jsonl']);
    expect(result).toEqual({
      path,
      rewritten: true,
      runs: 120,
      compactedRuns: 70,
      eventsBefore: history.length,
      eventsAfter: expected.length,
      compactedEvents: expected.filter((event) => event.metadata.compacted === true).length,
      invalidLines: 0,
      bytesBefore: Buffer.byteLength(historyText),
      bytesAfter: (await stat(path)).size,
    });
  });

  it('leaves the estimates a duration history loads from the file as they were', async () => {
    const path = await fileWith(historyText);
    const before = await estimatesFrom(path);
    await compactLearningEventsFile(path, { keepRuns: 3 });
    expect((await stat(path)).size).toBeLessThan(Buffer.byteLength(historyText) / 4);
    expect(await estimatesFrom(path)).toEqual(before);
  });

  it('leaves the file untouched while no run is past keepRuns, as after compacting it once', async () => {
    const path = await fileWith(historyText);
    const untouched = await stat(path);
    const result = await compactLearningEventsFile(path, { keepRuns: 120 });
    expect(result).toMatchObject({ rewritten: false, runs: 120, compactedRuns: 0, eventsAfter: history.length, compactedEvents: 0, bytesAfter: untouched.size });
    expect((await stat(path)).ino).toBe(untouched.ino);
    const once = await compactLearningEventsFile(path, { keepRuns: 50 });
    const again = await compactLearningEventsFile(path, { keepRuns: 50 });
    expect(again).toMatchObject({ rewritten: false, runs: 50, compactedRuns: 0, eventsBefore: once.eventsAfter, compactedEvents: once.compactedEvents });
  });

  it('with dryRun, tells what it would do and writes nothing', async () => {
    const path = await fileWith(historyText + TORN);
    const dry = await compactLearningEventsFile(path, { keepRuns: 50, dryRun: true });
    expect(await readFile(path, 'utf8')).toBe(historyText + TORN);
    expect(await readdir(join(path, '..'))).toEqual(['learning.jsonl']);
    expect({ ...dry, rewritten: true }).toEqual(await compactLearningEventsFile(path, { keepRuns: 50 }));
    expect(dry.rewritten).toBe(false);
  });

  it('fails on a torn line before writing anything, naming the file and line; with onInvalidLine, leaves it out', async () => {
    const lines = historyText.split('\n');
    const text = [...lines.slice(0, 3), TORN, '{"event_type":"lunch"}', ...lines.slice(3)].join('\n');
    const path = await fileWith(text);
    const error = await rejectionOf(compactLearningEventsFile(path, { keepRuns: 1 }));
    expect([error.code, error.context.source, error.context.line]).toEqual(['invalid_json_line', path, 4]);
    expect(await readFile(path, 'utf8')).toBe(text);
    const bad: BridgeError[] = [];
    const result = await compactLearningEventsFile(path, { keepRuns: 1, onInvalidLine: (invalid) => bad.push(invalid) });
    expect(bad.map((invalid) => [invalid.code, invalid.context.line])).toEqual([
      ['invalid_json_line', 4],
      ['invalid_event_line', 5],
    ]);
    expect(result.invalidLines).toBe(2);
    expect(await readLearningEvents(path)).toEqual(compactLearningEvents(history, { keepRuns: 1 }));
  });

  it('with nothing to compact, reads the lines as JSON only, and validates them all when one is no JSON event or there is something to do', async () => {
    const lines = historyText.trimEnd().split('\n');
    const runs = new Set(history.map((event) => event.metadata.run_id ?? '')).size;
    const badTimestamp = JSON.stringify({ ...history[0], timestamp: 'lunch time' });
    const unchecked = await fileWith(`${[badTimestamp, ...lines].join('\n')}\n`);
    const bad: BridgeError[] = [];
    const quiet = await compactLearningEventsFile(unchecked, { keepRuns: runs, onInvalidLine: (invalid) => bad.push(invalid) });
    expect([quiet.rewritten, quiet.runs, quiet.compactedRuns, quiet.eventsBefore, quiet.invalidLines, bad]).toEqual([false, runs, 0, history.length + 1, 0, []]);
    expect((await rejectionOf(compactLearningEventsFile(unchecked, { keepRuns: runs }))).context.line).toBe(1);
    for (const line of ['[1]', '{"event_type":"lunch","metadata":{}}', JSON.stringify({ ...history[0], metadata: { run_id: 7 } }), JSON.stringify({ ...history[0], phase_id: 'one' })]) {
      const checked = await fileWith(`${[...lines, line].join('\n')}\n`);
      const found: BridgeError[] = [];
      const result = await compactLearningEventsFile(checked, { keepRuns: runs, onInvalidLine: (invalid) => found.push(invalid) });
      expect([result.rewritten, result.invalidLines, found.map((invalid) => invalid.context.line)]).toEqual([false, 1, [lines.length + 1]]);
    }
  });

  it('keeps a last line without a line feed as it is, however long, and later appends start on a new line', async () => {
    const torn = `${TORN}${'x'.repeat(70_000)}`;
    const path = await fileWith(historyText + torn);
    await compactLearningEventsFile(path, { keepRuns: 1 });
    expect(await readFile(path, 'utf8')).toBe(formatLearningEventsJsonl(compactLearningEvents(history, { keepRuns: 1 })) + torn);
    const next = generateHistory(1, 3, 'next-');
    await writeLearningEventsJsonl(path, next, { append: true });
    const bad: BridgeError[] = [];
    const events = await readLearningEvents(path, { onInvalidLine: (invalid) => bad.push(invalid) });
    expect(events.slice(-next.length)).toEqual(next);
    expect(bad).toHaveLength(1);
  });

  it('writes CRLF lines back with LF and drops a byte order mark', async () => {
    const path = await fileWith(`\uFEFF${historyText.replaceAll('\n', '\r\n')}`);
    await compactLearningEventsFile(path, { keepRuns: 2 });
    expect(await readFile(path, 'utf8')).toBe(formatLearningEventsJsonl(compactLearningEvents(history, { keepRuns: 2 })));
  });

  it('keeps what another run appends while it compacts', async () => {
    const path = await fileWith(`${historyText}not json\n`);
    const appended = formatLearningEventsJsonl(generateHistory(1, 5, 'late-'));
    // The bad line is met while the file is read: another run appends its events then.
    await compactLearningEventsFile(path, { keepRuns: 1, onInvalidLine: () => appendFileSync(path, appended) });
    expect(await readFile(path, 'utf8')).toBe(formatLearningEventsJsonl(compactLearningEvents(history, { keepRuns: 1 })) + appended);
  });

  it('starts over on the new file when another process replaces the file meanwhile, and gives up after three tries', async () => {
    const path = await fileWith(`${historyText}not json\n`);
    const replacement = join(path, '..', 'other.jsonl');
    const newer = generateHistory(30, 11);
    writeFileSync(replacement, formatLearningEventsJsonl(newer));
    let calls = 0;
    await compactLearningEventsFile(path, { keepRuns: 10, onInvalidLine: () => (calls += 1) === 1 && renameSync(replacement, path) });
    expect(await readLearningEvents(path)).toEqual(compactLearningEvents(newer, { keepRuns: 10 }));

    const replaced = await fileWith(`${historyText}not json\n`);
    const error = await rejectionOf(
      compactLearningEventsFile(replaced, {
        keepRuns: 10,
        onInvalidLine: () => {
          writeFileSync(`${replaced}.new`, `${historyText}not json\n`);
          renameSync(`${replaced}.new`, replaced);
        },
      }),
    );
    expect([error.code, error.message]).toEqual(['io_error', `${replaced}: cannot compact the learning events file: another process kept replacing it`]);
    expect(await readFile(replaced, 'utf8')).toBe(`${historyText}not json\n`);
  });

  it('fails, writing nothing, when the file is deleted while it compacts', async () => {
    const path = await fileWith(`${historyText}not json\n`);
    const error = await rejectionOf(compactLearningEventsFile(path, { keepRuns: 1, onInvalidLine: () => rmSync(path) }));
    expect([error.code, error.message.startsWith(`${path}: cannot compact the learning events file (ENOENT`)]).toEqual(['io_error', true]);
    expect(await readdir(join(path, '..'))).toEqual([]);
  });

  it('reports a missing file as not_found, a folder as io_error, and bad options before reading', async () => {
    const missing = join(dir, 'missing.jsonl');
    expect((await rejectionOf(compactLearningEventsFile(missing))).code).toBe('not_found');
    const folder = await rejectionOf(compactLearningEventsFile(dir));
    expect([folder.code, folder.message]).toEqual(['io_error', `${dir}: cannot compact the learning events file (EISDIR: illegal operation on a directory, read)`]);
    expect((await rejectionOf(compactLearningEventsFile(missing, { keepRuns: 0 }))).code).toBe('invalid_options');
  });

  it('compacts an empty file to nothing', async () => {
    const path = await fileWith('');
    expect(await compactLearningEventsFile(path)).toMatchObject({ rewritten: false, runs: 0, eventsBefore: 0, bytesBefore: 0 });
  });
});
