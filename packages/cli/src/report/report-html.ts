import type { RunReport } from '@kazuba/core';
import { escapeHtml } from './escape.js';
import { renderGanttSvg } from './gantt-svg.js';
import { renderGraphSection } from './graph-section.js';
import { renderFailures, renderPhaseTable } from './phase-table.js';
import type { PhaseLogTail } from './phase-table.js';
import { renderReportHeader } from './report-header.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_STYLES } from './report-styles.js';

/** What the report shows beyond the run's data: failed phases' log tails, and when it was made. */
export interface RunReportHtmlExtras {
  /** The tail of each failed phase's log; a failed phase not listed is shown without one. */
  readonly failures: readonly PhaseLogTail[];
  /** When the report was made, as it should read (an ISO 8601 time); a snapshot's banner names it. */
  readonly generatedAt: string;
}

// Nothing may be fetched: the page works offline and leaks nothing when opened. The data: icon stops the browser
// asking the server for /favicon.ico.
const HEAD_META =
  '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark">' +
  `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">` +
  '<link rel="icon" href="data:,">';

const OUTCOMES = ['succeeded', 'partial', 'failed', 'rate-limited', 'cancelled', 'skipped', 'running'] as const;

function renderLegend(): string {
  const outcomes = OUTCOMES.map((outcome) => `<li><span class="sw o-${outcome}"></span>${outcome}</li>`);
  const others = [
    '<li><span class="sw w-backoff"></span>retry backoff</li>',
    '<li><span class="sw w-rate-limit"></span>rate-limit wait</li>',
    '<li><span class="sw crit"></span>critical path</li>',
    '<li><span class="sw marker"></span>breaker / budget event</li>',
  ];
  return `<ul class="legend" aria-label="Legend">${[...outcomes, ...others].join('')}</ul>`;
}

function renderTimeline(report: RunReport): string {
  const titles = new Map(report.phases.map((row) => [row.phaseId, row.title]));
  const body = report.bars.length === 0 ? '<p class="muted">No phase has started.</p>' : `<div class="scroll">${renderGanttSvg(report, titles)}</div>`;
  return [
    '<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>',
    '<p class="muted">One lane per worker slot, one bar per attempt. Hover or focus a bar for its details; click it (or press Enter) to jump to its phase.</p>',
    renderLegend(),
    body,
    '</section>',
  ].join('');
}

/**
 * Writes the run report as one self-contained HTML document: inline CSS, SVG and a small script that only
 * enhances, nothing loaded from a URL, light and dark schemes. It holds the header, the Gantt timeline, the
 * dependency section, the phase table and, for each failed phase, its failure and escaped log tail.
 * @example
 * const html = renderRunReportHtml(buildRunReport({ plan, events }), { failures: [], generatedAt: new Date().toISOString() });
 */
export function renderRunReportHtml(report: RunReport, extras: RunReportHtmlExtras): string {
  const { header } = report;
  return [
    '<!doctype html><html lang="en"><head>',
    HEAD_META,
    `<title>${escapeHtml(`${header.plan}: ${header.outcome} (run ${header.runId})`)}</title>`,
    `<style>${REPORT_STYLES}</style></head><body>`,
    renderReportHeader(header, extras.generatedAt),
    '<main>',
    renderTimeline(report),
    renderGraphSection(report),
    renderPhaseTable(report.phases),
    renderFailures(report.phases, extras.failures),
    '</main>',
    `<footer>Made by hypervisor report on ${escapeHtml(extras.generatedAt)}.</footer>`,
    '<div id="tip" role="tooltip" hidden></div>',
    `<script>${REPORT_SCRIPT}</script>`,
    '</body></html>\n',
  ].join('');
}
