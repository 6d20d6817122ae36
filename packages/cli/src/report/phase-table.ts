import { formatDuration } from '@kazuba/core';
import type { ReportPhaseRow } from '@kazuba/core';
import { stripTerminalEscapes } from '@kazuba/hypervisor-v2';
import { formatQuality, formatUsd } from '../run/live-frame.js';
import { escapeHtml } from './escape.js';
import { formatPhaseName } from './phase-name.js';

/** The tail of a failed phase's log, as the writer's caller read it. */
export interface PhaseLogTail {
  readonly phaseId: number;
  readonly logTail: string;
}

function durationCell(row: ReportPhaseRow): string {
  const duration = row.durationMs === undefined ? '—' : formatDuration(row.durationMs);
  if (row.estimateMs === undefined) return duration;
  const over = row.durationMs !== undefined && row.durationMs > row.estimateMs;
  return `<span${over ? ' class="over"' : ''}>${duration}</span> <span class="muted">/ ${formatDuration(row.estimateMs)}</span>`;
}

function statusCell(row: ReportPhaseRow): string {
  const reason = row.reason === undefined ? '' : `<br><span class="muted">${escapeHtml(row.reason)}</span>`;
  return `<span class="st st-${row.status}">${row.status}</span>${reason}`;
}

function rowOf(row: ReportPhaseRow): string {
  const who = [row.agent, row.model].filter((part) => part !== undefined).join(' · ');
  const cells = [
    `<td class="n">${row.phaseId}${row.critical ? ' <span title="on the critical path" aria-label="on the critical path">◆</span>' : ''}</td>`,
    `<td>${escapeHtml(row.title)}</td>`,
    `<td>${statusCell(row)}</td>`,
    `<td class="n">${row.attempts}</td>`,
    `<td class="n">${durationCell(row)}</td>`,
    `<td class="n">${row.costUsd === undefined ? '' : formatUsd(row.costUsd)}</td>`,
    `<td class="n">${row.turns === undefined ? '' : row.turns}</td>`,
    `<td class="n">${row.quality === undefined ? '' : formatQuality(row.quality)}</td>`,
    `<td>${escapeHtml(who)}</td>`,
    `<td><code>${escapeHtml(row.checkpoint)}</code></td>`,
  ];
  return `<tr id="phase-${row.phaseId}">${cells.join('')}</tr>`;
}

/**
 * The table of every phase in plan order, each row `id="phase-<id>"` so that bars and paths can link to it. A
 * phase's quality (the validation script's score) shows as a percentage, empty when the script gave none.
 */
export function renderPhaseTable(rows: readonly ReportPhaseRow[]): string {
  const head = ['#', 'Phase', 'Status', 'Attempts', 'Duration / estimate', 'Cost', 'Turns', 'Quality', 'Agent · model', 'Checkpoint'];
  return [
    '<section id="phases" aria-labelledby="phases-h"><h2 id="phases-h">Phases</h2><div class="scroll"><table>',
    `<thead><tr>${head.map((name) => `<th scope="col">${name}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map(rowOf).join('')}</tbody>`,
    '</table></div></section>',
  ].join('');
}

function failureOf(row: ReportPhaseRow, tail: string | undefined): string {
  const error = row.error;
  const code = error?.code === undefined ? '' : ` [${escapeHtml(error.code)}]`;
  return [
    `<article class="failure" id="failure-${row.phaseId}"><h3><a href="#phase-${row.phaseId}">${escapeHtml(formatPhaseName(row.phaseId, row.title))}</a></h3>`,
    row.reason === undefined ? '' : `<p>${escapeHtml(row.reason)}</p>`,
    error === undefined ? '' : `<p><code>${escapeHtml(error.name)}${code}</code>: ${escapeHtml(error.message)}</p>`,
    tail === undefined || tail === '' ? '<p class="muted">No log tail was captured.</p>' : `<pre>${escapeHtml(stripTerminalEscapes(tail))}</pre>`,
    '</article>',
  ].join('');
}

/** For each failed phase: why it failed and the tail of its log, escaped (log text is never HTML). */
export function renderFailures(rows: readonly ReportPhaseRow[], tails: readonly PhaseLogTail[]): string {
  const failed = rows.filter((row) => row.status === 'failed');
  if (failed.length === 0) return '';
  const tailOf = new Map(tails.map((entry) => [entry.phaseId, entry.logTail]));
  return `<section id="failures" aria-labelledby="failures-h"><h2 id="failures-h">Failures</h2>${failed.map((row) => failureOf(row, tailOf.get(row.phaseId))).join('')}</section>`;
}
