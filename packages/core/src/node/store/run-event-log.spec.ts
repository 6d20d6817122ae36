import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { createRunEventLog } from './run-event-log.js';

const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));
afterEach(() => void jest.useRealTimers());

async function eventsPath(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'kazuba-event-log-'));
  roots.push(root);
  return join(root, 'runs', 'r', 'events.jsonl');
}

let seq = 0;
const base = (): { runId: string; seq: number; timestamp: number } => ({ runId: 'r', seq: seq++, timestamp: 1_000 + seq });
const started = (): HypervisorEvent => ({ ...base(), type: 'run:started', plan: 'p', phaseIds: [1], mode: 'sequential', maxWorkers: 1 });
const output = (): HypervisorEvent => ({ ...base(), type: 'phase:output', phaseId: 1, attempt: 1, stream: 'stdout', text: 'hello\n' });
const progress = (phaseId: number, turns: number): HypervisorEvent => ({ ...base(), type: 'phase:agent', phaseId, attempt: 1, turns });
const queued = (phaseId: number): HypervisorEvent => ({ ...base(), type: 'phase:queued', phaseId });

async function linesOf(path: string): Promise<unknown[]> {
  return (await readFile(path, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

describe('createRunEventLog', () => {
  it('writes every event but phase:output as one JSON line, as emitted, by close at the latest', async () => {
    const path = await eventsPath();
    const log = createRunEventLog(path);
    const events = [started(), output(), queued(1)];
    for (const event of events) log.observe(event);
    await log.close();
    expect(await readFile(path, 'utf8')).toBe(`${JSON.stringify(events[0])}\n${JSON.stringify(events[2])}\n`);
    log.observe(queued(2));
    await log.close();
    expect(await linesOf(path)).toHaveLength(2);
  });

  it('writes queued events flushIntervalMs after the first of them, not before', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const path = await eventsPath();
    const log = createRunEventLog(path, { flushIntervalMs: 100 });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 50; i += 1) await new Promise((resolve) => setImmediate(resolve));
    };
    log.observe(started());
    jest.advanceTimersByTime(60);
    log.observe(queued(1));
    jest.advanceTimersByTime(39);
    await settle();
    expect(existsSync(path)).toBe(false);
    jest.advanceTimersByTime(1);
    for (let i = 0; i < 200 && (!existsSync(path) || (await readFile(path, 'utf8')) === ''); i += 1) await settle();
    expect((await linesOf(path)).map((event) => (event as { type: string }).type)).toEqual(['run:started', 'phase:queued']);
    log.observe(queued(2));
    expect(jest.getTimerCount()).toBe(1);
    await log.close();
    expect(jest.getTimerCount()).toBe(0);
    expect(await linesOf(path)).toHaveLength(3);
  });

  it("coalesces the progress of one attempt queued within one interval to its latest, keeping other attempts' and the order", async () => {
    const path = await eventsPath();
    const log = createRunEventLog(path, { flushIntervalMs: 60_000 });
    const first = [progress(1, 1), progress(2, 1), queued(3), progress(1, 2), progress(1, 3)];
    for (const event of first) log.observe(event);
    await log.close();
    expect(await linesOf(path)).toEqual([first[1], first[2], first[4]]);
  });

  it('turns a write failure into one warning and goes on without the log', async () => {
    const path = await eventsPath();
    await mkdir(path, { recursive: true });
    const told: [string, unknown][] = [];
    const log = createRunEventLog(path, { flushIntervalMs: 1, onWriteFailure: (message, error) => told.push([message, error]) });
    log.observe(started());
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.observe(queued(1));
    await log.close();
    expect(told).toHaveLength(1);
    expect(told[0]?.[0]).toMatch(new RegExp(`^cannot write the run's events to ${path}: EISDIR: .*; the run goes on without them$`));
    expect((told[0]?.[1] as NodeJS.ErrnoException).code).toBe('EISDIR');
  });

  it('creates no file when no event came', async () => {
    const path = await eventsPath();
    const log = createRunEventLog(path);
    log.observe(output());
    await log.close();
    expect(existsSync(path)).toBe(false);
  });
});
