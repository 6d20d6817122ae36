import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCoreError } from '../../core-error.js';
import { collect, nodeScript, scratchDir, watch } from './__fixtures__/processes.js';
import { createProcessSupervisor } from './process-supervisor.js';
import type { ProcessOptions } from './process-types.js';

const supervisor = createProcessSupervisor();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  await supervisor.shutdown();
  await Promise.all(cleanups.map((cleanup) => cleanup()));
});

async function scratch(): Promise<string> {
  const { dir, cleanup } = await scratchDir();
  cleanups.push(cleanup);
  return dir;
}

const options = (extra: Partial<ProcessOptions> = {}): ProcessOptions => ({ signal: new AbortController().signal, ...extra });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The log's output lines per stream, and the sequence of its marker lines. */
function parseLog(log: string): { header: string; markers: string[]; lines: Record<'stdout' | 'stderr', string[]> } {
  const [header = '', ...rest] = log.split('\n');
  const markers: string[] = [];
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  let current: 'stdout' | 'stderr' | undefined;
  for (const line of rest.slice(0, -1)) {
    const marker = /^--- (stdout|stderr) ---$/.exec(line)?.[1] as 'stdout' | 'stderr' | undefined;
    if (marker !== undefined) markers.push((current = marker));
    else if (current === undefined) throw new Error(`output before any marker: ${line}`);
    else lines[current].push(line);
  }
  return { header, markers, lines };
}

