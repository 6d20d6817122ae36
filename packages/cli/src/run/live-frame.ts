import { formatDuration } from '@kazuba/core';
import type { PhaseStatus } from '@kazuba/hypervisor-v2';
import type { PhaseProgress, RunTracker } from './run-tracker.js';
import type { Styles } from './styles.js';

/** A piece of a line: its text and how it is styled. */
type Segment = readonly [text: string, style?: ((text: string) => string) | undefined];

/** Most phases listed one by one; the rest are counted. */
const MAX_ROWS = 12;

const COUNT_NAMES: Readonly<Record<PhaseStatus, string>> = {
  success: 'done',
  running: 'running',
  validating: 'validating',
  queued: 'queued',
  pending: 'pending',
  partial: 'partial',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

const COUNT_ORDER: readonly PhaseStatus[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'running', 'validating', 'queued', 'pending'];

/** Joins segments into one line of at most `width` visible characters, styling after cutting. */
export function fitSegments(segments: readonly Segment[], width: number): string {
  let room = Math.max(1, width);
  let line = '';
  for (const [text, style] of segments) {
    if (room <= 0) break;
    const cut = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
    room -= cut.length;
    line += style === undefined ? cut : style(cut);
  }
  return line;
}

/** US dollars for people: `$0.42`, `$12.30`. */
export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** A validation script's quality score (0 to 1) for people, as the percentage the script printed: 0.85 → `85%`. */
export function formatQuality(score: number): string {
  return `${Math.round(score * 100)}%`;
}

/** What the agent of a running attempt is doing: `turn 7 · Edit src/app.ts · $0.42`, the parts it reported. */
function agentDetail(phase: PhaseProgress): string {
  const { turns, tool, costUsd } = phase.agent;
  return [turns === undefined ? '' : `turn ${turns}`, tool ?? '', costUsd === undefined ? '' : formatUsd(costUsd)].filter((part) => part !== '').join(' · ');
}

function phaseRow(phase: PhaseProgress, now: number, width: number, styles: Styles): string {
  const id = String(phase.info.id);
  const retrying = phase.retryAt !== undefined;
  const detail = retrying
    ? `retry in ${formatDuration(Math.max(0, (phase.retryAt ?? now) - now))}`
    : `${formatDuration(Math.max(0, now - (phase.attemptStartedAt ?? now)))}${phase.attempt > 1 ? `  attempt ${phase.attempt}` : ''}`;
  const agent = retrying ? '' : agentDetail(phase);
  // The title gets what the marker, id, detail and the agent's part leave, at most half of the row beside the agent.
  const fixed = 7 + id.length + detail.length;
  const beside = agent === '' ? width - fixed : Math.min(Math.floor((width - fixed) / 2), width - fixed - 2 - agent.length);
  const titleRoom = Math.max(8, beside);
  const title = phase.info.title.length > titleRoom ? `${phase.info.title.slice(0, titleRoom - 1)}…` : phase.info.title.padEnd(titleRoom);
  const marker: Segment = retrying ? ['↻', styles.yellow] : ['▸', styles.cyan];
  const agentSegments: Segment[] = agent === '' ? [] : [['  '], [agent]];
  return fitSegments([['  '], marker, [` ${id} `, styles.bold], [title], ['  '], [detail, retrying ? styles.yellow : styles.dim], ...agentSegments], width);
}

/** `$1.20 / $5.00` with a budget, `$1.20 spent` without; nothing while no agent reported a cost. */
function costSegment(tracker: RunTracker, styles: Styles): Segment {
  const spent = tracker.spentUsd;
  if (tracker.budgetUsd !== undefined) {
    const text = `${formatUsd(spent ?? 0)} / ${formatUsd(tracker.budgetUsd)}   `;
    return [text, (spent ?? 0) >= tracker.budgetUsd ? styles.red : undefined];
  }
  return [spent === undefined ? '' : `${formatUsd(spent)} spent   `];
}

/** `ETA ~4m 10s`, or `ETA ~30m 00s (guess)` while nothing measured or learned backs it; nothing once all finished. */
function etaSegments(tracker: RunTracker, now: number, styles: Styles): Segment[] {
  const eta = tracker.eta(now);
  if (eta === undefined) return [];
  return [[`ETA ~${formatDuration(eta.ms)}`], ...(eta.guess ? [[' (guess)', styles.dim] as Segment] : []), ['   ']];
}

function countsSegments(tracker: RunTracker, styles: Styles): Segment[] {
  const counts = tracker.counts();
  const parts = COUNT_ORDER.filter((status) => (counts.get(status) ?? 0) > 0);
  const styleOf = (status: PhaseStatus): ((text: string) => string) | undefined =>
    status === 'failed' ? styles.red : status === 'success' ? styles.green : status === 'skipped' || status === 'cancelled' ? styles.yellow : undefined;
  return parts.flatMap((status, index): Segment[] => [
    ...(index === 0 ? [] : [[' · '] as Segment]),
    [`${counts.get(status) ?? 0} ${COUNT_NAMES[status]}`, styleOf(status)],
  ]);
}

function breakerSegment(tracker: RunTracker, styles: Styles): Segment {
  switch (tracker.breaker) {
    case 'open':
      return ['breaker open', styles.red];
    case 'half-open':
      return ['breaker half-open', styles.yellow];
    default:
      return ['breaker closed', styles.dim];
  }
}

/**
 * The live view of a run at `now`: a header (plan, mode, workers, elapsed time), one row per running phase
 * (elapsed time of its attempt and the attempt number, or the wait before its retry, and what its agent is doing:
 * turn, tool, cost so far), and a footer with the counts by status, the ETA (marked as a guess while nothing
 * measured backs it), what was spent (of the budget) and the breaker's state. Each line fits in `width`.
 */
export function renderLiveFrame(tracker: RunTracker, now: number, width: number, styles: Styles): string[] {
  const elapsed = tracker.startedAt === undefined ? 0 : Math.max(0, now - tracker.startedAt);
  const workers = tracker.mode === 'parallel' ? `, ${tracker.workers} workers` : '';
  const header = fitSegments([[`hypervisor run ${JSON.stringify(tracker.plan)}`, styles.bold], [` · ${tracker.mode}${workers} · ${formatDuration(elapsed)} elapsed`, styles.dim]], width);
  const active = tracker.active();
  const rows = active.slice(0, MAX_ROWS).map((phase) => phaseRow(phase, now, width, styles));
  if (active.length > MAX_ROWS) rows.push(fitSegments([[`  … and ${active.length - MAX_ROWS} more running`, styles.dim]], width));
  const footer = fitSegments([['  '], ...countsSegments(tracker, styles), ['   '], ...etaSegments(tracker, now, styles), costSegment(tracker, styles), breakerSegment(tracker, styles)], width);
  return [header, ...rows, footer];
}
