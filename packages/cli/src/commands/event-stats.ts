// Static imports are fine here: the command loads this module only when it runs.
import { formatDuration } from '@kazuba/core';
import type { LearningEventStats } from '@kazuba/bridge';
import { formatTable } from './text-table.js';


/**
 * The figures of a learning-events file for people: one row per count (phases resume found complete apart from the
 * skipped ones), then phase durations, cost, a row per
 * model with its attempts, turns and cost, and how many durations of older runs compaction kept.
 * @param invalidLines how many lines were skipped as not being learning events
 */
export function renderEventStatsText(file: string, stats: LearningEventStats, invalidLines: number): string {
  const { durationMs } = stats;
  const duration = (ms: number | null): string => (ms === null ? '-' : formatDuration(ms));
  const rows = [
    ['attempts started', String(stats.started)],
    ['phases succeeded', String(stats.succeeded)],
    ['phases partial', String(stats.partial)],
    ['phases failed', String(stats.failed)],
    ['retries', `${stats.retried}${stats.rateLimited > 0 ? ` (${stats.rateLimited} waiting for a rate limit)` : ''}`],
    ['phases skipped', String(stats.skipped)],
    // Phases resume found complete: kept apart from the skips, which say something went wrong or was left out.
    ['phases resumed', `${stats.resumed}${stats.resumed > 0 ? ' (already complete, not run again)' : ''}`],
    ['phases cancelled', String(stats.cancelled)],
    ['phase duration', `mean ${duration(durationMs.mean)}, median ${duration(durationMs.median)}, p95 ${duration(durationMs.p95)}`],
    ['agent cost', `$${stats.totalCostUsd.toFixed(4)}`],
    ...Object.entries(stats.byModel).map(([model, { attempts, turns, costUsd }]) => [
      `model ${model}`,
      `${attempts} attempt${attempts === 1 ? '' : 's'}, ${turns} turn${turns === 1 ? '' : 's'}, $${costUsd.toFixed(4)}`,
    ]),
    ...(stats.compacted === 0 ? [] : [['compacted', `${stats.compacted} phase duration${stats.compacted === 1 ? '' : 's'} of older runs, for the estimates; not in the figures above`]]),
  ];
  const skipped = invalidLines === 0 ? '' : `, ${invalidLines} invalid line${invalidLines === 1 ? '' : 's'} skipped`;
  const lines = [`Learning events in ${file}: ${stats.events} event${stats.events === 1 ? '' : 's'}${skipped}`, ...formatTable(rows, '  ')];
  return `${lines.join('\n')}\n`;
}
