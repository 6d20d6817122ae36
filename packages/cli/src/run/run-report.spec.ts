import { describe, expect, it } from '@jest/globals';
import type { HypervisorEvent, RunSummary } from '@kazuba/hypervisor-v2';
import { formatCounts, formatDryRunReport, formatRunReport } from './run-report.js';
import type { ReportContext } from './run-report.js';
import { RunTracker } from './run-tracker.js';
import { createStyles } from './styles.js';
import { countsOf, eventMaker } from './__fixtures__/events.js';

const phases = [
  { id: 1, title: 'Setup', dependsOn: [], estimateMs: 60_000 },
  { id: 2, title: 'Build', dependsOn: [1], estimateMs: 120_000 },
  { id: 3, title: 'Test', dependsOn: [1], estimateMs: 30_000 },
];


function context(): ReportContext {
  return {
    tracker: new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 }),
    styles: createStyles(false),
    cwd: '/repo',
    runDir: '/repo/.hypervisor/runs/run-1',
    rerunCommand: 'hypervisor run plans/demo',
  };
}

describe('formatRunReport', () => {
  it('reports a success in one line with the counts', () => {
    const summary: RunSummary = { outcome: 'succeeded', durationMs: 65_000, countsByStatus: countsOf({ success: 2, skipped: 1 }), phases: [] };
    expect(formatRunReport(summary, context())).toEqual({ level: 'info', lines: ['✓ run succeeded in 1m 05s: 2 success, 1 skipped'] });
  });

  it('lists what failed, why, and where its log is', () => {
    const summary: RunSummary = {
      outcome: 'failed',
      durationMs: 3000,
      countsByStatus: countsOf({ success: 1, failed: 1, skipped: 1 }),
      phases: [
        { phaseId: 1, status: 'success', attempts: 1, durationMs: 1000 },
        { phaseId: 2, status: 'failed', attempts: 2, durationMs: 2000, reason: 'shell exited with code 3' },
        { phaseId: 3, status: 'skipped', attempts: 0, durationMs: 0, reason: 'circuit-open' },
        { phaseId: 4, status: 'failed', attempts: 0, durationMs: 0 },
      ],
    };
    expect(formatRunReport(summary, context())).toEqual({
      level: 'error',
      lines: [
        '✗ run failed in 3s: 1 success, 1 failed, 1 skipped',
        '  phase 2 (Build) failed: shell exited with code 3 (log: .hypervisor/runs/run-1/phase-2.log)',
        '  phase 4 (phase 4) failed: no reason given',
        '  phase 3 (Test) skipped: circuit-open',
      ],
    });
  });

  it('says what the agents cost, and of which budget', () => {
    const spent: RunSummary = { outcome: 'succeeded', durationMs: 65_000, countsByStatus: countsOf({ success: 2 }), phases: [], costUsd: 1.234 };
    expect(formatRunReport(spent, context()).lines).toEqual(['✓ run succeeded in 1m 05s: 2 success; $1.23 spent']);
    const budget: RunSummary = {
      outcome: 'failed',
      durationMs: 65_000,
      countsByStatus: countsOf({ success: 1, skipped: 1 }),
      phases: [{ phaseId: 3, status: 'skipped', attempts: 0, durationMs: 0, reason: 'budget' }],
      costUsd: 5.2,
      budgetUsd: 5,
    };
    expect(formatRunReport(budget, context()).lines).toEqual(['✗ run failed in 1m 05s: 1 success, 1 skipped; $5.20 spent of a $5.00 budget', '  phase 3 (Test) skipped: budget']);
  });

  it('puts what to do after a fatal answer first, without repeating it for its phase', () => {
    const summary: RunSummary = {
      outcome: 'failed',
      durationMs: 2000,
      countsByStatus: countsOf({ failed: 1, skipped: 1 }),
      phases: [
        { phaseId: 1, status: 'failed', attempts: 1, durationMs: 2000, reason: 'claude is not logged in: run `claude`' },
        { phaseId: 2, status: 'skipped', attempts: 0, durationMs: 0, reason: 'stopped: phase 1 not_logged_in' },
      ],
      fatal: { phaseId: 1, error: { name: 'AgentError', code: 'not_logged_in', message: 'claude is not logged in: run `claude`' } },
    };
    expect(formatRunReport(summary, context()).lines).toEqual([
      '✗ run failed in 2s: 1 failed, 1 skipped',
      'stopped: phase 1: claude is not logged in: run `claude`',
      '  phase 1 (Setup) failed (log: .hypervisor/runs/run-1/phase-1.log)',
      '  phase 2 (Build) skipped: stopped: phase 1 not_logged_in',
    ]);
  });

  it('names at most ten phases, leaves out those already complete, and counts the rest', () => {
    const phases = Array.from({ length: 13 }, (_, index) => ({ phaseId: index + 1, status: 'skipped' as const, attempts: 0, durationMs: 0, reason: index === 0 ? 'already complete' : 'skipped by the user' }));
    const { lines } = formatRunReport({ outcome: 'failed', durationMs: 1, countsByStatus: countsOf({ skipped: 13 }), phases }, context());
    expect(lines).toHaveLength(12);
    expect(lines[1]).toBe('  phase 2 (Build) skipped: skipped by the user');
    expect(lines[11]).toBe('  … and 2 more');
  });

  it('shows a log outside the working directory by its absolute path', () => {
    const summary: RunSummary = { outcome: 'failed', durationMs: 1, countsByStatus: countsOf({ failed: 1 }), phases: [{ phaseId: 1, status: 'failed', attempts: 1, durationMs: 1, reason: 'x' }] };
    expect(formatRunReport(summary, { ...context(), cwd: '/elsewhere' }).lines[1]).toBe('  phase 1 (Setup) failed: x (log: /repo/.hypervisor/runs/run-1/phase-1.log)');
    expect(formatRunReport(summary, { ...context(), cwd: '/repo/.hypervisor/runs/run-1/phase-1.log' }).lines[1]).toBe('  phase 1 (Setup) failed: x (log: .)');
  });

  it('says how to resume an interrupted run', () => {
    const summary: RunSummary = { outcome: 'cancelled', durationMs: 1500, countsByStatus: countsOf({ success: 1, cancelled: 2 }), phases: [] };
    expect(formatRunReport(summary, context())).toEqual({
      level: 'error',
      lines: [
        'run interrupted after 1.5s: 1 success, 2 cancelled; the running phases were stopped and their state written',
        'to resume, run `hypervisor run plans/demo` again: completed phases are skipped',
      ],
    });
  });

  it('says the run stopped, not that it was interrupted, when it stopped by itself', () => {
    const summary: RunSummary = { outcome: 'cancelled', durationMs: 1500, countsByStatus: countsOf({ success: 1, cancelled: 2 }), phases: [] };
    const stopped = { ...context(), stoppedBy: () => 'no space left on the device (ENOSPC): cannot write the run record' };
    expect(formatRunReport(summary, stopped).lines[0]).toBe('run stopped after 1.5s: 1 success, 2 cancelled; the running phases were stopped and their state written');
  });

  it('says where the worktrees of unfinished phases are kept, after a failure and after an interrupt', () => {
    const kept = { ...context(), keptWorktrees: () => '/repo/.hypervisor/worktrees/run-1' };
    const line = 'the worktrees of the phases that did not finish are kept in .hypervisor/worktrees/run-1: `hypervisor status` lists them, `hypervisor clean` removes them';
    const failed: RunSummary = { outcome: 'failed', durationMs: 1000, countsByStatus: countsOf({ failed: 1 }), phases: [{ phaseId: 1, status: 'failed', attempts: 1, durationMs: 1000, reason: 'exit 1' }] };
    const cancelled: RunSummary = { outcome: 'cancelled', durationMs: 1000, countsByStatus: countsOf({ cancelled: 1 }), phases: [] };
    expect(formatRunReport(failed, kept).lines.at(-1)).toBe(line);
    expect(formatRunReport(cancelled, kept).lines.at(-1)).toBe(line);
    expect(formatRunReport(failed, { ...context(), keptWorktrees: () => undefined }).lines).not.toContain(line);
  });

  it('keeps every reason and a fatal answer on one line, whatever a summary from elsewhere carries', () => {
    const summary: RunSummary = {
      outcome: 'failed',
      durationMs: 1000,
      countsByStatus: countsOf({ failed: 2 }),
      phases: [
        { phaseId: 1, status: 'failed', attempts: 1, durationMs: 500 },
        { phaseId: 2, status: 'failed', attempts: 1, durationMs: 500, reason: 'exit 1: first line\nsecond line\n' },
      ],
      fatal: { phaseId: 1, error: { name: 'AgentError', message: 'Not logged in\nrun /login\n' } },
    };
    const { lines } = formatRunReport(summary, context());
    expect(lines).toContain('stopped: phase 1: Not logged in ⏎ run /login');
    expect(lines.some((line) => line.startsWith('  phase 2 (Build) failed: exit 1: first line ⏎ second line ('))).toBe(true);
  });

  it('counts only the statuses some phase has', () => {
    expect(formatCounts({ outcome: 'succeeded', durationMs: 0, countsByStatus: countsOf(), phases: [] })).toBe('');
  });
});

