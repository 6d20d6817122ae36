import { afterAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readCheckpoint } from '@kazuba/toon';
import { runSummarySchema } from '@kazuba/hypervisor-v2';
import type { RunSummary } from '@kazuba/hypervisor-v2';
import type { SelectPrompt } from './terminal-approver.js';
import { runIn as run } from './__fixtures__/run-command-harness.js';
import type { Outcome } from './__fixtures__/run-command-harness.js';
import { eventually, isRunning, ledger, removePlans, writePlan } from '../e2e/__fixtures__/run/write-plan.js';
import type { FixtureProject } from '../e2e/__fixtures__/run/write-plan.js';

afterAll(removePlans);

const ESC = '\u001b';

const ledgerOf = async (project: FixtureProject): Promise<string> => (existsSync(join(project.root, 'ledger')) ? readFile(join(project.root, 'ledger'), 'utf8') : '');
const summaryOf = (outcome: Outcome): RunSummary => runSummarySchema.parse(JSON.parse(outcome.stdout));
const statuses = (summary: RunSummary): [number, string][] => summary.phases.map((phase) => [phase.phaseId, phase.status]);

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(path); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('runCommand', () => {
  it('runs the phases in order, reports on stderr, prints the summary as JSON on stdout and appends the learning events', async () => {
    const project = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }]);
    const first = await run(project, { json: true });
    expect(first.ended).toBe('ok');
    expect(await ledgerOf(project)).toBe('1,1\n2,1\n');
    expect(summaryOf(first)).toMatchObject({ outcome: 'succeeded', countsByStatus: { success: 2 } });
    expect(first.stderr).toContain('▸ phase 1 (Phase 1) started\n');
    expect(first.stderr).toMatch(/✓ run succeeded in \S+: 2 success\n$/);
    const events = (await readFile(join(project.root, '.hypervisor/learning.jsonl'), 'utf8')).trim().split('\n');
    expect(events.map((line) => (JSON.parse(line) as { event_type: string }).event_type)).toEqual(['run_start', 'phase_start', 'phase_end', 'phase_start', 'phase_end', 'run_end']);

    const second = await run(project, { json: true });
    expect(statuses(summaryOf(second))).toEqual([
      [1, 'skipped'],
      [2, 'skipped'],
    ]);
    expect(second.stderr).toContain('- phase 1 (Phase 1) skipped: already complete');
    // The resume adds its run_start and run_end (which counts the 2 phases already complete), no event per phase.
    expect((await readFile(join(project.root, '.hypervisor/learning.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(8);

    expect((await run(project, { force: true })).ended).toBe('ok');
    expect(await ledgerOf(project)).toBe('1,1\n2,1\n1,1\n2,1\n');
  });

  it('runs phases of one group side by side in parallel mode, as many as --workers allows', async () => {
    const span = (id: number): string => `echo "start ${id}" >> "$HYPERVISOR_ROOT/ledger"; sleep 0.3; echo "end ${id}" >> "$HYPERVISOR_ROOT/ledger"`;
    const project = await writePlan([{ id: 1, run: span(1), group: 'g' }, { id: 2, run: span(2), group: 'g' }]);
    expect((await run(project, { mode: 'parallel', workers: '2' })).ended).toBe('ok');
    expect((await ledgerOf(project)).split('\n').slice(0, 2).sort()).toEqual(['start 1', 'start 2']);
    await writeFile(join(project.root, 'ledger'), '');
    const oneAtATime = /^start (\d)\nend \1\nstart (\d)\nend \2\n$/;
    expect((await run(project, { mode: 'parallel', workers: '1', force: true })).ended).toBe('ok');
    expect(await ledgerOf(project)).toMatch(oneAtATime);
    await writeFile(join(project.root, 'ledger'), '');
    expect((await run(project, { force: true, workers: '2' })).ended).toBe('ok');
    expect(await ledgerOf(project)).toMatch(oneAtATime);
  });

  it('ends run_failed when a phase fails, naming it, its reason and its log; dependents are skipped', async () => {
    const project = await writePlan([{ id: 1, run: 'echo broken; exit 3' }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3) }]);
    const failed = await run(project, { retries: '0', json: true });
    expect(failed.ended).toBe('run_failed');
    expect(statuses(summaryOf(failed))).toEqual([
      [1, 'failed'],
      [2, 'skipped'],
      [3, 'skipped'],
    ]);
    expect(failed.stderr).toMatch(
      /✗ run failed in \S+: 1 failed, 2 skipped\n {2}phase 1 \(Phase 1\) failed: shell exited with code 3: broken \(log: \.hypervisor\/runs\/run-[\w-]+\/phase-1\.log\)\n {2}phase 2 \(Phase 2\) skipped: dependency 1 failed\n {2}phase 3 \(Phase 3\) skipped: not started: phase 1 failed\n$/,
    );
    const logPath = /log: (\S+)\)/.exec(failed.stderr)?.[1] ?? '';
    expect(await readFile(join(project.root, logPath), 'utf8')).toContain('broken');

    const keepGoing = await run(project, { retries: '0', keepGoing: true, json: true });
    expect(statuses(summaryOf(keepGoing))).toEqual([
      [1, 'failed'],
      [2, 'skipped'],
      [3, 'success'],
    ]);
  });

  it('retries as often as --retries says, and stops an attempt after --timeout seconds', async () => {
    const project = await writePlan([{ id: 1, run: 'exit 1' }]);
    const retried = await run(project, { retries: '1', json: true });
    expect(summaryOf(retried).phases[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(retried.stderr).toMatch(/↻ phase 1 \(Phase 1\) attempt 1 failed \(shell exited with code 1\); retrying in \S+\n/);
    const slow = await writePlan([{ id: 1, run: 'sleep 5' }]);
    const timedOut = await run(slow, { retries: '0', timeout: '0.2', json: true });
    expect(summaryOf(timedOut).phases[0]).toMatchObject({ status: 'failed', reason: 'the attempt did not finish within 200 ms' });
  });

  it('runs only the phases --only or --from select, taking their other dependencies as done', async () => {
    const project = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3), dependsOn: [2] }, { id: 4, run: ledger(4) }]);
    const only = await run(project, { only: '3,4', json: true });
    expect(statuses(summaryOf(only))).toEqual([
      [3, 'success'],
      [4, 'success'],
    ]);
    expect(only.stderr).toContain('phase 3 depends on 2, not selected: taken as done\n');
    expect((await run(project, { from: '2', force: true })).ended).toBe('ok');
    expect(await ledgerOf(project)).toBe('3,1\n4,1\n2,1\n3,1\n');
    expect(await run(project, { only: '9' })).toMatchObject({ ended: 'invalid_option', message: '--only: the plan has no phase 9 (its phases: 1, 2, 3, 4)' });
  });

  it('writes checkpoints in the format --checkpoint-format asks for', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }]);
    await run(project, { checkpointFormat: 'kazuba' });
    expect((await readCheckpoint(join(project.root, 'checkpoints/phase_01.toon'))).format).toBe('kazuba');
    const toon = await writePlan([{ id: 1, run: 'true' }]);
    await run(toon);
    expect((await readCheckpoint(join(toon.root, 'checkpoints/phase_01.toon'))).format).toBe('toon');
  });

  it('appends the learning events to --events, and estimates from them unless --no-history', async () => {
    const project = await writePlan([{ id: 1, run: 'true', extra: ['effort: XL'] }]);
    await run(project, { events: 'learned.jsonl' });
    expect(existsSync(join(project.root, '.hypervisor/learning.jsonl'))).toBe(false);
    expect((await readFile(join(project.root, 'learned.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(4);
    const withHistory = await run(project, { events: 'learned.jsonl', mode: 'dry-run', force: true });
    expect(withHistory.stdout).toMatch(/\+0s +\d+ms \(history\) +1 +Phase 1 +shell +- +true\n/);
    const without = await run(project, { events: 'learned.jsonl', mode: 'dry-run', force: true, history: false });
    expect(without.stdout).toMatch(/\+0s +40m 00s \(effort\) +1 +Phase 1 +shell +- +true\n/);
  });

  it('warns about unreadable lines in the history and goes on without them', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }]);
    await mkdir(join(project.root, '.hypervisor'));
    await writeFile(join(project.root, '.hypervisor/learning.jsonl'), 'not json\n{"also": "not an event"}\n');
    const outcome = await run(project);
    expect(outcome.ended).toBe('ok');
    expect(outcome.stderr).toMatch(/^hypervisor: warning: 2 lines of the duration history left out; the first: .*learning\.jsonl.*1.*\n/);
  });

  it('shows in a dry run what would happen, and writes nothing', async () => {
    const project = await writePlan([{ id: 1, run: ledger(1), extra: ['effort: S'] }, { id: 2, dependsOn: [1], body: 'Write the docs.' }]);
    const outcome = await run(project, { mode: 'dry_run' });
    expect(outcome.ended).toBe('ok');
    expect(outcome.stdout).toBe(
      [
        'Dry run of plan "plan" (4 workers): nothing was run or written.',
        '  start    estimate           id  phase    agent   model             command',
        '  +0s      5m 00s (effort)    1   Phase 1  shell   -                 echo "1,$HYPERVISOR_ATTEMPT" >> "$HYPERVISOR_ROOT/ledger"',
        "  +5m 00s  10m 00s (default)  2   Phase 2  claude  claude's default  claude -p <prompt: 15 chars> --output-format stream-json --verbose --max-turns 50 --permission-mode acceptEdits",
        'Critical path: 1 → 2 (15m 00s)',
        'Estimated makespan: 15m 00s, up to 1 phase at once',
        '',
      ].join('\n'),
    );
    expect(outcome.stderr).toBe('');
    expect(await readdir(project.root)).toEqual(['plan']);
    const json = await run(project, { mode: 'dry-run', json: true });
    expect(summaryOf(json).outcome).toBe('succeeded');
  });

  it('prints only errors with --quiet', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }, { id: 2, run: 'exit 1', dependsOn: [1] }]);
    const quiet = await run(project, { quiet: true, retries: '0', only: '1' });
    expect(quiet).toMatchObject({ ended: 'ok', stderr: '' });
    const failed = await run(project, { quiet: true, retries: '0' });
    expect(failed.stderr).toMatch(/^✗ phase 2 \(Phase 2\) failed in \S+ after 1 attempt: shell exited with code 1\n✗ run failed/);
  });

  it('hands phases without a run: line to the --agent profile', async () => {
    const project = await writePlan([{ id: 1, body: 'echo from-the-body > body.txt' }]);
    expect((await run(project, { agent: 'shell' })).ended).toBe('ok');
    expect(await readFile(join(project.root, 'body.txt'), 'utf8')).toBe('from-the-body\n');
    expect(await run(project, { agent: 'robot' })).toMatchObject({ ended: 'invalid_option', message: '--agent: unknown agent profile "robot" (known: claude, codex, gemini, shell)' });
  });

  it('runs in --root, and refuses a root that is not a directory', async () => {
    const project = await writePlan([{ id: 1, run: 'pwd > where.txt' }]);
    const other = await writePlan([]);
    expect((await run(other, { root: project.root }, { planArg: project.planDir })).ended).toBe('ok');
    expect(await readFile(join(project.root, 'where.txt'), 'utf8')).toContain(project.root);
    expect(existsSync(join(project.root, '.hypervisor/learning.jsonl'))).toBe(true);
    expect(await run(project, { root: 'missing' })).toMatchObject({ ended: 'invalid_option', message: `--root: no such directory: ${join(project.root, 'missing')}` });
  });

  it('names the plan folder and file of a bad plan', async () => {
    const project = await writePlan([{ id: 1, run: 'true', dependsOn: [7] }]);
    expect(await run(project)).toMatchObject({ ended: 'invalid_plan', message: 'plan/01-phase.md: phase 1 depends on phase 7, which the plan does not have' });
    await writeFile(join(project.planDir, '02-phase.md'), '---\nphase: [\n---\n');
    expect((await run(project, {}, { planArg: 'plan/' })).message).toMatch(/^2 problems in .*plan: /);
    expect(await run(project, {}, { planArg: 'nowhere' })).toMatchObject({ ended: 'invalid_plan', message: `cannot read plan folder ${join(project.root, 'nowhere')}: no such folder` });
  });

  describe('on a terminal', () => {
    it('draws a live view and colours it, unless NO_COLOR is set', async () => {
      const project = await writePlan([{ id: 1, run: 'true' }]);
      const live = await run(project, {}, { terminal: { columns: 80 } });
      expect(live.stderr).toContain('\u001b[?25l');
      expect(live.stderr).toContain('\u001b[1mhypervisor run "plan"\u001b[22m');
      expect(live.stderr).toContain('\u001b[32m✓ run succeeded\u001b[39m in ');
      const plain = await run(project, { force: true }, { terminal: { columns: 80 }, env: { NO_COLOR: '1' } });
      expect(plain.stderr).toContain('hypervisor run "plan" · sequential');
      expect(plain.stderr).toContain('\u001b[?25h');
      // Cursor movements, but no colour (SGR) sequence.
      expect(plain.stderr).not.toMatch(new RegExp(`${ESC}\\[\\d+m`));
    });

    it('shows what the run spent of its budget', async () => {
      const project = await writePlan([{ id: 1, run: 'sleep 0.3' }]);
      const live = await run(project, { maxCost: '5' }, { terminal: { columns: 100 }, env: { NO_COLOR: '1' } });
      expect(live.stderr).toContain('$0.00 / $5.00');
    });
  });

  describe('interactive mode', () => {
    function answering(...answers: string[]): { select: SelectPrompt; asked: string[] } {
      const asked: string[] = [];
      const select: SelectPrompt = async (config) => {
        asked.push(config.message.split('\n')[0] ?? '');
        return (answers.shift() ?? 'run') as Awaited<ReturnType<SelectPrompt>>;
      };
      return { select, asked };
    }

    it('asks before each phase and does what the user answers', async () => {
      // By priority (the longest path first): 1, then 2 (3 waits for it), then 4.
      const project = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }, { id: 3, run: ledger(3), dependsOn: [2] }, { id: 4, run: ledger(4), dependsOn: [1] }]);
      const { select, asked } = answering('run', 'skip', 'run_all');
      const outcome = await run(project, { mode: 'interactive', json: true }, { stdinIsTTY: true, deps: { select } });
      expect(asked).toEqual(['Phase 1: Phase 1', 'Phase 2: Phase 2', 'Phase 4: Phase 4']);
      expect(statuses(summaryOf(outcome))).toEqual([
        [1, 'success'],
        [2, 'skipped'],
        [3, 'skipped'],
        [4, 'success'],
      ]);
      expect(await ledgerOf(project)).toBe('1,1\n4,1\n');
    });

    it('stops the run when the user aborts, and says how to resume', async () => {
      const project = await writePlan([{ id: 1, run: ledger(1) }, { id: 2, run: ledger(2), dependsOn: [1] }]);
      const { select } = answering('run', 'abort');
      const outcome = await run(project, { mode: 'interactive' }, { stdinIsTTY: true, deps: { select }, terminal: { columns: 80 } });
      expect(outcome.ended).toBe('interrupted');
      expect(outcome.stderr).toContain('to resume, run `hypervisor run plan` again: completed phases are skipped');
      expect(await ledgerOf(project)).toBe('1,1\n');
    });

    it('refuses to start without a terminal on stdin', async () => {
      const project = await writePlan([{ id: 1, run: ledger(1) }]);
      expect(await run(project, { mode: 'interactive' })).toMatchObject({
        ended: 'no_terminal',
        message: 'interactive mode asks before each phase and needs a terminal on stdin; run it from a terminal, or use --mode sequential or parallel',
      });
      expect(await ledgerOf(project)).toBe('');
    });
  });

  describe('on SIGINT or SIGTERM', () => {
    const long = (marker: string): string => `echo $$ > "$HYPERVISOR_ROOT/${marker}"; sleep 20`;

    it('stops the running phases, records them, says how to resume, and ends interrupted', async () => {
      const project = await writePlan([{ id: 1, run: long('pid') }, { id: 2, run: ledger(2), dependsOn: [1] }]);
      const signals = new EventEmitter();
      const pending = run(project, { json: true }, { deps: { signals } });
      await waitForFile(join(project.root, 'pid'));
      signals.emit('SIGTERM');
      const outcome = await pending;
      expect(outcome.ended).toBe('interrupted');
      expect(statuses(summaryOf(outcome))).toEqual([
        [1, 'cancelled'],
        [2, 'cancelled'],
      ]);
      expect(outcome.stderr).toContain('SIGTERM: stopping the running phases and writing their state (interrupt again to stop at once)\n');
      expect(outcome.stderr).toContain('to resume, run `hypervisor run plan` again: completed phases are skipped\n');
      expect((await readCheckpoint(join(project.root, 'checkpoints/phase_01.toon'))).value).toMatchObject({ status: 'cancelled' });
      expect(isRunning(Number(await readFile(join(project.root, 'pid'), 'utf8')))).toBe(false);
      expect(signals.listenerCount('SIGINT')).toBe(0);
    });

    it('stops at once on a second signal, still leaving no process behind', async () => {
      const project = await writePlan([{ id: 1, run: long('pid') }]);
      const signals = new EventEmitter();
      const exits: number[] = [];
      const pending = run(project, { json: true }, { deps: { signals, forceExit: (code) => void exits.push(code) } });
      await waitForFile(join(project.root, 'pid'));
      signals.emit('SIGINT');
      signals.emit('SIGINT');
      const outcome = await pending;
      expect(exits).toEqual([130]);
      expect(outcome).toMatchObject({ ended: 'interrupted', stdout: '' });
      expect(outcome.stderr).toContain('stopping at once: the phases that ran are not recorded\nto resume, run `hypervisor run plan` again');
      const pid = Number(await readFile(join(project.root, 'pid'), 'utf8'));
      expect(await eventually(() => !isRunning(pid))).toBe(true);
    });
  });
});

// Appending to the history must not depend on the file ending with a line feed.
describe('the events file', () => {
  it('keeps the lines that were there', async () => {
    const project = await writePlan([{ id: 1, run: 'true' }]);
    await mkdir(join(project.root, '.hypervisor'));
    await appendFile(join(project.root, '.hypervisor/learning.jsonl'), '');
    await run(project, { history: false });
    expect((await readFile(join(project.root, '.hypervisor/learning.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(4);
  });
});
