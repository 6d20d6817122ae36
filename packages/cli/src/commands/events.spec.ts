import { afterAll, describe, expect, it } from '@jest/globals';
import { appendFile, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatLearningEventsJsonl, loadDurationHistory, readLearningEvents } from '@kazuba/bridge';
import type { LearningEvent } from '@kazuba/bridge';
import { createHintEstimator, loadPlan } from '@kazuba/core';
import { readCheckpoint } from '@kazuba/toon';
import { FIXTURES, removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import { ledger, removePlans, writePlan } from '../e2e/__fixtures__/run/write-plan.js';

const EVENTS = join(FIXTURES, 'learning.jsonl');
const TORN = join(FIXTURES, 'learning-torn.jsonl');

afterAll(async () => {
  await removeScratchDirs();
  await removePlans();
});

/**
 * The learning events of runs `r-<first>` … of a plan whose phases 1 and 2 succeed, the way `hypervisor run`
 * appends them; each run's durations differ.
 */
function runsOf(plan: string, first: number, count: number): LearningEvent[] {
  return Array.from({ length: count }, (_, index): LearningEvent[] => {
    const run = first + index;
    const context = { run_id: `r-${run}`, plan_name: plan };
    const at = (second: number): string => new Date(Date.UTC(2026, 2, 1, 0, run, second)).toISOString();
    const phase = (id: number, durationMs: number): LearningEvent[] => [
      { event_type: 'phase_start', phase_id: id, duration_ms: null, success: null, metadata: { ...context, attempt: 1, status: 'running' }, timestamp: at(id * 10) },
      { event_type: 'phase_end', phase_id: id, duration_ms: durationMs, success: true, metadata: { ...context, attempt: 1, status: 'success', cost_usd: 0.5 }, timestamp: at(id * 10 + 5) },
    ];
    return [
      { event_type: 'run_start', phase_id: null, duration_ms: null, success: null, metadata: context, timestamp: at(0) },
      ...phase(1, 1_000 + run * 100),
      ...phase(2, 60_000 - run * 1_000),
      { event_type: 'run_end', phase_id: null, duration_ms: 30_000, success: true, metadata: context, timestamp: at(30) },
    ];
  }).flat();
}

/** What the duration history of a plan estimates for each of its phases from an events file. */
async function estimatesFrom(file: string, planDir: string): Promise<unknown[]> {
  const plan = await loadPlan(planDir);
  const history = await loadDurationHistory(file, { plan: plan.name, fallback: createHintEstimator() });
  return plan.phases.map((phase) => [phase.id, history.estimate(phase), history.samples(phase.id)]);
}

const wholeRuns = (events: readonly LearningEvent[]): string[] => events.filter((event) => event.event_type === 'run_start').map((event) => event.metadata.run_id ?? '');

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
        '  phases resumed    0',
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
      compacted: 0,
      started: 3,
      succeeded: 2,
      partial: 0,
      failed: 1,
      retried: 1,
      rateLimited: 1,
      skipped: 1,
      resumed: 0,
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

  it('lists the subcommands in --help, and how the file is kept bounded', async () => {
    const result = await runCaptured(['events', '--help']);
    expect(result.stdout).toContain('stats [options]');
    expect(result.stdout).toContain('export [options] <out>');
    expect(result.stdout).toContain('compact [options]');
    expect(result.stdout).toContain('    events:\n      keepRuns: 50   # the default\n');
    const compact = await runCaptured(['events', 'compact', '--help']);
    for (const option of ['--file <file>', '--events <file>', '--keep-runs <n>', '--dry-run', '--config <file>', '--strict']) expect(compact.stdout).toContain(option);
  });
});

