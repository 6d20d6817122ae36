import { describe, expect, it } from '@jest/globals';
import type { AttemptBar, RunReport, WaitBar } from '@kazuba/core';
import { retryReport, snapshotReport } from './__fixtures__/reports.js';
import { chooseTickStep, describeAttempt, describeWait, renderGanttSvg } from './gantt-svg.js';

const titlesOf = (report: RunReport) => new Map(report.phases.map((row) => [row.phaseId, row.title]));

/** The opening tags of the elements of a class, e.g. every `<rect class="bar …">`. */
function tagsOf(svg: string, pattern: RegExp): string[] {
  return svg.match(pattern) ?? [];
}

describe('renderGanttSvg', () => {
  const report = retryReport();
  const svg = renderGanttSvg(report, titlesOf(report));

  it('draws one focusable rect per attempt, each with its phase id and attempt number', () => {
    const bars = tagsOf(svg, /<rect class="bar [^>]*>/g);
    expect(bars).toHaveLength(6);
    expect(bars.map((tag) => [/data-phase-id="(\d+)"/.exec(tag)?.[1], /data-attempt="(\d+)"/.exec(tag)?.[1]])).toEqual([
      ['1', '1'],
      ['2', '1'],
      ['3', '1'],
      ['2', '2'],
      ['4', '1'],
      ['4', '1'],
    ]);
    expect(bars.every((tag) => tag.includes('tabindex="0"') && tag.includes('aria-label="Phase '))).toBe(true);
  });

  it('colours each attempt by how it ended and outlines the critical path', () => {
    const bars = tagsOf(svg, /<rect class="bar [^"]*"/g);
    expect(bars).toEqual([
      '<rect class="bar o-succeeded crit"',
      '<rect class="bar o-failed"',
      '<rect class="bar o-succeeded crit"',
      '<rect class="bar o-succeeded"',
      '<rect class="bar o-rate-limited"',
      '<rect class="bar o-succeeded"',
    ]);
  });

  it('draws the backoff and the rate-limit wait as hatched bars that are not attempts', () => {
    const waits = tagsOf(svg, /<rect class="wait [^>]*>/g);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toContain('class="wait w-backoff"');
    expect(waits[1]).toContain('class="wait w-rate-limit"');
    expect(waits.every((tag) => !tag.includes('data-phase-id') && tag.includes('data-wait-for'))).toBe(true);
    expect(svg).toContain('<pattern id="hatch-backoff"');
    expect(svg).toContain('<pattern id="hatch-rate-limit"');
  });

  it('puts a tooltip in every bar as <title>, the same text as its aria-label', () => {
    expect(svg).toContain(
      '<title>Phase 2: Flaky tests\nattempt 1 · failed\n50ms, from 0s to 50ms\nagent claude · model opus\n$0.25 · 3 turns\nreason: tests failed</title>',
    );
    expect(svg).toContain('aria-label="Phase 2: Flaky tests&#10;attempt 1 · failed&#10;50ms, from 0s to 50ms&#10;agent claude · model opus&#10;$0.25 · 3 turns&#10;reason: tests failed"');
  });

  it('draws the breaker events as vertical markers with their text', () => {
    const markers = tagsOf(svg, /<g class="marker [^"]*"/g);
    expect(markers).toEqual(['<g class="marker m-breaker-opened"', '<g class="marker m-breaker-half-opened"', '<g class="marker m-breaker-closed"']);
    expect(svg).toContain('<title>breaker opened after 1 consecutive failures (at 50ms)</title>');
  });

  it('labels a lane per worker slot and a time axis from 0 to the end of the run', () => {
    expect(tagsOf(svg, /<text class="lane-label"/g)).toHaveLength(2);
    expect(svg).toContain('worker 2: 1 phase, busy 110ms');
    const ticks = tagsOf(svg, /<text class="tick"[^>]*>[^<]*</g).map((tag) => tag.replace(/.*>/, '').replace('<', ''));
    expect(ticks).toEqual(['0s', '50ms', '100ms', '150ms', '200ms']);
  });

  it('marks a wait that was still open at the snapshot', () => {
    const snapshot = snapshotReport();
    expect(renderGanttSvg(snapshot, titlesOf(snapshot))).toContain('class="wait w-backoff open"');
  });

  it('widens the plot when a lane holds many bars', () => {
    const bars: AttemptBar[] = Array.from({ length: 400 }, (_, index) => ({
      kind: 'attempt',
      phaseId: index + 1,
      attempt: 1,
      startMs: index * 10,
      endMs: index * 10 + 10,
      lane: 0,
      critical: false,
      outcome: 'succeeded',
    }));
    const busy = { ...report, bars, markers: [], header: { ...report.header, wallMs: 4_000 } };
    expect(renderGanttSvg(busy, new Map())).toMatch(/^<svg class="gantt" width="2488" /);
    expect(renderGanttSvg(busy, new Map())).toContain('aria-label="Phase 7&#10;');
  });
});

describe('describeAttempt', () => {
  const bar: AttemptBar = { kind: 'attempt', phaseId: 3, attempt: 1, startMs: 0, endMs: 1_500, lane: 0, critical: false, outcome: 'running' };

  it('leaves out what the attempt did not report', () => {
    expect(describeAttempt(bar, new Map([[3, 'Ship']]))).toBe('Phase 3: Ship\nattempt 1 · running\n1.5s, from 0s to 1.5s');
  });

  it('names a phase by its id when it has no title', () => {
    expect(describeAttempt({ ...bar, model: 'haiku', turns: 2 }, new Map([[3, '']]))).toBe('Phase 3\nattempt 1 · running\n1.5s, from 0s to 1.5s\nmodel haiku\n2 turns');
  });
});

describe('describeWait', () => {
  it('says which wait it was, how long against the plan, and why', () => {
    const wait: WaitBar = { kind: 'wait', phaseId: 1, attempt: 2, startMs: 0, endMs: 90_000, lane: 0, critical: false, wait: 'rate-limit', plannedMs: 60_000, reason: 'usage limit', open: false };
    expect(describeWait(wait, new Map())).toBe('Phase 1\nrate-limit wait after attempt 2\nwaited 1m 30s of 1m 00s planned\nreason: usage limit');
  });
});

describe('chooseTickStep', () => {
  it.each([
    [1, 1],
    [230, 50],
    [95_000, 1e4],
    [45 * 60_000, 3e5],
    [30 * 864e5, 3 * 864e5],
  ])('spaces the ticks of a %d ms span %d ms apart', (span, step) => {
    expect(chooseTickStep(span)).toBe(step);
  });
});
