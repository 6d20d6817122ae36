import { describe, expect, it } from '@jest/globals';
import type { RunReport } from '@kazuba/core';
import { MALICIOUS_LOG, MALICIOUS_TITLE, failedReport, interruptedReport, retryReport, snapshotReport } from './__fixtures__/reports.js';
import { formatStatusCounts } from './report-header.js';
import { renderRunReportHtml } from './report-html.js';
import { REPORT_SCRIPT } from './report-script.js';

const GENERATED_AT = '2025-06-01T12:00:00.000Z';

function htmlOf(report: RunReport, failures: { phaseId: number; logTail: string }[] = []): string {
  return renderRunReportHtml(report, { failures, generatedAt: GENERATED_AT });
}

/** Every address the document's tags refer to (src, href and the like) and every CSS url(…). */
function addressesIn(html: string): string[] {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  const attributes = tags.flatMap((tag) => [...tag.matchAll(/\s(?:src|href|xlink:href|srcset|action|formaction|poster|data)\s*=\s*["']?([^"'\s>]*)/gi)].map((match) => match[1] ?? ''));
  const urls = [...html.matchAll(/url\(\s*["']?([^)"']*)/gi)].map((match) => match[1] ?? '');
  return [...attributes, ...urls];
}

describe('renderRunReportHtml', () => {
  const reports = { succeeded: retryReport(), failed: failedReport(), snapshot: snapshotReport(), interrupted: interruptedReport() };

  it.each(Object.entries(reports))('writes a %s run as one document that loads nothing from a URL', (_name, report) => {
    const html = htmlOf(report, [{ phaseId: 1, logTail: MALICIOUS_LOG }]);
    expect(html.startsWith('<!doctype html><html lang="en"><head>')).toBe(true);
    expect(html.trimEnd().endsWith('</body></html>')).toBe(true);
    const addresses = addressesIn(html);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !address.startsWith('#') && address !== 'data:,')).toEqual([]);
    expect(html).not.toMatch(/https?:\/\/|<link[^>]+stylesheet|@import|@font-face|<script[^>]+src/i);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none';`);
  });

  it('has a dark colour scheme beside the light one', () => {
    const html = htmlOf(reports.succeeded);
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toMatch(/@media \(prefers-color-scheme:dark\)\{:root\{--bg:#0d1117;/);
  });

  it('draws every attempt as a bar with its phase id and attempt, and the waits and critical outline', () => {
    const html = htmlOf(reports.succeeded);
    const bars = html.match(/<rect class="bar [^>]*data-phase-id="\d+" data-attempt="\d+" tabindex="0"/g) ?? [];
    expect(bars).toHaveLength(reports.succeeded.bars.filter((bar) => bar.kind === 'attempt').length);
    expect(html.match(/<rect class="wait /g)).toHaveLength(2);
    expect(html).toContain('.bar.crit{stroke:var(--crit);stroke-width:2}');
    expect(html.match(/class="bar [^"]*crit"/g)).toHaveLength(2);
    expect(html).toContain('<span class="sw w-backoff"></span>retry backoff');
  });

  it('heads the page with the plan, the outcome and the facts of the run', () => {
    const html = htmlOf(reports.succeeded);
    expect(html).toContain('<h1>Run report: demo</h1>');
    expect(html).toContain('<title>demo: succeeded (run run-1)</title>');
    for (const fact of [
      '<dt>Outcome</dt><dd><span class="outcome">succeeded</span></dd>',
      '<dt>Started</dt><dd>2023-11-14T22:13:20.000Z</dd>',
      '<dt>Wall time</dt><dd>230ms</dd>',
      '<dt>Workers</dt><dd>2, parallel</dd>',
      '<dt>Phases</dt><dd>4 success</dd>',
      '<dt>Retries</dt><dd>1, 1 rate-limit wait</dd>',
      '<dt>Cost</dt><dd>$1.25</dd>',
      '<dt>Turns</dt><dd>12</dd>',
      '<dt>Makespan</dt><dd>predicted 280ms, real 230ms (−18%)</dd>',
    ]) {
      expect(html).toContain(fact);
    }
    expect(html).not.toContain('class="banner');
  });

  it('says a snapshot is one, and when it was taken', () => {
    const html = htmlOf(reports.snapshot);
    expect(html).toContain(`<strong>Snapshot.</strong> The run had not finished when this report was made (${GENERATED_AT})`);
    expect(html).toContain('<dt>Phases</dt><dd>1 success, 1 running, 1 waiting, 1 pending</dd>');
    expect(html).toContain('<dt>Makespan</dt><dd>predicted 40m 00s, 500ms so far</dd>');
    expect(html).toContain('<span class="st st-waiting">waiting</span>');
  });

  it('says an interrupted run was cancelled', () => {
    const html = htmlOf(reports.interrupted);
    expect(html).toContain('<p class="banner interrupted" role="status"><strong>Interrupted.</strong>');
    expect(html).toContain('<dt>Phases</dt><dd>2 cancelled</dd>');
  });

  it('says a failed run failed, and which failure stopped it', () => {
    const html = htmlOf(reports.failed);
    expect(html).toContain('<strong>Failed.</strong> 2 phases failed;');
    expect(html).toContain('<strong>Stopped by phase <a href="#phase-1">1</a>:</strong> PhaseFailure [agent_failed]: exit 1 &lt;oops&gt;');
    expect(html).toContain('<dt>Cost</dt><dd>not reported</dd>');
    expect(html).toContain('<dt>Turns</dt><dd>not reported</dd>');
  });

  it('escapes a hostile phase title and log tail everywhere they appear', () => {
    const html = htmlOf(reports.failed, [{ phaseId: 1, logTail: MALICIOUS_LOG }]);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html.match(/<pre>/g)).toHaveLength(1);
    expect(html.match(/<\/pre>/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain(MALICIOUS_TITLE);
    expect(html).toContain('<td>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</td>');
    expect(html).toContain('aria-label="Phase 1: &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;&#10;attempt 1');
    expect(html).toContain(
      '<pre>npm ERR! &lt;/pre&gt;&lt;script&gt;alert(&#39;log&#39;)&lt;/script&gt;\n&lt;/style&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; done\nred</pre>',
    );
    expect(html).toContain('<h1>Run report: broken &lt;plan&gt;</h1>');
    expect(html).toContain('<code>run-&quot;x&quot;</code>');
  });

  it("lists each failed phase with its reason, its error and its log tail, or says it has none", () => {
    const html = htmlOf(reports.failed, [{ phaseId: 1, logTail: 'boom' }, { phaseId: 2, logTail: 'not failed' }]);
    expect(html).toContain('<article class="failure" id="failure-1">');
    expect(html).toContain('<p>bad &quot;thing&quot; &lt;/pre&gt;</p><p><code>PhaseFailure [agent_failed]</code>: exit 1 &lt;oops&gt;</p><pre>boom</pre>');
    expect(html).toContain('<article class="failure" id="failure-3"><h3><a href="#phase-3">Phase 3</a></h3><p><code>Error</code>: no code</p><p class="muted">No log tail was captured.</p>');
    expect(html).not.toContain('failure-2');
    expect(htmlOf(reports.failed, [{ phaseId: 1, logTail: '' }])).toContain('</code>: exit 1 &lt;oops&gt;</p><p class="muted">No log tail was captured.</p>');
    expect(html).not.toContain('not failed');
    expect(htmlOf(reports.succeeded)).not.toContain('id="failures"');
  });

  it('has a row per phase with status, attempts, duration against estimate, cost, turns and checkpoint', () => {
    const html = htmlOf(reports.succeeded);
    expect(html.match(/<tr id="phase-\d+">/g)).toHaveLength(4);
    expect(html).toContain(
      '<tr id="phase-2"><td class="n">2</td><td>Flaky tests</td><td><span class="st st-success">success</span></td><td class="n">2</td><td class="n"><span class="over">210ms</span> <span class="muted">/ 100ms</span></td><td class="n">$0.75</td><td class="n">8</td><td class="n"></td><td>claude · sonnet</td><td><code>checkpoints/phase_02.toon</code></td></tr>',
    );
    expect(html).toMatch(/<tr id="phase-1"><td class="n">1 <span title="on the critical path"/);
    const pending = htmlOf(reports.snapshot);
    expect(pending).toContain('<tr id="phase-4"><td class="n">4 <span title="on the critical path" aria-label="on the critical path">◆</span></td><td>Phase 4</td><td><span class="st st-pending">pending</span></td><td class="n">0</td><td class="n"><span>—</span> <span class="muted">/ 10m 00s</span></td>');
  });

  it("has a Quality column: a phase's validation score as a percentage, empty for a phase without one", () => {
    const report = reports.failed;
    const scored = (row: RunReport['phases'][number]) => (row.phaseId === 1 ? { ...row, quality: 0.855 } : row.phaseId === 3 ? { ...row, quality: 0 } : row);
    const html = htmlOf({ ...report, phases: report.phases.map(scored) });
    expect(html).toContain('<th scope="col">Turns</th><th scope="col">Quality</th><th scope="col">Agent · model</th>');
    const qualityOf = (id: number): string | undefined => new RegExp(`<tr id="phase-${id}">(?:<td[^>]*>.*?</td>){7}<td class="n">([^<]*)</td>`).exec(html)?.[1];
    expect([qualityOf(1), qualityOf(2), qualityOf(3)]).toEqual(['86%', '', '0%']);
  });

  it('shows a phase without an estimate by its duration alone, and a skipped one with its reason', () => {
    const report = reports.failed;
    const phases = report.phases.map((row) => (row.phaseId === 3 ? (({ estimateMs: _dropped, ...rest }) => rest)(row) : row));
    const html = htmlOf({ ...report, phases });
    expect(html).toContain('<td class="n">10ms</td>');
    expect(html).toContain('<span class="st st-skipped">skipped</span><br><span class="muted">dependency 1 failed</span>');
  });

  it('leaves a section for the dependency graph, naming the critical and the observed path', () => {
    const html = htmlOf(reports.succeeded);
    expect(html).toContain('<section id="graph" aria-labelledby="graph-h">');
    expect(html).toContain('<div id="graph-canvas" class="scroll graph-box"><svg class="graph" ');
    expect(html).toContain('<p>Critical path by the estimates (150ms): <a href="#phase-1">1</a> → <a href="#phase-3">3</a></p>');
    expect(html).toMatch(/<p>Observed path \(what set the real end\) \(\d+ms\): <a href="#phase-4">4<\/a><\/p>/);
    expect(htmlOf({ ...reports.succeeded, observedPath: { phaseIds: [], lengthMs: 0 } })).toContain('<p>Observed path (what set the real end): none.</p>');
  });

  it('says so when no phase has started yet', () => {
    const html = htmlOf({ ...reports.snapshot, bars: [], lanes: [] });
    expect(html).toContain('<p class="muted">No phase has started.</p>');
    expect(html).not.toContain('<svg class="gantt"');
  });

  it('leaves out the drift when nothing was predicted, and a missing error code', () => {
    const { header } = reports.failed;
    const report = { ...reports.failed, header: { ...header, makespanMs: { predicted: 0, real: 40 }, fatal: { phaseId: 1, error: { name: 'Boom', message: 'gone' } } } };
    const html = htmlOf(report);
    expect(html).toContain('<dd>predicted 0s, real 40ms</dd>');
    expect(html).toContain('</strong> Boom: gone</p>');
    const late = htmlOf({ ...reports.succeeded, header: { ...reports.succeeded.header, makespanMs: { predicted: 100, real: 150 } } });
    expect(late).toContain('<dd>predicted 100ms, real 150ms (+50%)</dd>');
  });

  it('carries a script that only enhances and cannot end its own element early', () => {
    const html = htmlOf(reports.succeeded);
    expect(REPORT_SCRIPT).not.toContain('</');
    expect(html).toContain(`<script>${REPORT_SCRIPT}</script>`);
    expect(html).toContain('<div id="tip" role="tooltip" hidden></div>');
    expect(html).toContain(`<footer>Made by hypervisor report on ${GENERATED_AT}.</footer>`);
  });
});

describe('formatStatusCounts', () => {
  it('says none when no phase has a status', () => {
    expect(formatStatusCounts({ success: 0, partial: 0, failed: 0, skipped: 0, cancelled: 0, running: 0, waiting: 0, queued: 0, pending: 0 })).toBe('none');
  });
});