describe('hypervisor events compact', () => {
  /** A project folder with a plan `demo` of two phases, and an events file of `runs` runs of it. */
  async function project(runs: number, config?: string): Promise<{ root: string; file: string; planDir: string }> {
    const root = await scratchDir();
    const planDir = join(root, 'demo');
    await mkdir(join(root, '.hypervisor'));
    await mkdir(planDir);
    for (const id of [1, 2]) await writeFile(join(planDir, `0${id}-phase.md`), `---\nphase: ${id}\ntitle: Phase ${id}\neffort: L\n---\nWork.\n`);
    if (config !== undefined) await writeFile(join(root, 'hypervisor.config.yaml'), config);
    const file = join(root, '.hypervisor', 'learning.jsonl');
    await writeFile(file, formatLearningEventsJsonl(runsOf('demo', 1, runs)));
    return { root, file, planDir };
  }

  it('keeps the latest runs whole and the phase durations of older ones, so the estimates stay the same', async () => {
    const { root, file, planDir } = await project(12);
    const before = await estimatesFrom(file, planDir);
    const result = await runCaptured(['events', 'compact', '--keep-runs', '3'], root);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^${file}: compacted 9 of 12 runs to their phase durations, keeping the latest 3 whole: 72 -> 32 events, \\d+ -> \\d+ bytes\\n$`));
    const events = await readLearningEvents(file);
    expect(wholeRuns(events)).toEqual(['r-10', 'r-11', 'r-12']);
    // The last 10 durations of each phase: 3 in the runs kept whole, 7 of older runs (r-3 to r-9).
    expect(events.filter((event) => event.metadata.compacted === true).map((event) => [event.metadata.run_id, event.phase_id])).toEqual(
      Array.from({ length: 7 }, (_, index) => [[`r-${index + 3}`, 1], [`r-${index + 3}`, 2]]).flat(),
    );
    expect(await estimatesFrom(file, planDir)).toEqual(before);
    expect((before[0] as unknown[])[1]).toEqual({ durationMs: 1_750, source: 'history' });
  });

  it('reads --file as --events, relative to the working directory, and refuses both at once', async () => {
    const { root, file } = await project(3);
    const result = await runCaptured(['events', 'compact', '--file', '.hypervisor/learning.jsonl', '--keep-runs', '1'], root);
    expect(result.stdout).toContain(`${file}: compacted 2 of 3 runs`);
    const both = await runCaptured(['events', 'compact', '--file', 'a.jsonl', '--events', 'b.jsonl'], root);
    expect(both).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: --file and --events both name the events file: give one\n' });
  });

  it('with --dry-run, tells what it would do and changes nothing', async () => {
    const { root, file } = await project(5);
    const text = await readFile(file, 'utf8');
    const result = await runCaptured(['events', 'compact', '--keep-runs', '2', '--dry-run', '--events', file]);
    expect(result.stdout).toMatch(new RegExp(`^${file}: would compact 3 of 5 runs to their phase durations, keeping the latest 2 whole: 30 -> 18 events, `));
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(await readdir(join(root, '.hypervisor'))).toEqual(['learning.jsonl']);
  });

  it('keeps run.events.keepRuns of the config file, else 50, unless --keep-runs says otherwise', async () => {
    const byDefault = await project(51);
    expect((await runCaptured(['events', 'compact'], byDefault.root)).stdout).toContain('compacted 1 of 51 runs to their phase durations, keeping the latest 50 whole');
    const configured = await project(6, 'run:\n  events:\n    keepRuns: 4\n');
    expect((await runCaptured(['events', 'compact', '--dry-run', '--root', configured.root])).stdout).toContain('would compact 2 of 6 runs');
    expect((await runCaptured(['events', 'compact', '--keep-runs', '5'], configured.root)).stdout).toContain('compacted 1 of 6 runs');
    await writeFile(join(configured.root, 'other.yaml'), 'run: { events: { keepRuns: 2 } }\n');
    expect((await runCaptured(['events', 'compact', '--config', 'other.yaml'], configured.root)).stdout).toContain('compacted 3 of 5 runs');
  });

  it('says when there is nothing to compact, and leaves the file alone', async () => {
    const { root, file } = await project(3);
    const result = await runCaptured(['events', 'compact', '--keep-runs', '3'], root);
    expect(result).toEqual({ code: 0, stderr: '', stdout: `${file}: 3 runs, no more than the 3 to keep whole: nothing to compact\n` });
    expect(await readFile(file, 'utf8')).toBe(formatLearningEventsJsonl(runsOf('demo', 1, 3)));
  });

  it.each(['0', 'many', '1.5'])('exits 2 for --keep-runs %s', async (keepRuns) => {
    const { root } = await project(1);
    const result = await runCaptured(['events', 'compact', '--keep-runs', keepRuns], root);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `hypervisor: --keep-runs: expected a whole number ≥ 1, got "${keepRuns}"\n` });
  });

  it('exits 2 for a bad run.events.keepRuns, naming the file and line', async () => {
    const { root } = await project(1, 'run:\n  events:\n    keepRuns: none\n');
    const result = await runCaptured(['events', 'compact'], root);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: hypervisor.config.yaml:3: run.events.keepRuns: expected a whole number of at least 1, got "none"\n' });
  });

  it('leaves out the lines of a torn file with a warning; with --strict, fails and changes nothing', async () => {
    const { file } = await project(0);
    await copyFile(TORN, file);
    await appendFile(file, formatLearningEventsJsonl(runsOf('demo', 2, 2)));
    const text = await readFile(file, 'utf8');
    const strict = await runCaptured(['events', 'compact', '--events', file, '--keep-runs', '1', '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/^hypervisor: .*learning\.jsonl:4: invalid JSON: [^\n]*\n$/);
    expect(await readFile(file, 'utf8')).toBe(text);
    const result = await runCaptured(['events', 'compact', '--events', file, '--keep-runs', '1']);
    expect(result.code).toBe(0);
    const warnings = result.stderr.split('\n').filter(Boolean);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning: .*learning\.jsonl:4: invalid JSON: .* \(line left out\)$/);
    expect(warnings[1]).toMatch(/^warning: .*learning\.jsonl:5: invalid learning event: event_type: .* \(line left out\)$/);
    expect(wholeRuns(await readLearningEvents(file))).toEqual(['r-3']);
  });

  it('exits 2 naming the file, with a hint, when there is no events file', async () => {
    const root = await scratchDir();
    const result = await runCaptured(['events', 'compact', '--root', root]);
    expect(result.stderr).toBe(`hypervisor: ${join(root, '.hypervisor', 'learning.jsonl')}: no such learning events file; \`hypervisor run\` appends to it, or pass --events <file>\n`);
    expect(result.code).toBe(2);
  });

  it('leaves a compacted file that events stats reads, counting the kept durations apart', async () => {
    const { root, file } = await project(4);
    await runCaptured(['events', 'compact', '--keep-runs', '1'], root);
    const text = await runCaptured(['events', 'stats'], root);
    expect(text.stdout).toContain(`Learning events in ${file}: 12 events\n`);
    expect(text.stdout).toContain('  phases succeeded  2\n');
    expect(text.stdout).toContain('  compacted         6 phase durations of older runs, for the estimates; not in the figures above\n');
    const json = await runCaptured(['events', 'stats', '--json'], root);
    expect(JSON.parse(json.stdout)).toMatchObject({ events: 12, compacted: 6, succeeded: 2, started: 2, totalCostUsd: 1 });
  });
});

