import { describe, expect, it } from '@jest/globals';
import { analyzePlan } from '../graph/analyze-plan.js';
import { definePlan } from '../plan/define-plan.js';
import { companion, companionAnalysis, nasty, nastyAnalysis } from './__fixtures__/plans.js';
import { renderAnalysisText } from './render-text.js';

describe('renderAnalysisText', () => {
  it('shows the order, levels, each phase with estimate, source and slack, the critical path marked, bound and makespan', () => {
    expect(renderAnalysisText(companionAnalysis, companion)).toBe(
      [
        'Plan companion: 9 phases, 2 workers, group policy strict',
        '',
        'Order: 7, 10, 5, 20, 30, 40, 50, 60, 1',
        '',
        'Levels (widest: level 1, 3 phases):',
        '  0: 7, 10',
        '  1: 5, 20, 30',
        '  2: 40, 60',
        '  3: 50',
        '  4: 1',
        '',
        'Phases in order (* on the critical path):',
        '     id  level  estimate       slack  title',
        '     7   0      2.5s (tokens)  12.5s  Docs',
        '  *  10  0      3s (tokens)    0s     Setup',
        '     5   1      4s (tokens)    1s     Schema',
        '  *  20  1      5s (tokens)    0s     Core',
        '     30  1      2s (tokens)    6s     Parser',
        '     40  2      1s (tokens)    6s     Lint',
        '     50  3      2s (effort)    6s     CLI',
        '  *  60  2      6s (explicit)  0s     Integration',
        '  *  1   4      1s (tokens)    0s     Release',
        '',
        'Critical path: 10 -> 20 -> 60 -> 1 (15s)',
        'Total work: 26.5s',
        'Lower bound: 15s (critical path 15s; total work / 2: 13.3s)',
        'Estimated makespan: 21s on 2 workers, at most 2 at once',
        '',
      ].join('\n'),
    );
  });

  it('shows hours and minutes for long plans and says "worker" for one', () => {
    const plan = definePlan([{ id: 1, name: 'Long', estimates: { durationMs: 7_500_000 } }], { name: 'long' });
    const text = renderAnalysisText(analyzePlan(plan, { workers: 1 }), plan);
    expect(text).toContain('Plan long: 1 phases, 1 worker, group policy strict');
    expect(text).toContain('  *  1   0      2h 05m (explicit)  0s     Long');
    expect(text).toContain('Estimated makespan: 2h 05m on 1 worker, at most 1 at once');
  });

  it('keeps every title on its own row, whatever characters it has', () => {
    const lines = renderAnalysisText(nastyAnalysis, nasty).split('\n');
    expect(lines[0]).toBe('Plan nasty "plan" {x}: 4 phases, 4 workers, group policy strict');
    const rows = lines.slice(lines.indexOf('Phases in order (* on the critical path):') + 2, lines.indexOf('Critical path: 1 -> 2 -> 3 (30m 00s)') - 1);
    expect(rows).toEqual([
      '  *  1   0      10m 00s (default)  0s       Say "hi" [now] {ok} (x) <b>bold</b> & #quot; ; | --> \\ back\\slash',
      '  *  2   1      10m 00s (default)  0s       line one line two line three line four',
      '  *  3   2      10m 00s (default)  0s       日本語 — émoji 🚀 ünïcødé',
      '     4   1      10m 00s (default)  10m 00s  tab here bell end]"',
    ]);
  });

  it('leaves the title empty for a phase the plan does not have', () => {
    const other = definePlan([{ id: 1, name: 'Only' }]);
    const text = renderAnalysisText(nastyAnalysis, other);
    expect(text).toContain('     4   1      10m 00s (default)  10m 00s\n');
  });
});