describe('createProcessSupervisor', () => {
  it('passes every argument untouched, never through a shell', async () => {
    const args = [`he said "hi", it's`, '$(id)', '`id`', 'a; echo pwned', 'line one\nline two', '  spaced  ', '', '*', '$HOME', '\\', 'ünï 😀 €'];
    const { stdout, result } = await collect(supervisor.run(nodeScript('print-argv.mjs', args), options()));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual(args);
  });

  it('runs in the given working directory with exactly the given environment', async () => {
    const cwd = await scratch();
    const env = { KAZUBA_ONLY: 'yes', PATH: process.env['PATH'] ?? '/usr/bin' };
    const { stdout } = await collect(supervisor.run(nodeScript('print-env.mjs', [], { cwd, env }), options()));
    expect(JSON.parse(stdout)).toEqual({ cwd, env });
  });

  it('writes the stdin text and then closes stdin', async () => {
    const text = `${'ünï 😀 line\n'.repeat(20_000)}the end`;
    const { stdout } = await collect(supervisor.run(nodeScript('count-stdin.mjs', [], { stdin: text }), options()));
    expect(JSON.parse(stdout)).toEqual({ chars: text.length, end: text.slice(-20) });
  });

  it('gives a process without stdin text an empty stdin that is already closed', async () => {
    const { stdout } = await collect(supervisor.run(nodeScript('count-stdin.mjs'), options()));
    expect(JSON.parse(stdout)).toEqual({ chars: 0, end: '' });
  });

  it('streams output in chunks of at most chunkChars without splitting a character', async () => {
    const { events, stdout } = await collect(supervisor.run(nodeScript('flood.mjs', ['1']), options({ chunkChars: 7 })));
    const chunks = events.flatMap((event) => (event.type === 'output' ? [event.text] : []));
    expect(chunks.length).toBeGreaterThan(100_000);
    expect(chunks.every((chunk) => chunk.length <= 7 && !LONE_SURROGATE.test(chunk))).toBe(true);
    expect(stdout).not.toContain('\uFFFD');
    expect(Buffer.byteLength(stdout)).toBe(1024 * 1024);
  });

  it('decodes a character whose bytes arrive in separate reads', async () => {
    const steps = ['outhex:c3', 'sleep:50', 'outhex:a9f0', 'sleep:50', 'outhex:9f98', 'sleep:50', 'outhex:80'];
    const { stdout, result } = await collect(supervisor.run(nodeScript('script.mjs', steps), options()));
    expect(stdout).toBe('é😀');
    expect(result.stdoutTail).toBe('é😀');
  });

  it('keeps only the last tailChars of each stream', async () => {
    const { stdout, result } = await collect(supervisor.run(nodeScript('flood.mjs', ['1']), options({ tailChars: 1000 })));
    expect(result.stdoutTail.length).toBeGreaterThan(990);
    expect(result.stdoutTail.length).toBeLessThanOrEqual(1000);
    expect(stdout.endsWith(result.stdoutTail)).toBe(true);
    expect(result.stderrTail).toBe('');
    const none = await collect(supervisor.run(nodeScript('script.mjs', ['out:a', 'err:b']), options({ tailChars: 0 })));
    expect(none.result).toMatchObject({ stdoutTail: '', stderrTail: '' });
  });

  it('logs the header, then both streams interleaved with a marker line at each switch', async () => {
    const logFile = join(await scratch(), 'runs', 'r1', 'phase-1.log');
    const steps = ['out:one\n', 'sleep:40', 'err:two', 'sleep:40', 'out:three\n', 'sleep:40', 'err:four\n', 'sleep:40', 'out:five'];
    const { result } = await collect(supervisor.run(nodeScript('script.mjs', steps), options({ logFile, logHeader: '=== phase 1 ===' })));
    expect(result).toMatchObject({ stdoutTail: 'one\nthree\nfive', stderrTail: 'twofour\n' });
    const log = await readFile(logFile, 'utf8');
    const { header, markers, lines } = parseLog(log);
    expect(header).toBe('=== phase 1 ===');
    expect(lines.stdout.join('\n')).toBe('one\nthree\nfive');
    expect(lines.stderr).toEqual(['two', 'four']);
    expect(markers.length).toBeGreaterThanOrEqual(2);
    expect(markers.every((marker, index) => marker !== markers[index - 1])).toBe(true);
    expect(log.endsWith('five\n')).toBe(true);
  });

  it('appends to an existing log', async () => {
    const logFile = join(await scratch(), 'phase-2.log');
    await writeFile(logFile, 'before\n');
    await collect(supervisor.run(nodeScript('script.mjs', ['out:again\n']), options({ logFile, logHeader: '=== attempt 2 ===\n' })));
    expect(await readFile(logFile, 'utf8')).toBe('before\n=== attempt 2 ===\n--- stdout ---\nagain\n');
  });

  it.each([
    { steps: ['exit:0'], expected: { exitCode: 0, signal: null } },
    { steps: ['err:bad\n', 'exit:3'], expected: { exitCode: 3, signal: null, stderrTail: 'bad\n' } },
    { steps: ['kill:SIGTERM'], expected: { exitCode: null, signal: 'SIGTERM' } },
    { steps: ['kill:SIGKILL'], expected: { exitCode: null, signal: 'SIGKILL' } },
  ])('reports how a process ended by itself: $steps', async ({ steps, expected }) => {
    const { result } = await collect(supervisor.run(nodeScript('script.mjs', steps), options()));
    expect(result).toMatchObject({ ...expected, stopped: false });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('fails with an error naming the command when the process cannot start, and logs why', async () => {
    const logFile = join(await scratch(), 'missing.log');
    const spec = { ...nodeScript('print-argv.mjs'), command: 'kazuba-no-such-command' };
    const error: unknown = await collect(supervisor.run(spec, options({ logFile }))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('cannot start kazuba-no-such-command: spawn kazuba-no-such-command ENOENT');
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(await readFile(logFile, 'utf8')).toBe('--- cannot start kazuba-no-such-command: spawn kazuba-no-such-command ENOENT ---\n');
    expect(supervisor.live).toBe(0);
  });

  it('fails with an error naming the command when an argument holds a NUL byte', async () => {
    const run = collect(supervisor.run(nodeScript('print-argv.mjs', ['a\0b']), options()));
    await expect(run).rejects.toThrow(`cannot start ${process.execPath}: Arguments cannot contain null bytes`);
  });

  it('fails without starting anything when the log cannot be opened', async () => {
    const file = join(await scratch(), 'a-file');
    await writeFile(file, '');
    const run = watch(supervisor.run(nodeScript('print-argv.mjs'), options({ logFile: join(file, 'x.log') })));
    await expect(run.result).rejects.toThrow(`cannot open log file ${join(file, 'x.log')}: `);
    expect(supervisor.live).toBe(0);
  });

  it('stops the process and fails when the log cannot be written', async () => {
    const logFile = '/dev/full';
    if (!existsSync(logFile)) return;
    const run = collect(supervisor.run(nodeScript('flood.mjs', ['64']), options({ logFile, killGraceMs: 300 })));
    await expect(run).rejects.toThrow('cannot write log file /dev/full: ENOSPC');
    expect(supervisor.live).toBe(0);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const logFile = join(await scratch(), 'never.log');
    const { events, result } = await collect(supervisor.run(nodeScript('print-argv.mjs'), options({ signal: AbortSignal.abort(), logFile })));
    expect(events).toHaveLength(1);
    expect(result).toEqual({ exitCode: null, signal: null, stopped: true, stdoutTail: '', stderrTail: '', durationMs: 0 });
    expect(existsSync(logFile)).toBe(false);
  });

  it.each([
    [{ chunkChars: 0 }, 'chunkChars'],
    [{ tailChars: -1 }, 'tailChars'],
    [{ killGraceMs: Number.NaN }, 'killGraceMs'],
    [{ killGraceMs: 1.5, chunkChars: 2.5 }, 'killGraceMs: '],
    [{ logFile: '' }, 'logFile'],
  ])('rejects out-of-range options at once: %o', (extra, field) => {
    const attempt = (): unknown => supervisor.run(nodeScript('print-argv.mjs'), options(extra));
    expect(attempt).toThrow(field);
    try {
      attempt();
    } catch (error) {
      expect(isCoreError(error) && error.code).toBe('invalid_config');
    }
  });
});
