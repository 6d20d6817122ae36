import { buildRunReport, definePlan } from '@kazuba/core';
import type { PhaseDefinition, RunReport } from '@kazuba/core';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { T0, countsOf, eventMaker } from '../../run/__fixtures__/events.js';

/** A title and a log line that try to break out of the page. */
export const MALICIOUS_TITLE = `<script>alert("title")</script> & 'quotes'`;
export const MALICIOUS_LOG = `npm ERR! </pre><script>alert('log')</script>\n</style><img src=x onerror="alert(1)"> & done\n\u001b[31mred\u001b[0m`;

const estimates = (durationMs: number) => ({ estimates: { durationMs } });

/** Four phases on two workers: 2 fails once and backs off, 4 waits out a rate limit, the breaker opens and closes. */
export function retryReport(): RunReport {
  const plan = definePlan(
    [
      { id: 1, name: 'Build', ...estimates(100) },
      { id: 2, name: 'Flaky tests', ...estimates(100) },
      { id: 3, name: 'Package', dependsOn: [1], ...estimates(50) },
      { id: 4, name: 'Docs', ...estimates(30) },
    ],
    { name: 'demo' },
  );
  const event = eventMaker();
  const agent = { agent: 'claude' };
  const events: HypervisorEvent[] = [
    event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3, 4], mode: 'parallel', maxWorkers: 2 }),
    event('phase:started', 0, { phaseId: 1, attempt: 1, ...agent }),
    event('phase:started', 0, { phaseId: 2, attempt: 1, ...agent }),
    event('phase:retrying', 50, { phaseId: 2, attempt: 1, delayMs: 100, reason: 'tests failed', rateLimited: false, costUsd: 0.25, turns: 3, model: 'opus' }),
    event('breaker:opened', 50, { consecutiveFailures: 1, cooldownMs: 40 }),
    event('breaker:half-opened', 90, {}),
    event('phase:finished', 100, { phaseId: 1, status: 'success', attempts: 1, durationMs: 100, costUsd: 0.5, turns: 4, model: 'sonnet' }),
    event('breaker:closed', 100, {}),
    event('phase:started', 100, { phaseId: 3, attempt: 1, ...agent }),
    event('phase:finished', 150, { phaseId: 3, status: 'success', attempts: 1, durationMs: 50 }),
    event('phase:started', 150, { phaseId: 2, attempt: 2, ...agent }),
    event('phase:started', 150, { phaseId: 4, attempt: 1, ...agent }),
    event('phase:retrying', 160, { phaseId: 4, attempt: 1, delayMs: 40, reason: 'usage limit reached', rateLimited: true }),
    event('phase:started', 200, { phaseId: 4, attempt: 1, ...agent }),
    event('phase:finished', 210, { phaseId: 2, status: 'success', attempts: 2, durationMs: 210, costUsd: 0.5, turns: 5, model: 'sonnet' }),
    event('phase:finished', 230, { phaseId: 4, status: 'success', attempts: 1, durationMs: 80 }),
  ];
  const summary = { outcome: 'succeeded' as const, durationMs: 230, countsByStatus: countsOf({ success: 4 }), phases: [], costUsd: 1.25 };
  return buildRunReport({ plan, events: [...events, event('run:finished', 230, { summary })] });
}

