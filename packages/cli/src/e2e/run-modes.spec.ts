import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { learningEventSchema } from '@kazuba/bridge';
import { runSummarySchema } from '@kazuba/hypervisor-v2';
import type { RunSummary } from '@kazuba/hypervisor-v2';
import { runBuiltCli } from './__fixtures__/run/spawn-cli.js';
import { ledger, removePlans, writePlan } from './__fixtures__/run/write-plan.js';

jest.setTimeout(30_000);
afterAll(removePlans);

const summaryOf = (stdout: string): RunSummary => runSummarySchema.parse(JSON.parse(stdout));
const span = (id: number): string => `echo "start ${id}" >> "$HYPERVISOR_ROOT/ledger"; sleep 0.3; echo "end ${id}" >> "$HYPERVISOR_ROOT/ledger"`;

describe('hypervisor run (the built command), by mode', () => {
  it('runs a plan sequentially: exit 0, plain progress lines on stderr, the summary as JSON on stdout', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3), dependsOn: [1] }]);
    const result = await runBuiltCli(['run', 'plan', '--json'], { cwd: root });
    expect(result.status).toBe(0);
    const summary = summaryOf(result.stdout);
    expect(summary).toMatchObject({ outcome: 'succeeded', countsByStatus: { success: 3 } });
    expect(summary.phases.map((phase) => [phase.phaseId, phase.status, phase.attempts])).toEqual([
      [1, 'success', 1],
      [2, 'success', 1],
      [3, 'success', 1],
    ]);
    expect((await readFile(join(root, 'ledger'), 'utf8')).split('\n')[0]).toBe('1,1');
    expect(result.stderr).toContain('▸ phase 1 (Phase 1) started\n');
    expect(result.stderr).toContain('✓ phase 3 (Phase 3) succeeded in ');
    expect(result.stderr).not.toContain('\u001b[');
  });

  it('runs phases of one group side by side in parallel mode', async () => {
    const { root } = await writePlan([{ id: 1, run: span(1), group: 'g' }, { id: 2, run: span(2), group: 'g' }, { id: 3, run: span(3), group: 'g' }]);
    const result = await runBuiltCli(['run', 'plan', '--mode', 'parallel', '-j', '3', '--json'], { cwd: root });
    expect(result.status).toBe(0);
    expect(summaryOf(result.stdout)).toMatchObject({ outcome: 'succeeded', countsByStatus: { success: 3 } });
    expect((await readFile(join(root, 'ledger'), 'utf8')).split('\n').slice(0, 3).sort()).toEqual(['start 1', 'start 2', 'start 3']);
  });

  it('resumes: a second run skips the completed phases and exits 0', async () => {
    const { root } = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }]);
    expect((await runBuiltCli(['run', 'plan'], { cwd: root })).status).toBe(0);
    const again = await runBuiltCli(['run', 'plan', '--json'], { cwd: root });
    expect(again.status).toBe(0);
    expect(summaryOf(again.stdout).phases.map((phase) => [phase.phaseId, phase.status, phase.reason])).toEqual([
      [1, 'skipped', 'already complete'],
      [2, 'skipped', 'already complete'],
    ]);
    expect(await readFile(join(root, 'ledger'), 'utf8')).toBe('1,1\n2,1\n');
  });

  it.each(['dry-run', 'dry_run'])('shows a --mode %s and writes nothing', async (mode) => {
    const { root } = await writePlan([{ id: 1, run: ledger(1), extra: ['effort: S'] }, { id: 2, run: ledger(2), dependsOn: [1], extra: ['effort: XS'] }]);
    const result = await runBuiltCli(['run', 'plan', '--mode', mode], { cwd: root });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Dry run of plan "plan" (4 workers): nothing was run or written.');
    expect(result.stdout).toContain('Critical path: 1 → 2 (7m 00s)');
    expect(result.stdout).toContain('Estimated makespan: 7m 00s, up to 1 phase at once');
    expect(await readdir(root)).toEqual(['plan']);
  });

  it('appends the learning events to --events, run after run', async () => {
    const { root } = await writePlan([{ id: 1, run: 'true' }]);
    expect((await runBuiltCli(['run', 'plan', '--events', 'history.jsonl'], { cwd: root })).status).toBe(0);
    expect((await runBuiltCli(['run', 'plan', '--events', 'history.jsonl', '--force'], { cwd: root })).status).toBe(0);
    const lines = (await readFile(join(root, 'history.jsonl'), 'utf8')).trim().split('\n');
    const events = lines.map((line) => learningEventSchema.parse(JSON.parse(line)));
    expect(events.map((event) => event.event_type)).toEqual(['run_start', 'phase_start', 'phase_end', 'run_end', 'run_start', 'phase_start', 'phase_end', 'run_end']);
  });
});
