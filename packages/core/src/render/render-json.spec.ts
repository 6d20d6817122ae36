import { describe, expect, it } from '@jest/globals';
import { companionAnalysis } from './__fixtures__/plans.js';
import { renderAnalysisJson, renderAnalysisJsonText } from './render-json.js';

describe('renderAnalysisJson', () => {
  const json = renderAnalysisJson(companionAnalysis);

  it('turns the analysis into plain data with its maps as objects keyed by phase id', () => {
    expect(json).toEqual({
      plan: 'companion',
      workers: 2,
      groupPolicy: 'strict',
      order: [7, 10, 5, 20, 30, 40, 50, 60, 1],
      levels: [[7, 10], [5, 20, 30], [40, 60], [50], [1]],
      widestLevel: { level: 1, width: 3 },
      estimates: {
        1: { durationMs: 1000, source: 'tokens' },
        5: { durationMs: 4000, source: 'tokens' },
        7: { durationMs: 2500, source: 'tokens' },
        10: { durationMs: 3000, source: 'tokens' },
        20: { durationMs: 5000, source: 'tokens' },
        30: { durationMs: 2000, source: 'tokens' },
        40: { durationMs: 1000, source: 'tokens' },
        50: { durationMs: 2000, source: 'effort' },
        60: { durationMs: 6000, source: 'explicit' },
      },
      totalWorkMs: 26_500,
      criticalPath: { phaseIds: [10, 20, 60, 1], lengthMs: 15_000 },
      slackMs: { 1: 0, 5: 1000, 7: 12_500, 10: 0, 20: 0, 30: 6000, 40: 6000, 50: 6000, 60: 0 },
      lowerBoundMs: 15_000,
      makespanMs: 21_000,
      peakConcurrency: 2,
    });
  });

  it('survives a JSON round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('keeps a stable key order: the fields of PlanAnalysis, then phase ids ascending', () => {
    expect(Object.keys(json)).toEqual(['plan', 'workers', 'groupPolicy', 'order', 'levels', 'widestLevel', 'estimates', 'totalWorkMs', 'criticalPath', 'slackMs', 'lowerBoundMs', 'makespanMs', 'peakConcurrency']);
    expect(Object.keys(json.estimates)).toEqual(['1', '5', '7', '10', '20', '30', '40', '50', '60']);
    expect(Object.keys(json.estimates['1'] ?? {})).toEqual(['durationMs', 'source']);
  });

  it('copies the arrays, so changing the result leaves the analysis alone', () => {
    const copy = renderAnalysisJson(companionAnalysis);
    copy.order.push(99);
    copy.levels[0]?.push(99);
    copy.criticalPath.phaseIds.pop();
    expect(companionAnalysis.order).toHaveLength(9);
    expect(companionAnalysis.levels[0]).toEqual([7, 10]);
    expect(companionAnalysis.criticalPath.phaseIds).toEqual([10, 20, 60, 1]);
  });
});

describe('renderAnalysisJsonText', () => {
  it('prints the same data as two-space indented JSON ending in a newline', () => {
    const text = renderAnalysisJsonText(companionAnalysis);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "plan": "companion",\n  "workers": 2,')).toBe(true);
    expect(JSON.parse(text)).toEqual(renderAnalysisJson(companionAnalysis));
  });
});
