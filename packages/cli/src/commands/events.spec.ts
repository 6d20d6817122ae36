import { afterAll, describe, expect, it } from '@jest/globals';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLearningEvents } from '@kazuba/bridge';
import { readCheckpoint } from '@kazuba/toon';
import { FIXTURES, removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';

const EVENTS = join(FIXTURES, 'learning.jsonl');
const TORN = join(FIXTURES, 'learning-torn.jsonl');

afterAll(removeScratchDirs);

describe('hypervisor events stats', () => {
  it('counts what the learning events record', async () => {
    const result = await runCaptured(['events', 'stats', '--events', EVENTS]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        `Learning events in ${EVENTS}: 11 events`,
        '  attempts started  3',
        '  phases succeeded  2',
        '  phases partial    0',
        '  phases failed     1',
        '  retries           1 (1 waiting for a rate limit)',
        '  phases skipped    1',
        '  phases cancelled  1',
        '  phase duration    mean 2s, median 2s, p95 3s',
        '  agent cost        $0.7500',
        '',
      ].join('\n'),
    });
  });

  it('prints the figures as JSON with --json', async () => {
    const result = await runCaptured(['events', 'stats', '--events', EVENTS, '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      file: EVENTS,
      invalidLines: 0,
      events: 11,
      started: 3,
      succeeded: 2,
      partial: 0,
      failed: 1,
      retried: 1,
      rateLimited: 1,
      skipped: 1,
      cancelled: 1,
      durationMs: { mean: 2000, median: 2000, p95: 3000 },
      totalCostUsd: 0.75,
      byModel: {},
    });
  });

  it('shows the attempts, turns and cost of each model', async () => {
    const dir = await scratchDir();
    const line = (event_type: string, model: string, turns: number, cost_usd: number): string =>
      JSON.stringify({ event_type, phase_id: 1, duration_ms: 1000, success: event_type === 'phase_end', metadata: { model, turns, cost_usd }, timestamp: '2026-12-03T10:00:00.000Z' });
    await writeFile(join(dir, 'models.jsonl'), `${[line('phase_retry', 'claude-opus-5', 9, 1.5), line('phase_end', 'claude-opus-5', 4, 0.5)].join('\n')}\n`);
    const result = await runCaptured(['events', 'stats', '--events', join(dir, 'models.jsonl')]);
    expect(result.stdout).toContain('  model claude-opus-5  2 attempts, 13 turns, $2.0000\n');
  });

  it('skips lines that are not learning events, saying which on stderr', async () => {
    const result = await runCaptured(['events', 'stats', '--events', TORN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Learning events in .*learning-torn\.jsonl: 5 events, 2 invalid lines skipped\n/);
    expect(result.stdout).toContain('  retries           0\n');
    expect(result.stdout).toContain('  phase duration    mean 1s, median 1s, p95 1s\n');
    const warnings = result.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning: .*learning-torn\.jsonl:4: invalid JSON: .* \(line skipped\)$/);
    expect(warnings[1]).toMatch(/^warning: .*learning-torn\.jsonl:5: invalid learning event: event_type: .* \(line skipped\)$/);
  });

  it('says "1 invalid line" for one', async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, 'one.jsonl'), `${(await readFile(EVENTS, 'utf8')).split('\n')[0] ?? ''}\nnot json\n`);
    const result = await runCaptured(['events', 'stats', '--events', 'one.jsonl'], dir);
    expect(result.stdout).toContain(': 1 event, 1 invalid line skipped\n');
    expect(result.stdout).toContain('  phase duration    mean -, median -, p95 -\n');
  });

  it('fails on the first bad line with --strict, exit 2, in one line', async () => {
    const result = await runCaptured(['events', 'stats', '--events', TORN, '--strict']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^hypervisor: .*learning-torn\.jsonl:4: invalid JSON: [^\n]*\n$/);
  });

  it('reads <root>/.hypervisor/learning.jsonl by default, where runs append', async () => {
    const root = await scratchDir();
    await mkdir(join(root, '.hypervisor'));
    await copyFile(EVENTS, join(root, '.hypervisor', 'learning.jsonl'));
    const inCwd = await runCaptured(['events', 'stats', '--json'], root);
    expect(JSON.parse(inCwd.stdout)).toMatchObject({ file: join(root, '.hypervisor', 'learning.jsonl'), events: 11 });
    const withRoot = await runCaptured(['events', 'stats', '--json', '--root', root]);
    expect(JSON.parse(withRoot.stdout)).toMatchObject({ events: 11 });
  });

  it('exits 2 naming the file, with a hint, when there is no events file', async () => {
    const root = await scratchDir();
    const byDefault = await runCaptured(['events', 'stats', '--root', root]);
    expect(byDefault).toEqual({
      code: 2,
      stdout: '',
      stderr: `hypervisor: ${join(root, '.hypervisor', 'learning.jsonl')}: no such learning events file; \`hypervisor run\` appends to it, or pass --events <file>\n`,
    });
    const named = await runCaptured(['events', 'stats', '--events', join(root, 'nope.jsonl')]);
    expect(named).toEqual({ code: 2, stdout: '', stderr: `hypervisor: ${join(root, 'nope.jsonl')}: no such learning events file\n` });
  });
});

describe('hypervisor events export', () => {
  it('writes the events as a TOON table', async () => {
    const dir = await scratchDir();
    const out = join(dir, 'exports', 'events.toon');
    const result = await runCaptured(['events', 'export', '--to', 'toon', out, '--events', EVENTS]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^${EVENTS} -> ${out}: 11 events as a TOON table \\(\\d+ bytes\\)\\n$`));
    const { format, value } = await readCheckpoint(out);
    expect(format).toBe('toon');
    const rows = (value as { events: Record<string, unknown>[] }).events;
    expect(rows).toHaveLength(11);
    expect(rows[5]).toMatchObject({ event_type: 'phase_retry', phase_id: 2, attempt: 2, extra: '{"rate_limited":true}' });
  });

  it('writes the valid events as JSONL, relative to the working directory', async () => {
    const dir = await scratchDir();
    const result = await runCaptured(['events', 'export', 'clean.jsonl', '--to', 'jsonl', '--events', TORN], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('(line skipped)\n');
    expect(result.stderr).toContain(`-> ${join(dir, 'clean.jsonl')}: 5 events as JSONL\n`);
    const events = await readLearningEvents(join(dir, 'clean.jsonl'));
    expect(events.map((event) => event.event_type)).toEqual(['run_start', 'phase_start', 'phase_end', 'phase_skipped', 'run_end']);
  });

  it('needs --to, and only toon or jsonl', async () => {
    const missing = await runCaptured(['events', 'export', 'out.toon', '--events', EVENTS]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--to <format>' not specified");
    const wrong = await runCaptured(['events', 'export', 'out.csv', '--to', 'csv', '--events', EVENTS]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Allowed choices are toon, jsonl');
  });

  it('lists both subcommands in --help', async () => {
    const result = await runCaptured(['events', '--help']);
    expect(result.stdout).toContain('stats [options]');
    expect(result.stdout).toContain('export [options] <out>');
  });
});
