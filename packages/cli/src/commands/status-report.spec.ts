import { describe, expect, it } from '@jest/globals';
import { renderStatusText } from './status-report.js';
import type { PhaseStatusJson, StatusReportJson } from './status-report.js';

const unreadable = (id: number, title: string, message: string): PhaseStatusJson => ({
  id,
  title,
  checkpoint: `checkpoints/phase_0${id}.toon`,
  status: 'unreadable',
  origin: null,
  format: null,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  attempts: null,
  resume: { skip: false, reason: 'unreadable-checkpoint' },
  error: { code: 'invalid_checkpoint', message },
});

function reportOf(phases: PhaseStatusJson[]): StatusReportJson {
  const counts = { success: 0, partial: 0, failed: 0, skipped: 0, cancelled: 0, running: 0, unreadable: phases.length, not_run: 0 };
  return { plan: 'demo', planDir: '/p', root: '/r', counts, resumeSkips: 0, phases, leftovers: { worktrees: [], branches: [] } };
}

describe('renderStatusText', () => {
  it('gives each unreadable checkpoint its reason on one line, long ones cut in the middle', () => {
    const long = `checkpoints/phase_02.toon: not a phase checkpoint: ${'field x is odd\n'.repeat(40)}overall is missing`;
    const text = renderStatusText(reportOf([unreadable(1, 'Set\nup', 'checkpoints/phase_01.toon: bad header\n\u001b[31mTOON 7\u001b[0m\n'), unreadable(2, 'Build', long)]));
    const lines = text.split('\n');
    expect(lines.slice(lines.indexOf('Unreadable checkpoints (resume runs these phases again):') + 1, -1)).toEqual([
      '  phase 1: checkpoints/phase_01.toon: bad header ⏎ TOON 7',
      expect.stringMatching(/^ {2}phase 2: checkpoints\/phase_02\.toon: not a phase checkpoint: field x is odd ⏎ .*….* ⏎ overall is missing$/),
    ]);
    expect(lines.at(-2)?.length).toBeLessThanOrEqual('  phase 2: '.length + 300);
    expect(lines.find((line) => line.startsWith('  1 '))).toMatch(/run {5}Set ⏎ up$/);
  });
});
