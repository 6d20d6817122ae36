import { formatDuration } from '@kazuba/core';
import { toOneLine } from '@kazuba/hypervisor-v2';
import type { HypervisorEvent, HypervisorEventOf } from '@kazuba/hypervisor-v2';
import { formatQuality, formatUsd } from './live-frame.js';
import type { RunTracker } from './run-tracker.js';
import type { Styles } from './styles.js';

/** One line about one event; `error` lines are the only ones `--quiet` keeps. */
export interface EventLine {
  readonly level: 'info' | 'error';
  readonly text: string;
}

function phaseName(tracker: RunTracker, id: number): string {
  return `phase ${id} (${tracker.titleOf(id)})`;
}

function attempts(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

function finishedLine(event: HypervisorEventOf<'phase:finished'>, tracker: RunTracker, styles: Styles): EventLine {
  const name = phaseName(tracker, event.phaseId);
  const took = formatDuration(event.durationMs);
  // A cancelled phase's reason is often just "cancelled": not worth saying twice.
  const said = event.reason === undefined ? '' : toOneLine(event.reason);
  const reason = said === '' || said === event.status ? '' : `: ${said}`;
  const denied = event.permissionDenials === undefined ? '' : ` (the agent was denied ${event.permissionDenials.join(', ')})`;
  // A partial phase's reason already names a quality below the threshold: only a success shows its score.
  const quality = event.quality === undefined ? '' : `, quality ${formatQuality(event.quality)}`;
  switch (event.status) {
    case 'success':
      return { level: 'info', text: `${styles.green('✓')} ${name} succeeded in ${took}${event.attempts > 1 ? `, ${attempts(event.attempts)}` : ''}${quality}${denied}` };
    case 'partial':
      return { level: 'info', text: `${styles.yellow('~')} ${name} partial in ${took}${reason}` };
    case 'failed':
      return { level: 'error', text: `${styles.red('✗')} ${name} failed in ${took} after ${attempts(event.attempts)}${reason}` };
    case 'skipped':
      return { level: 'info', text: `${styles.dim('-')} ${name} skipped${reason}` };
    case 'cancelled':
      return { level: 'info', text: `${styles.yellow('!')} ${name} cancelled${reason}` };
  }
}

/**
 * The line an event is shown as, or undefined for events that are not shown one by one (output chunks, the
 * run's start and end, which the run report covers). The same words on a terminal and in a log. Reasons and
 * error messages go on one line (`toOneLine`), whoever emitted the event: a line break or an escape sequence in
 * them would break the line, or the live view drawn below it.
 */
export function formatEventLine(event: HypervisorEvent, tracker: RunTracker, styles: Styles): EventLine | undefined {
  switch (event.type) {
    case 'phase:queued':
      return { level: 'info', text: `${styles.dim('·')} ${phaseName(tracker, event.phaseId)} queued` };
    case 'phase:started': {
      const resumes = event.resumesSession === undefined ? '' : ', resuming the agent session';
      return { level: 'info', text: `${styles.cyan('▸')} ${phaseName(tracker, event.phaseId)} started${event.attempt > 1 ? `, attempt ${event.attempt}` : ''}${resumes}` };
    }
    case 'phase:retrying': {
      const name = phaseName(tracker, event.phaseId);
      const wait = formatDuration(event.delayMs);
      const reason = toOneLine(event.reason);
      const text = event.rateLimited
        ? `${name} hit a usage limit (${reason}); trying again in ${wait}, no retry spent`
        : `${name} attempt ${event.attempt} failed (${reason}); retrying in ${wait}`;
      return { level: 'info', text: `${styles.yellow('↻')} ${text}` };
    }
    case 'phase:finished':
      return finishedLine(event, tracker, styles);
    case 'breaker:opened':
      return {
        level: 'error',
        text: `${styles.red('circuit breaker opened')} after ${event.consecutiveFailures} consecutive failures: phases not started are skipped`,
      };
    case 'breaker:half-opened':
      return { level: 'info', text: `${styles.yellow('circuit breaker half-open')}: one probe phase may run` };
    case 'breaker:closed':
      return { level: 'info', text: `${styles.green('circuit breaker closed')}` };
    case 'breaker:restored':
      return event.state === 'open'
        ? {
            level: 'error',
            text: `${styles.red('circuit breaker still open')} since run ${event.fromRunId}: phases not started are skipped; it half-opens in ${formatDuration(event.remainingMs)}`,
          }
        : { level: 'info', text: `${styles.yellow('circuit breaker half-open')} after run ${event.fromRunId}: one probe phase may run` };
    case 'budget:reached':
      return {
        level: 'error',
        text: `${styles.red('budget reached')}: ${formatUsd(event.spentUsd)} spent of ${formatUsd(event.budgetUsd)}; no new phase or retry starts, running phases finish`,
      };
    case 'mode:fell-back':
      return { level: 'info', text: `${styles.yellow('fell back')} from ${event.from} to ${event.to} mode: ${toOneLine(event.reason)}` };
    case 'checkpoint:failed':
      return {
        level: 'error',
        text: `${styles.red('✗')} ${phaseName(tracker, event.phaseId)}: its checkpoint could not be written (${toOneLine(event.error.message)}); a resumed run runs it again`,
      };
    case 'plugin:failed':
      return {
        level: 'error',
        text: `${styles.red('✗')} plugin ${event.plugin} ${event.timedOut ? 'timed out' : 'failed'} at ${event.hook}: ${toOneLine(event.error.message)}`,
      };
    case 'handler:failed':
      return { level: 'error', text: `${styles.red('✗')} ${event.subscriber} failed on ${event.topic}: ${toOneLine(event.error.message)}` };
    default:
      return undefined;
  }
}