/** Phase 1 (with a hostile title) fails for good, so 2 is skipped and the run stops on a fatal error. */
export function failedReport(): RunReport {
  const plan = definePlan([{ id: 1, name: MALICIOUS_TITLE }, { id: 2, dependsOn: [1] }, { id: 3 }], { name: 'broken <plan>' });
  const event = eventMaker('run-"x"');
  const error = { name: 'PhaseFailure', code: 'agent_failed', message: 'exit 1 <oops>' };
  const summary = {
    outcome: 'failed' as const,
    durationMs: 40,
    countsByStatus: countsOf({ failed: 2, skipped: 1 }),
    phases: [],
    fatal: { phaseId: 1, error },
  };
  return buildRunReport({
    plan,
    events: [
      event('run:started', 0, { plan: 'broken <plan>', phaseIds: [1, 2, 3], mode: 'sequential', maxWorkers: 1 }),
      event('phase:started', 0, { phaseId: 1, attempt: 1 }),
      event('phase:finished', 30, { phaseId: 1, status: 'failed', attempts: 1, durationMs: 30, reason: `bad "thing" </pre>`, error }),
      event('phase:finished', 30, { phaseId: 2, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 1 failed' }),
      event('phase:started', 30, { phaseId: 3, attempt: 1 }),
      event('phase:finished', 40, { phaseId: 3, status: 'failed', attempts: 1, durationMs: 10, error: { name: 'Error', message: 'no code' } }),
      event('run:finished', 40, { summary }),
    ],
  });
}

/** A run still going: phase 1 done, 2 running, 3 waiting for its retry, 4 not started. */
export function snapshotReport(): RunReport {
  const plan = definePlan([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, dependsOn: [1, 2] }], { name: 'live' });
  const event = eventMaker();
  return buildRunReport({
    plan,
    snapshotAt: T0 + 500,
    events: [
      event('run:started', 0, { plan: 'live', phaseIds: [1, 2, 3, 4], mode: 'parallel', maxWorkers: 3 }),
      event('phase:started', 0, { phaseId: 1, attempt: 1 }),
      event('phase:started', 0, { phaseId: 2, attempt: 1 }),
      event('phase:started', 0, { phaseId: 3, attempt: 1 }),
      event('phase:finished', 100, { phaseId: 1, status: 'success', attempts: 1, durationMs: 100 }),
      event('phase:retrying', 200, { phaseId: 3, attempt: 1, delayMs: 10_000, reason: 'flaky', rateLimited: false }),
    ],
  });
}

/** A run cancelled with Ctrl-C while two phases ran. */
export function interruptedReport(): RunReport {
  const plan = definePlan([{ id: 1 }, { id: 2 }], { name: 'stopped' });
  const event = eventMaker();
  const summary = { outcome: 'cancelled' as const, durationMs: 60, countsByStatus: countsOf({ cancelled: 2 }), phases: [] };
  return buildRunReport({
    plan,
    events: [
      event('run:started', 0, { plan: 'stopped', phaseIds: [1, 2], mode: 'parallel', maxWorkers: 2 }),
      event('phase:started', 0, { phaseId: 1, attempt: 1 }),
      event('phase:started', 0, { phaseId: 2, attempt: 1 }),
      event('phase:finished', 60, { phaseId: 1, status: 'cancelled', attempts: 1, durationMs: 60, reason: 'cancelled' }),
      event('phase:finished', 60, { phaseId: 2, status: 'cancelled', attempts: 1, durationMs: 60, reason: 'cancelled' }),
      event('run:finished', 60, { summary }),
    ],
  });
}

/**
 * A 1,000-phase run on 8 workers, eight chains of 125 (each phase after the one eight ids before it), every 50th phase
 * failing once before it succeeds; long titles and agent reports, as a real run has.
 */
export function largeReport(): RunReport {
  const definitions: PhaseDefinition[] = Array.from({ length: 1_000 }, (_, index) => {
    const id = index + 1;
    return { id, name: `Implement part ${id} of the migration to the new storage layer`, ...(id > 8 ? { dependsOn: [id - 8] } : {}), ...estimates(60_000) };
  });
  const event = eventMaker();
  const events: HypervisorEvent[] = [event('run:started', 0, { plan: 'large', phaseIds: definitions.map((d) => d.id), mode: 'parallel', maxWorkers: 8 })];
  const report = { costUsd: 0.42, turns: 12, model: 'claude-sonnet-4-5' };
  // Chain c runs its phases back to back on worker c; each phase takes 60–66 s, a flaky one twice that.
  const chainEnds = new Array<number>(8).fill(0);
  for (const { id } of definitions) {
    const chain = (id - 1) % 8;
    let at = chainEnds[chain] ?? 0;
    const took = 60_000 + (id % 7) * 1_000;
    events.push(event('phase:started', at, { phaseId: id, attempt: 1, agent: 'claude' }));
    if (id % 50 === 0) {
      events.push(event('phase:retrying', at + took, { phaseId: id, attempt: 1, delayMs: 5_000, reason: 'tests failed', rateLimited: false, ...report }));
      at += took + 5_000;
      events.push(event('phase:started', at, { phaseId: id, attempt: 2, agent: 'claude' }));
    }
    events.push(event('phase:finished', at + took, { phaseId: id, status: 'success', attempts: id % 50 === 0 ? 2 : 1, durationMs: took, ...report }));
    chainEnds[chain] = at + took;
  }
  const end = Math.max(...chainEnds);
  const summary = { outcome: 'succeeded' as const, durationMs: end, countsByStatus: countsOf({ success: 1_000 }), phases: [] };
  events.push(event('run:finished', end, { summary }));
  // The events must be in time order, as a run emits them.
  const ordered = events.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  return buildRunReport({ plan: definePlan(definitions, { name: 'large' }), events: ordered });
}
