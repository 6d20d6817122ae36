import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { copyFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactLearningEvents, formatLearningEventsJsonl } from '@kazuba/bridge';
import type { LearningEvent } from '@kazuba/bridge';
import { BUILT_CLI, FIXTURES, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';

/** `runs` runs of plan `demo`, each with ten phases that succeed. */
function manyRuns(runs: number): LearningEvent[] {
  const events: LearningEvent[] = [];
  for (let run = 0; run < runs; run += 1) {
    const context = { run_id: `r-${run}`, plan_name: 'demo' };
    const timestamp = new Date(Date.UTC(2026, 2, 1) + run * 60_000).toISOString();
    events.push({ event_type: 'run_start', phase_id: null, duration_ms: null, success: null, metadata: context, timestamp });
    for (let id = 1; id <= 10; id += 1) {
      events.push({ event_type: 'phase_start', phase_id: id, duration_ms: null, success: null, metadata: { ...context, attempt: 1, status: 'running' }, timestamp });
      events.push({ event_type: 'phase_end', phase_id: id, duration_ms: 1_000 + run, success: true, metadata: { ...context, attempt: 1, status: 'success' }, timestamp });
    }
    events.push({ event_type: 'run_end', phase_id: null, duration_ms: 60_000, success: true, metadata: context, timestamp });
  }
  return events;
}

/** Starts `hypervisor events compact` on a file and kills it with SIGKILL after `ms`; resolves when it is gone. */
function killedWhileCompacting(file: string, ms: number): Promise<void> {
  const child = spawn(process.execPath, [BUILT_CLI, 'events', 'compact', '--events', file, '--keep-runs', '1'], { stdio: 'ignore' });
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

afterAll(removeScratchDirs);

describe('hypervisor events (built)', () => {
  it('prints stats as text and as JSON that parses', async () => {
    const text = await runBuilt(['events', 'stats', '--events', 'learning.jsonl'], FIXTURES);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  phases failed     1\n');
    const json = await runBuilt(['events', 'stats', '--events', 'learning.jsonl', '--json'], FIXTURES);
    expect(JSON.parse(json.stdout)).toMatchObject({ events: 11, succeeded: 2, failed: 1, retried: 1 });
  });

  it('exports TOON and JSONL files', async () => {
    const dir = await scratchDir();
    const events = join(FIXTURES, 'learning.jsonl');
    expect((await runBuilt(['events', 'export', '--to', 'toon', 'events.toon', '--events', events], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'events.toon'), 'utf8')).toMatch(/^events\[11\]\{event_type,phase_id,/);
    expect((await runBuilt(['events', 'export', '--to', 'jsonl', 'events.jsonl', '--events', events], dir)).code).toBe(0);
    expect(await readFile(join(dir, 'events.jsonl'), 'utf8')).toBe(await readFile(events, 'utf8'));
  });

  it('exits 2 in one line for a missing events file and, with --strict, for a torn one', async () => {
    const dir = await scratchDir();
    const missing = await runBuilt(['events', 'stats'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^hypervisor: .*\.hypervisor\/learning\.jsonl: no such learning events file; [^\n]*\n$/);
    const torn = await runBuilt(['events', 'stats', '--events', join(FIXTURES, 'learning-torn.jsonl'), '--strict'], dir);
    expect(torn.code).toBe(2);
    expect(torn.stderr.split('\n')).toHaveLength(2);
  });

  it('compacts the events file, which stats then reads', async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, 'learning.jsonl'), formatLearningEventsJsonl(manyRuns(3)));
    const compact = await runBuilt(['events', 'compact', '--events', 'learning.jsonl', '--keep-runs', '1'], dir);
    expect(compact.stdout).toMatch(/^\S*learning\.jsonl: compacted 2 of 3 runs to their phase durations, keeping the latest 1 whole: 66 -> 42 events, /);
    const stats = await runBuilt(['events', 'stats', '--events', 'learning.jsonl', '--json'], dir);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events: 42, compacted: 20, succeeded: 10 });
  });

  it('leaves the old file or the new one, whole, when killed while compacting', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'learning.jsonl');
    const events = manyRuns(1_000);
    const original = formatLearningEventsJsonl(events);
    const compacted = formatLearningEventsJsonl(compactLearningEvents(events, { keepRuns: 1 }));
    await writeFile(join(dir, 'original.jsonl'), original);
    await copyFile(join(dir, 'original.jsonl'), file);
    const started = Date.now();
    expect((await runBuilt(['events', 'compact', '--events', file, '--keep-runs', '1'], dir)).code).toBe(0);
    const took = Date.now() - started;
    expect(await readFile(file, 'utf8')).toBe(compacted);
    // Kills spread over the time a compaction takes here: reading, writing the temporary file, renaming.
    const seen = new Set<string>();
    for (const share of [0.2, 0.4, 0.55, 0.7, 0.8, 0.9, 0.95]) {
      await copyFile(join(dir, 'original.jsonl'), file);
      await killedWhileCompacting(file, Math.round(took * share));
      const text = await readFile(file, 'utf8');
      expect(text === original || text === compacted).toBe(true);
      seen.add(text === original ? 'old' : 'new');
    }
    expect(seen.has('old')).toBe(true);
    // A kill leaves a temporary file at most, and the next compaction finishes.
    for (const name of await readdir(dir)) expect(name).toMatch(/^(learning\.jsonl|original\.jsonl|\.learning\.jsonl\.[\w-]+\.tmp)$/);
    await copyFile(join(dir, 'original.jsonl'), file);
    expect((await runBuilt(['events', 'compact', '--events', file, '--keep-runs', '1'], dir)).code).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(compacted);
  }, 60_000);
});