describe('formatDryRunReport', () => {
  function dryRun(): { events: HypervisorEvent[]; tracker: RunTracker } {
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'dry_run', workers: 2 });
    const event = eventMaker();
    const events: HypervisorEvent[] = [
      event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'dry_run', maxWorkers: 2 }),
      event('phase:finished', 0, { phaseId: 1, status: 'skipped', attempts: 0, durationMs: 0, reason: 'already complete' }),
      event('phase:queued', 0, { phaseId: 2 }),
      event('phase:queued', 0, { phaseId: 3 }),
      event('phase:started', 0, { phaseId: 2, attempt: 1 }),
      event('phase:started', 0, { phaseId: 3, attempt: 1 }),
      event('phase:finished', 30_000, { phaseId: 3, status: 'success', attempts: 1, durationMs: 30_000 }),
      event('phase:finished', 120_000, { phaseId: 2, status: 'success', attempts: 1, durationMs: 120_000 }),
      event('run:finished', 120_000, { summary: { outcome: 'succeeded', durationMs: 120_000, countsByStatus: countsOf({ success: 2, skipped: 1 }), phases: [] } }),
    ];
    for (const e of events) tracker.apply(e);
    return { events, tracker };
  }

  it('shows when each phase would start, its estimate and command, what resume skips, the critical path and the makespan', () => {
    const { events, tracker } = dryRun();
    const report = formatDryRunReport(events, {
      tracker,
      estimateOf: (id) => ({ durationMs: phases.find((phase) => phase.id === id)?.estimateMs ?? 0, source: id === 2 ? 'history' : 'effort' }),
      commandOf: (id) => (id === 2 ? { agent: 'shell', model: '-', command: 'npm run build' } : { agent: 'claude', model: 'opus', command: 'claude -p <prompt: 20 chars> --model opus' }),
      criticalPath: { phaseIds: [1, 2], lengthMs: 180_000 },
    });
    expect(report).toBe(
      [
        'Dry run of plan "demo" (2 workers): nothing was run or written.',
        '  start  estimate          id  phase  agent   model  command',
        '  +0s    2m 00s (history)  2   Build  shell   -      npm run build',
        '  +0s    30s (effort)      3   Test   claude  opus   claude -p <prompt: 20 chars> --model opus',
        'Resume would skip:',
        '  1 (Setup): already complete',
        'Critical path: 1 → 2 (3m 00s)',
        'Estimated makespan: 2m 00s, up to 2 phases at once',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing would run', () => {
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'dry_run', workers: 1 });
    const report = formatDryRunReport([], { tracker, estimateOf: () => ({ durationMs: 0, source: 'default' }), commandOf: () => ({ agent: '', model: '', command: '' }), criticalPath: { phaseIds: [1], lengthMs: 1 } });
    expect(report).toBe(['Dry run of plan "demo" (1 worker): nothing was run or written.', 'Nothing would run.', 'Critical path: 1 (1ms)', 'Estimated makespan: 0s, up to 0 phases at once', ''].join('\n'));
  });
});
