import { describe, expect, it } from '@jest/globals';
import type { ReportPhaseRow, RunReport } from '@kazuba/core';
import { MALICIOUS_TITLE, failedReport, retryReport, snapshotReport } from './__fixtures__/reports.js';
import { layoutGraph } from './graph-layout.js';
import { GRAPH_TITLE_CHARS, describeGraphPhase, renderGraphSvg, shortenTitle } from './graph-svg.js';

function svgOf(report: RunReport): string {
  return renderGraphSvg(
    report.phases,
    layoutGraph(
      report.phases.map((row) => row.phaseId),
      report.edges,
    ),
  );
}

/** Each phase's box: its opening tag and everything up to its end. */
function boxesOf(svg: string): Map<number, string> {
  const boxes = svg.match(/<g class="gn [^"]*" data-phase-id="\d+"[\s\S]*?<\/g>/g) ?? [];
  return new Map(boxes.map((box) => [Number(/data-phase-id="(\d+)"/.exec(box)?.[1]), box]));
}

const classOf = (box: string | undefined): string | undefined => /^<g class="([^"]*)"/.exec(box ?? '')?.[1];

/** The edges' paths, as `crit` or `-` for each, in drawing order. */
function edgesOf(svg: string): string[] {
  const edges = /<g class="ge" aria-hidden="true">(.*?)<\/g>/.exec(svg)?.[1] ?? '';
  return [...edges.matchAll(/<path( class="crit")? d="M/g)].map((match) => (match[1] === undefined ? '-' : 'crit'));
}

describe('renderGraphSvg', () => {
  it('draws one focusable box per phase, each with its phase id and its details as accessible name and title', () => {
    const report = retryReport();
    const svg = svgOf(report);
    const boxes = boxesOf(svg);
    expect([...boxes.keys()]).toEqual([1, 2, 3, 4]);
    expect(svg.match(/data-phase-id=/g)).toHaveLength(4);
    for (const box of boxes.values()) expect(box).toMatch(/ tabindex="0" role="img" aria-label="Phase \d+: [^"]+"><title>Phase \d+: /);
    expect(boxes.get(2)).toContain('aria-label="Phase 2: Flaky tests&#10;success · 2 attempts · 210ms"><title>Phase 2: Flaky tests\nsuccess · 2 attempts · 210ms</title>');
    expect(boxes.get(2)).toContain('<text x="8" y="15">2 · success</text><text x="8" y="30">Flaky tests</text>');
  });

  it('colours each box by its status and outlines the critical path', () => {
    const failed = boxesOf(svgOf(failedReport()));
    expect([1, 2, 3].map((id) => classOf(failed.get(id)))).toEqual(['gn st-failed crit', 'gn st-skipped crit', 'gn st-failed']);
    const snapshot = boxesOf(svgOf(snapshotReport()));
    expect([1, 2, 3, 4].map((id) => classOf(snapshot.get(id)))).toEqual(['gn st-success crit', 'gn st-running', 'gn st-waiting', 'gn st-pending crit']);
  });

  it('marks the edges of the critical path, drawn after the others so that they stay on top', () => {
    expect(edgesOf(svgOf(retryReport()))).toEqual(['crit']);
    // Snapshot: 2 → 4 is not on the critical path, 1 → 4 is.
    expect(edgesOf(svgOf(snapshotReport()))).toEqual(['-', 'crit']);
    const report = retryReport();
    const uncritical = { ...report, edges: report.edges.map((edge) => ({ ...edge, critical: false })) };
    expect(edgesOf(svgOf(uncritical))).toEqual(['-']);
  });

  it('draws each edge along its route, in relative steps after the first point, with its arrowhead defined once', () => {
    const layout = { method: 'routed' as const, work: 2, width: 400, height: 100, phases: [], edges: [{ from: 1, to: 2, critical: false, points: [{ x: 168, y: 27 }, { x: 192, y: 40 }, { x: 216, y: 27 }] }] };
    const svg = renderGraphSvg([], layout);
    expect(svg).toContain('<path d="M168 27l24 13 24 -13"/>');
    expect(svg).toContain('<svg class="graph" width="400" height="100" viewBox="0 0 400 100" role="group"');
    expect(svg.match(/<marker id="graph-arrow"/g)).toHaveLength(1);
    expect(svg.match(/<marker id="graph-arrow-crit"/g)).toHaveLength(1);
  });

  it('names where reading starts: just above and left of the topmost phase of the leftmost column', () => {
    const phases = [
      { phaseId: 1, x: 216, y: 8 },
      { phaseId: 2, x: 8, y: 900 },
      { phaseId: 3, x: 8, y: 400 },
    ];
    const rows = retryReport().phases.slice(0, 3);
    const layout = { method: 'routed' as const, work: 3, width: 400, height: 1000, phases, edges: [] };
    expect(renderGraphSvg(rows, layout)).toContain('viewBox="0 0 400 1000" data-start="0 392" role="group"');
    expect(renderGraphSvg([], { ...layout, phases: [] })).not.toContain('data-start');
  });

  it('gives the picture the size of its layout', () => {
    const report = retryReport();
    const layout = layoutGraph(
      report.phases.map((row) => row.phaseId),
      report.edges,
    );
    expect(renderGraphSvg(report.phases, layout)).toContain(`width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}"`);
  });

  it('escapes a hostile title in the label, the title and the accessible name', () => {
    const svg = svgOf(failedReport());
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain(MALICIOUS_TITLE);
    const box = boxesOf(svg).get(1);
    expect(box).toContain('aria-label="Phase 1: &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;&#10;failed');
    expect(box).toContain('<title>Phase 1: &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;\nfailed');
    expect(box).toContain('<text x="8" y="30">&lt;script&gt;alert(&quot;title&quot;)&lt;…</text>');
  });

  it('cuts a long title in the box, keeps it whole in the title, and writes no second line for an untitled phase', () => {
    const report = retryReport();
    const title = 'Implement part 12 of the migration to the new storage layer';
    const phases = report.phases.map((row) => (row.phaseId === 1 ? { ...row, title } : row));
    const box = boxesOf(svgOf({ ...report, phases })).get(1);
    expect(box).toContain('<text x="8" y="30">Implement part 12 of th…</text>');
    expect(box).toContain(`<title>Phase 1: ${title}\n`);
    const untitled = boxesOf(svgOf(snapshotReport())).get(4);
    expect(untitled).toContain('<text x="8" y="15">4 · pending</text></g>');
  });
});

describe('shortenTitle', () => {
  it.each([
    ['Build', 'Build'],
    ['x'.repeat(GRAPH_TITLE_CHARS), 'x'.repeat(GRAPH_TITLE_CHARS)],
    ['x'.repeat(GRAPH_TITLE_CHARS + 1), `${'x'.repeat(GRAPH_TITLE_CHARS - 1)}…`],
    ['Deploy the new           service', 'Deploy the new…'],
  ])('keeps %j within the box as %j', (title, shown) => {
    expect(shortenTitle(title)).toBe(shown);
    expect(Array.from(shortenTitle(title)).length).toBeLessThanOrEqual(GRAPH_TITLE_CHARS);
  });

  it('never cuts a character in half', () => {
    expect(shortenTitle('🚀🚀🚀🚀', 3)).toBe('🚀🚀…');
  });
});

describe('describeGraphPhase', () => {
  const row: ReportPhaseRow = { phaseId: 7, title: 'Ship', status: 'failed', attempts: 1, checkpoint: 'checkpoints/phase_07.toon', critical: true, reason: 'tests failed', durationMs: 65_000 };

  it('says what the phase is, how it stands, whether it is critical and why it ended so, one fact a line', () => {
    expect(describeGraphPhase(row)).toBe('Phase 7: Ship\nfailed · 1 attempt · 1m 05s\non the critical path\nreason: tests failed');
  });

  it('leaves out what a phase that never ran does not have', () => {
    const { reason: _reason, durationMs: _duration, ...pending } = row;
    expect(describeGraphPhase({ ...pending, status: 'pending', attempts: 0, critical: false })).toBe('Phase 7: Ship\npending');
  });
});
