import { formatDuration } from '@kazuba/core';
import type { ReportPhaseStatus, RunReportHeader } from '@kazuba/core';
import { formatUsd } from '../run/live-frame.js';
import { escapeHtml } from './escape.js';

const STATUS_ORDER: readonly ReportPhaseStatus[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'running', 'waiting', 'queued', 'pending'];

/** `38 success, 1 failed`: the statuses some phase has, in a fixed order. */
export function formatStatusCounts(counts: RunReportHeader['phasesByStatus']): string {
  const parts = STATUS_ORDER.flatMap((status) => (counts[status] > 0 ? [`${counts[status]} ${status}`] : []));
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** `predicted 12m 00s, real 14m 30s (+21%)`; a snapshot's real makespan is only so far. */
function formatMakespan({ predicted, real }: RunReportHeader['makespanMs'], outcome: RunReportHeader['outcome']): string {
  if (outcome === 'running') return `predicted ${formatDuration(predicted)}, ${formatDuration(real)} so far`;
  const drift = predicted > 0 ? ` (${real >= predicted ? '+' : '−'}${Math.round((Math.abs(real - predicted) / predicted) * 100)}%)` : '';
  return `predicted ${formatDuration(predicted)}, real ${formatDuration(real)}${drift}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What the outcome means for reading the rest of the page; nothing for a run that succeeded. */
function banner(header: RunReportHeader, generatedAt: string): string {
  const when = escapeHtml(generatedAt);
  switch (header.outcome) {
    case 'running':
      return `<p class="banner running" role="status"><strong>Snapshot.</strong> The run had not finished when this report was made (${when}); open attempts and waits end at the snapshot.</p>`;
    case 'interrupted':
      return '<p class="banner interrupted" role="status"><strong>Interrupted.</strong> The run was cancelled before every phase finished; attempts that were running end where the cancel came.</p>';
    case 'failed':
      return `<p class="banner failed" role="status"><strong>Failed.</strong> ${plural(header.phasesByStatus.failed, 'phase', 'phases')} failed; see the failures below.</p>`;
    case 'succeeded':
      return '';
  }
}

function fatal(header: RunReportHeader): string {
  if (header.fatal === undefined) return '';
  const { phaseId, error } = header.fatal;
  const code = error.code === undefined ? '' : ` [${escapeHtml(error.code)}]`;
  return `<p class="banner failed" role="alert"><strong>Stopped by phase <a href="#phase-${phaseId}">${phaseId}</a>:</strong> ${escapeHtml(error.name)}${code}: ${escapeHtml(error.message)}</p>`;
}

function fact(term: string, value: string): string {
  return `<div><dt>${term}</dt><dd>${value}</dd></div>`;
}

/**
 * The top of the report: the plan and run, a banner for a snapshot, an interrupted or a failed run, and the facts
 * a reader looks for first (wall time, workers, phases by status, retries, cost, predicted against real makespan).
 */
export function renderReportHeader(header: RunReportHeader, generatedAt: string): string {
  const waits = header.rateLimitWaits > 0 ? `, ${plural(header.rateLimitWaits, 'rate-limit wait', 'rate-limit waits')}` : '';
  const facts = [
    fact('Outcome', `<span class="outcome">${header.outcome}</span>`),
    fact('Started', escapeHtml(new Date(header.startedAt).toISOString())),
    fact('Wall time', formatDuration(header.wallMs)),
    fact('Workers', `${header.workers}, ${escapeHtml(header.mode)}`),
    fact('Phases', formatStatusCounts(header.phasesByStatus)),
    fact('Retries', `${header.retries}${waits}`),
    fact('Cost', header.costUsd === undefined ? 'not reported' : formatUsd(header.costUsd)),
    fact('Turns', header.turns === undefined ? 'not reported' : String(header.turns)),
    fact('Makespan', formatMakespan(header.makespanMs, header.outcome)),
  ];
  return [
    '<header>',
    `<h1>Run report: ${escapeHtml(header.plan)}</h1>`,
    `<p class="muted">Run <code>${escapeHtml(header.runId)}</code></p>`,
    banner(header, generatedAt),
    fatal(header),
    `<dl class="facts">${facts.join('')}</dl>`,
    '</header>',
  ].join('');
}