describe('hypervisor run and the events file', () => {
  it('compacts the events file after a run that takes it past run.events.keepRuns (default 50), keeping the estimates', async () => {
    const plan = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }]);
    const file = join(plan.root, '.hypervisor', 'learning.jsonl');
    await mkdir(join(plan.root, '.hypervisor'));
    const earlier = runsOf('plan', 1, 50);
    await writeFile(file, `${formatLearningEventsJsonl(earlier)}not json\n`);

    const first = await runCaptured(['run', 'plan', '--quiet'], plan.root);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('hypervisor: warning: compacting the events file left out 1 invalid line; the first: ');
    const afterFirst = await readLearningEvents(file);
    const [newRun] = wholeRuns(afterFirst).slice(-1);
    expect(wholeRuns(afterFirst)).toEqual([...wholeRuns(earlier).slice(1), newRun]);
    // The estimates are those of every run's events, uncompacted.
    const uncompacted = join(plan.root, 'uncompacted.jsonl');
    await writeFile(uncompacted, formatLearningEventsJsonl([...earlier, ...afterFirst.filter((event) => event.metadata.run_id === newRun)]));
    expect(await estimatesFrom(file, plan.planDir)).toEqual(await estimatesFrom(uncompacted, plan.planDir));

    await writeFile(join(plan.root, 'hypervisor.config.yaml'), 'run:\n  events:\n    keepRuns: 2\n');
    expect((await runCaptured(['run', 'plan', '--quiet', '--force'], plan.root)).code).toBe(0);
    const afterSecond = await readLearningEvents(file);
    expect(wholeRuns(afterSecond)).toEqual([newRun, wholeRuns(afterSecond)[1]]);
    // 10 durations per phase are kept, 2 of them in the runs kept whole.
    expect(afterSecond.filter((event) => event.metadata.compacted === true)).toHaveLength(16);
  });

  it('records no per-phase event for the phases a resume finds complete: the run_end counts them, events stats shows them apart', async () => {
    const plan = await writePlan([
      { id: 1, run: ledger(1) },
      { id: 2, run: ledger(2), dependsOn: [1] },
      { id: 3, run: 'exit 1' },
      { id: 4, run: ledger(4), dependsOn: [3] },
    ]);
    const file = join(plan.root, '.hypervisor', 'learning.jsonl');
    expect((await runCaptured(['run', 'plan', '--quiet', '--keep-going', '--retries', '0'], plan.root)).code).toBe(1);
    const first = await readLearningEvents(file);
    const resume = await runCaptured(['run', 'plan', '--quiet', '--keep-going', '--retries', '0'], plan.root);
    expect(resume.code).toBe(1);
    const added = (await readLearningEvents(file)).slice(first.length);
    // 1 and 2 are complete; 3 runs and fails again; 4 is skipped after it, which the history still records.
    expect(added.map((event) => [event.event_type, event.phase_id, event.metadata['reason'] ?? null])).toEqual([
      ['run_start', null, null],
      ['phase_start', 3, null],
      ['phase_failed', 3, expect.any(String)],
      ['phase_skipped', 4, 'dependency 3 failed'],
      ['run_end', null, null],
    ]);
    expect(added.at(-1)?.metadata).toMatchObject({ resumed: 2, counts: { skipped: 3, failed: 1 } });
    const stats = await runCaptured(['events', 'stats', '--json'], plan.root);
    expect(JSON.parse(stats.stdout)).toMatchObject({ started: 4, succeeded: 2, failed: 2, skipped: 2, resumed: 2 });
    expect((await runCaptured(['events', 'stats'], plan.root)).stdout).toContain('  phases resumed    2 (already complete, not run again)\n');
  });
});
