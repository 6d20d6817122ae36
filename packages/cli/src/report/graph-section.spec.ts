import { describe, expect, it } from '@jest/globals';
import type { ReportEdge, ReportPhaseRow, RunReport } from '@kazuba/core';
import { retryReport, snapshotReport } from './__fixtures__/reports.js';
import { renderGraphSection } from './graph-section.js';

/**
 * The retry run's report with a plan too big to route: a chain of 150 phases, the first also feeding every phase
 * from the third on (edges across many ranks).
 */
function fannedOutReport(): RunReport {
  const report = retryReport();
  const template = report.phases[0] as ReportPhaseRow;
  const ids = Array.from({ length: 150 }, (_, index) => index + 1);
  const phases = ids.map((phaseId) => ({ ...template, phaseId, title: `Step ${phaseId}`, critical: false }));
  const edges: ReportEdge[] = [...ids.slice(1).map((id) => ({ from: id - 1, to: id, critical: false })), ...ids.slice(2).map((id) => ({ from: 1, to: id, critical: false }))];
  return { ...report, phases, edges };
}

describe('renderGraphSection', () => {
  it('draws the graph in a box that scrolls both ways, between the heading and the path lines', () => {
    const html = renderGraphSection(retryReport());
    expect(html).toMatch(/^<section id="graph" aria-labelledby="graph-h"><h2 id="graph-h">Dependencies<\/h2><p class="muted">.*?<\/p><div id="graph-canvas" class="scroll graph-box"><svg class="graph" /);
    expect(html.match(/data-phase-id="/g)).toHaveLength(4);
    expect(html).toMatch(/<\/svg><\/div><p>Critical path by the estimates/);
  });

  it('names the critical and the observed path as links to their phases, or says there is none', () => {
    const report = retryReport();
    const html = renderGraphSection(report);
    expect(html).toContain('<p>Critical path by the estimates (150ms): <a href="#phase-1">1</a> → <a href="#phase-3">3</a></p>');
    expect(html).toMatch(/<p>Observed path \(what set the real end\) \(\d+ms\): <a href="#phase-4">4<\/a><\/p>/);
    expect(renderGraphSection({ ...report, observedPath: { phaseIds: [], lengthMs: 0 } })).toContain('<p>Observed path (what set the real end): none.</p>');
  });

  it('counts the phases and edges, and says how to read and use the drawing', () => {
    expect(renderGraphSection(retryReport())).toContain('<p class="muted">4 phases, 1 dependency edge. Dependencies point right.');
    const snapshot = renderGraphSection(snapshotReport());
    expect(snapshot).toContain('<p class="muted">4 phases, 2 dependency edges. ');
    expect(snapshot).toContain('click it (or press Enter) to jump to its phase.');
    expect(snapshot).not.toContain('too big');
  });

  it('says when a plan was too big to route and is drawn in columns with straight edges', () => {
    const html = renderGraphSection(fannedOutReport());
    expect(html).toMatch(/The plan is too big to route its edges quickly \([\d,]+ boxes and edge bends to place, over the 8,000 that are routed\): phases stand in columns/);
    expect(html.match(/data-phase-id="/g)).toHaveLength(150);
    expect(html).toContain('150 phases, 297 dependency edges.');
  });
});
