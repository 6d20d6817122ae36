import { relative } from 'node:path';
import { formatDuration } from '@kazuba/core';
import { RESUMED_REASON, toOneLine } from '@kazuba/hypervisor-v2';
import type { HypervisorEvent, PhaseStatus, RunSummary } from '@kazuba/hypervisor-v2';
import { formatTable } from '../commands/text-table.js';
import { formatUsd } from './live-frame.js';
import type { RunTracker } from './run-tracker.js';
import type { Styles } from './styles.js';

const COUNT_ORDER: readonly PhaseStatus[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'running', 'queued', 'pending', 'validating'];

/** Most phases a failed run's report names one by one. */
const MAX_DETAILS = 10;

/** `5 success, 1 failed, 2 skipped`: the statuses some phase has, in a fixed order. */
export function formatCounts(summary: RunSummary): string {
  return COUNT_ORDER.flatMap((status) => {
    const count = summary.countsByStatus[status] ?? 0;
    return count === 0 ? [] : [`${count} ${status}`];
  }).join(', ');
}

/** `; $1.20 spent` or `; $5.20 spent of a $5.00 budget`, when an agent reported a cost. */
function spending(summary: RunSummary): string {
  if (summary.costUsd === undefined) return '';
  return `; ${formatUsd(summary.costUsd)} spent${summary.budgetUsd === undefined ? '' : ` of a ${formatUsd(summary.budgetUsd)} budget`}`;
}

/** Where the report points people: the plan as they typed it, the run's logs. */
export interface ReportContext {
  readonly tracker: RunTracker;
  readonly styles: Styles;
  /** The directory paths are shown relative to. */
  readonly cwd: string;
  /** `.hypervisor/runs/<run-id>` under the root. */
  readonly runDir: string;
  /** How to run the same plan again, e.g. `hypervisor run plans/demo`. */
  readonly rerunCommand: string;
  /** Why the run stopped by itself rather than by Ctrl-C (its storage was full), when it did. */
  readonly stoppedBy?: () => string | undefined;
  /** The folder holding the worktrees the run kept (phases that failed or were stopped), when it kept any. */
  readonly keptWorktrees?: () => string | undefined;
}

/** Under worktree isolation: where the unfinished phases' worktrees are, and what to do about them. */
function keptWorktreesLine(context: ReportContext): string[] {
  const folder = context.keptWorktrees?.();
  if (folder === undefined) return [];
  return [`the worktrees of the phases that did not finish are kept in ${shown(folder, context.cwd)}: \`hypervisor status\` lists them, \`hypervisor clean\` removes them`];
}

function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/**
 * The lines after a run, on stderr: the outcome with the counts; for a failed run each phase that is not done
 * (failed first, then skipped by a failure, the breaker or the user) with its reason and log; for an
 * interrupted run how to resume.
 */
export function formatRunReport(summary: RunSummary, context: ReportContext): { readonly level: 'info' | 'error'; readonly lines: readonly string[] } {
  const { styles, tracker } = context;
  const took = formatDuration(summary.durationMs);
  const counts = `${formatCounts(summary)}${spending(summary)}`;
  if (summary.outcome === 'succeeded') return { level: 'info', lines: [`${styles.green('✓ run succeeded')} in ${took}: ${counts}`] };
  if (summary.outcome === 'cancelled') {
    return {
      level: 'error',
      lines: [
        `${styles.yellow(context.stoppedBy?.() === undefined ? 'run interrupted' : 'run stopped')} after ${took}: ${counts}; the running phases were stopped and their state written`,
        `to resume, run \`${context.rerunCommand}\` again: completed phases are skipped`,
        ...keptWorktreesLine(context),
      ],
    };
  }
  // Why the plan is not done: every phase that did not succeed and was not complete already, failures first.
  const undone = summary.phases.filter((phase) => phase.status !== 'success' && phase.reason !== RESUMED_REASON);
  const ordered = [...undone.filter((phase) => phase.status === 'failed'), ...undone.filter((phase) => phase.status !== 'failed')];
  const details = ordered.slice(0, MAX_DETAILS).map((phase) => {
    const log = phase.attempts > 0 ? ` (log: ${shown(`${context.runDir}/phase-${phase.phaseId}.log`, context.cwd)})` : '';
    // The phase that hit a fatal answer has its reason on the `stopped:` line already.
    const reason = phase.phaseId === summary.fatal?.phaseId ? '' : `: ${toOneLine(phase.reason ?? 'no reason given')}`;
    return `  phase ${phase.phaseId} (${tracker.titleOf(phase.phaseId)}) ${phase.status}${reason}${log}`;
  });
  const more = ordered.length > MAX_DETAILS ? [`  … and ${ordered.length - MAX_DETAILS} more`] : [];
  // A fatal answer stopped the run: what to do comes first, on its own line.
  const fatal = summary.fatal === undefined ? [] : [`${styles.red('stopped:')} phase ${summary.fatal.phaseId}: ${toOneLine(summary.fatal.error.message)}`];
  return { level: 'error', lines: [`${styles.red('✗ run failed')} in ${took}: ${counts}`, ...fatal, ...details, ...more, ...keptWorktreesLine(context)] };
}

