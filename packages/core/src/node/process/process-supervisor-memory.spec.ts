import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lastValueFrom, reduce, tap } from 'rxjs';
import { nodeScript, scratchDir } from './__fixtures__/processes.js';
import { createProcessSupervisor } from './process-supervisor.js';

const MIB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(cleanups.map((cleanup) => cleanup())));

describe('createProcessSupervisor memory', () => {
  it(
    'pipes 200 MB of output into the log while its own memory stays bounded',
    async () => {
      const { dir, cleanup } = await scratchDir();
      cleanups.push(cleanup);
      const logFile = join(dir, 'flood.log');
      const supervisor = createProcessSupervisor();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const totals = await lastValueFrom(
        supervisor.run(nodeScript('flood.mjs', ['200']), { signal: new AbortController().signal, logFile, logHeader: '=== flood ===' }).pipe(
          // Only counts: keeping the events would measure the test, not the supervisor.
          reduce(
            (sum, event) => (event.type === 'output' ? { ...sum, chars: sum.chars + event.text.length, broken: sum.broken || event.text.includes('\uFFFD') } : { ...sum, tail: event.result.stdoutTail.length }),
            { chars: 0, broken: false, tail: 0 },
          ),
        ),
      );
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      expect(peak - before).toBeLessThan(100 * MIB);
      expect(totals.broken).toBe(false);
      expect(totals.tail).toBe(65_536);
      const unit = 'ab é € 😀 xyz\n';
      const units = Math.floor(MIB / Buffer.byteLength(unit));
      expect(totals.chars).toBe(200 * (units * unit.length + MIB - units * Buffer.byteLength(unit)));
      const { size } = await stat(logFile);
      expect(size).toBe(200 * MIB + '=== flood ===\n--- stdout ---\n'.length + 1);
    },
    120_000,
  );

  it(
    'pauses the process while its log cannot keep up, so unwritten output never piles up',
    async () => {
      const { dir, cleanup } = await scratchDir();
      cleanups.push(cleanup);
      // A FIFO as the log: it takes output only as fast as this test reads it.
      const logFile = join(dir, 'slow.log');
      await promisify(execFile)('mkfifo', [logFile]);
      let emitted = 0;
      let read = 0;
      let widestGap = 0;
      const reader = (async () => {
        for await (const chunk of createReadStream(logFile, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
          read += chunk.length;
          widestGap = Math.max(widestGap, emitted - read);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      })();
      const supervisor = createProcessSupervisor();
      const events = supervisor.run(nodeScript('flood.mjs', ['48']), { signal: new AbortController().signal, logFile });
      const result = await lastValueFrom(events.pipe(tap((event) => (emitted += event.type === 'output' ? Buffer.byteLength(event.text) : 0))));
      await reader;
      expect(result.type === 'exit' && result.result.exitCode).toBe(0);
      expect(read).toBeGreaterThan(48 * MIB);
      expect(widestGap).toBeLessThan(8 * MIB);
    },
    120_000,
  );
});
