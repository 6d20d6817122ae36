import { formatDuration } from '@kazuba/core';
import type { AttemptBar, ReportBar, ReportMarker, RunReport, WaitBar } from '@kazuba/core';
import { formatUsd } from '../run/live-frame.js';
import { escapeAttribute, escapeHtml } from './escape.js';
import { formatPhaseName } from './phase-name.js';

/** Room for the lane labels, left of the time axis. */
const GUTTER = 72;
const AXIS_HEIGHT = 26;
const LANE_HEIGHT = 22;
const BAR_HEIGHT = 16;
const MIN_PLOT_WIDTH = 960;
const MAX_PLOT_WIDTH = 9_600;
/** Horizontal room per bar of the busiest lane, so that a long run's bars stay wide enough to point at. */
const WIDTH_PER_BAR = 6;
const TARGET_TICKS = 10;

/** Tick spacings that read well on a clock: 1, 2, 5 … ms, then seconds, minutes and hours. */
const TICK_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 108e5, 216e5, 432e5, 864e5];

/** The phase titles by id, for the tooltips. */
export type TitlesById = ReadonlyMap<number, string>;

/** A number as short as SVG needs: one decimal at most. */
function num(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The tick spacing that puts about ten ticks on a span. */
export function chooseTickStep(spanMs: number): number {
  const raw = spanMs / TARGET_TICKS;
  const step = TICK_STEPS.find((candidate) => candidate >= raw);
  return step ?? Math.ceil(raw / 864e5) * 864e5;
}

/** Maps milliseconds since the run started to x coordinates. */
interface Scale {
  readonly spanMs: number;
  readonly plotWidth: number;
  readonly x: (ms: number) => number;
}

function scaleOf(report: RunReport): Scale {
  const spanMs = Math.max(1, report.header.wallMs, ...report.bars.map((bar) => bar.endMs), ...report.markers.map((marker) => marker.atMs));
  const perLane = new Map<number, number>();
  for (const bar of report.bars) perLane.set(bar.lane, (perLane.get(bar.lane) ?? 0) + 1);
  const busiest = Math.max(0, ...perLane.values());
  const plotWidth = Math.min(MAX_PLOT_WIDTH, Math.max(MIN_PLOT_WIDTH, busiest * WIDTH_PER_BAR));
  return { spanMs, plotWidth, x: (ms) => GUTTER + (ms / spanMs) * plotWidth };
}

function phaseLine(phaseId: number, titles: TitlesById): string {
  return formatPhaseName(phaseId, titles.get(phaseId));
}

/** What a hover or focus on an attempt shows, one fact a line. */
export function describeAttempt(bar: AttemptBar, titles: TitlesById): string {
  const who = [bar.agent === undefined ? undefined : `agent ${bar.agent}`, bar.model === undefined ? undefined : `model ${bar.model}`];
  const spent = [bar.costUsd === undefined ? undefined : formatUsd(bar.costUsd), bar.turns === undefined ? undefined : `${bar.turns} turns`];
  return [
    phaseLine(bar.phaseId, titles),
    `attempt ${bar.attempt} · ${bar.outcome}`,
    `${formatDuration(bar.endMs - bar.startMs)}, from ${formatDuration(bar.startMs)} to ${formatDuration(bar.endMs)}`,
    who.filter(Boolean).join(' · '),
    spent.filter(Boolean).join(' · '),
    bar.reason === undefined ? '' : `reason: ${bar.reason}`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}

/** What a hover or focus on a wait shows. */
export function describeWait(bar: WaitBar, titles: TitlesById): string {
  const what = bar.wait === 'rate-limit' ? 'rate-limit wait' : 'retry backoff';
  return [
    phaseLine(bar.phaseId, titles),
    `${what} after attempt ${bar.attempt}${bar.open ? ' (still waiting)' : ''}`,
    `waited ${formatDuration(bar.endMs - bar.startMs)} of ${formatDuration(bar.plannedMs)} planned`,
    `reason: ${bar.reason}`,
  ].join('\n');
}

function laneY(lane: number): number {
  return AXIS_HEIGHT + lane * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2;
}

/** A bar's rectangle: focusable, its text as both its accessible name and its tooltip. */
function barRect(bar: ReportBar, scale: Scale, classes: string, data: string, text: string): string {
  const x = scale.x(bar.startMs);
  const width = Math.max(1, scale.x(bar.endMs) - x);
  const place = `x="${num(x)}" y="${num(laneY(bar.lane))}" width="${num(width)}" height="${BAR_HEIGHT}"`;
  return `<rect class="${classes}" ${place} ${data} tabindex="0" role="img" aria-label="${escapeAttribute(text)}"><title>${escapeHtml(text)}</title></rect>`;
}

function renderAttempt(bar: AttemptBar, scale: Scale, titles: TitlesById): string {
  const classes = `bar o-${bar.outcome}${bar.critical ? ' crit' : ''}`;
  return barRect(bar, scale, classes, `data-phase-id="${bar.phaseId}" data-attempt="${bar.attempt}"`, describeAttempt(bar, titles));
}

function renderWait(bar: WaitBar, scale: Scale, titles: TitlesById): string {
  const classes = `wait w-${bar.wait}${bar.open ? ' open' : ''}`;
  return barRect(bar, scale, classes, `data-wait-for="${bar.phaseId}" data-attempt="${bar.attempt}"`, describeWait(bar, titles));
}

function renderAxis(scale: Scale, bottom: number): string {
  const step = chooseTickStep(scale.spanMs);
  const ticks: string[] = [];
  for (let ms = 0; ms <= scale.spanMs; ms += step) {
    const x = num(scale.x(ms));
    ticks.push(`<line class="grid" x1="${x}" x2="${x}" y1="${AXIS_HEIGHT - 4}" y2="${bottom}"/><text class="tick" x="${x}" y="${AXIS_HEIGHT - 8}">${formatDuration(ms)}</text>`);
  }
  return `<g class="axis">${ticks.join('')}</g>`;
}

function renderMarker(marker: ReportMarker, scale: Scale, bottom: number): string {
  const x = num(scale.x(marker.atMs));
  const text = `${marker.text} (at ${formatDuration(marker.atMs)})`;
  return `<g class="marker m-${marker.kind}" tabindex="0" role="img" aria-label="${escapeAttribute(text)}"><title>${escapeHtml(text)}</title><line x1="${x}" x2="${x}" y1="${AXIS_HEIGHT - 6}" y2="${bottom}"/><path d="M${x} ${AXIS_HEIGHT - 6}l-4 -6h8z"/></g>`;
}

function renderLaneLabels(report: RunReport): string {
  return report.lanes
    .map((lane) => {
      const y = AXIS_HEIGHT + lane.lane * LANE_HEIGHT;
      const busy = `worker ${lane.lane + 1}: ${lane.phaseIds.length} phase${lane.phaseIds.length === 1 ? '' : 's'}, busy ${formatDuration(lane.busyMs)}`;
      return `<rect class="lane${lane.lane % 2 === 1 ? ' odd' : ''}" x="0" y="${y}" width="100%" height="${LANE_HEIGHT}"/><text class="lane-label" x="6" y="${y + LANE_HEIGHT / 2 + 4}">worker ${lane.lane + 1}<title>${busy}</title></text>`;
    })
    .join('');
}

/** The patterns that mark waits: hatched, so that they read as time held but not worked, in print as on screen. */
const PATTERNS =
  '<defs><pattern id="hatch-backoff" class="hatch-backoff" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6"/><line x1="0" y1="0" x2="0" y2="6"/></pattern>' +
  '<pattern id="hatch-rate-limit" class="hatch-rate-limit" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6"/><line x1="0" y1="0" x2="0" y2="6"/></pattern></defs>';

/**
 * Draws the run's Gantt timeline as inline SVG: a lane per worker slot, a bar per attempt coloured by how it ended
 * (`data-phase-id`, `data-attempt`, focusable, with its details as `<title>` and `aria-label`), hatched waits,
 * the critical path outlined, a time axis and the breaker and budget markers.
 */
export function renderGanttSvg(report: RunReport, titles: TitlesById): string {
  const scale = scaleOf(report);
  const lanes = Math.max(1, report.lanes.length);
  const bottom = AXIS_HEIGHT + lanes * LANE_HEIGHT;
  const width = GUTTER + scale.plotWidth + 16;
  const bars = report.bars.map((bar) => (bar.kind === 'attempt' ? renderAttempt(bar, scale, titles) : renderWait(bar, scale, titles)));
  const label = `Timeline of ${report.bars.length} bars on ${report.lanes.length} worker lanes over ${formatDuration(report.header.wallMs)}`;
  return [
    `<svg class="gantt" width="${num(width)}" height="${bottom + 8}" viewBox="0 0 ${num(width)} ${bottom + 8}" role="group" aria-label="${escapeAttribute(label)}">`,
    PATTERNS,
    renderLaneLabels(report),
    renderAxis(scale, bottom),
    `<g class="bars">${bars.join('')}</g>`,
    report.markers.map((marker) => renderMarker(marker, scale, bottom)).join(''),
    '</svg>',
  ].join('');
}