/** What a dry run needs besides its events: each phase's estimate and command, and the critical path. */
export interface DryRunContext {
  readonly tracker: RunTracker;
  readonly estimateOf: (id: number) => { readonly durationMs: number; readonly source: string };
  readonly commandOf: (id: number) => { readonly agent: string; readonly model: string; readonly command: string };
  readonly criticalPath: { readonly phaseIds: readonly number[]; readonly lengthMs: number };
}

interface DryRunPlay {
  readonly rows: readonly (readonly string[])[];
  readonly skipped: readonly string[];
  readonly peak: number;
}

/** What the dry run played: a row per phase it started, the phases resume settled, the peak concurrency. */
function replay(events: readonly HypervisorEvent[], context: DryRunContext): DryRunPlay {
  const { tracker } = context;
  const startedAt = tracker.startedAt ?? 0;
  const rows: string[][] = [];
  const skipped: string[] = [];
  let running = 0;
  let peak = 0;
  for (const event of events) {
    if (event.type === 'phase:started') {
      running += 1;
      peak = Math.max(peak, running);
      const estimate = context.estimateOf(event.phaseId);
      const when = `+${formatDuration(event.timestamp - startedAt)}`;
      const { agent, model, command } = context.commandOf(event.phaseId);
      const estimated = `${formatDuration(estimate.durationMs)} (${estimate.source})`;
      rows.push([when, estimated, String(event.phaseId), tracker.titleOf(event.phaseId), agent, model, command]);
    } else if (event.type === 'phase:finished') {
      if (event.attempts > 0) running -= 1;
      else skipped.push(`${event.phaseId} (${tracker.titleOf(event.phaseId)}): ${event.reason ?? event.status}`);
    }
  }
  return { rows, skipped, peak };
}

/**
 * The dry run's answer, on stdout: when each phase would start and for how long (by its estimate), the exact
 * command it would run, what resume would skip, the critical path, the makespan and the concurrency reached.
 */
export function formatDryRunReport(events: readonly HypervisorEvent[], context: DryRunContext): string {
  const { tracker, criticalPath } = context;
  const { rows, skipped, peak } = replay(events, context);
  const workers = tracker.workers === 1 ? '1 worker' : `${tracker.workers} workers`;
  return [
    `Dry run of plan ${JSON.stringify(tracker.plan)} (${workers}): nothing was run or written.`,
    ...(rows.length === 0 ? ['Nothing would run.'] : formatTable([['start', 'estimate', 'id', 'phase', 'agent', 'model', 'command'], ...rows], '  ')),
    ...(skipped.length === 0 ? [] : ['Resume would skip:', ...skipped.map((text) => `  ${text}`)]),
    `Critical path: ${criticalPath.phaseIds.join(' → ')} (${formatDuration(criticalPath.lengthMs)})`,
    `Estimated makespan: ${formatDuration(tracker.summary?.durationMs ?? 0)}, up to ${peak} phase${peak === 1 ? '' : 's'} at once`,
    '',
  ].join('\n');
}
