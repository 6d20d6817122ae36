import { describe, expect, it } from '@jest/globals';
import type { HypervisorEvent } from '@kazuba/hypervisor-v2';
import { createPlainProgress } from './plain-progress.js';
import { RunTracker } from './run-tracker.js';
import { colorEnabled, createStyles } from './styles.js';
import { countsOf, eventMaker, fakeStream } from './__fixtures__/events.js';

const phases = [
  { id: 1, title: 'Setup', dependsOn: [], estimateMs: 1000 },
  { id: 2, title: 'Build', dependsOn: [1], estimateMs: 1000 },
];

/** Every kind of event a run emits, in a plausible order. */
function aRun(): HypervisorEvent[] {
  const event = eventMaker();
  return [
    event('run:started', 0, { plan: 'demo', phaseIds: [1, 2], mode: 'parallel', maxWorkers: 2 }),
    event('phase:queued', 0, { phaseId: 1 }),
    event('phase:started', 0, { phaseId: 1, attempt: 1 }),
    event('phase:output', 10, { phaseId: 1, attempt: 1, stream: 'stdout', text: 'compiling…\n' }),
    event('phase:retrying', 1500, { phaseId: 1, attempt: 1, delayMs: 2000, reason: 'exit code 1', rateLimited: false }),
    event('phase:retrying', 3600, { phaseId: 1, attempt: 2, delayMs: 60_000, reason: 'usage limit', rateLimited: true }),
    event('phase:started', 63_600, { phaseId: 1, attempt: 2 }),
    event('phase:finished', 65_000, { phaseId: 1, status: 'success', attempts: 2, durationMs: 65_000, quality: 0.85 }),
    event('phase:started', 65_000, { phaseId: 2, attempt: 1 }),
    event('breaker:opened', 66_000, { consecutiveFailures: 5, cooldownMs: 60_000 }),
    event('breaker:half-opened', 67_000, {}),
    event('breaker:closed', 68_000, {}),
    event('breaker:restored', 68_000, { state: 'open', fromRunId: 'run-a', openedAt: 1, remainingMs: 45_000 }),
    event('breaker:restored', 68_000, { state: 'half-open', fromRunId: 'run-b', openedAt: 1, remainingMs: 0 }),
    event('mode:fell-back', 69_000, { from: 'parallel', to: 'sequential', reason: 'no phase finished for 1800000 ms' }),
    event('checkpoint:failed', 70_000, { phaseId: 2, error: { name: 'ToonError', code: 'io_error', message: 'disk full' } }),
    event('plugin:failed', 70_000, { plugin: 'slack', hook: 'post_phase', timedOut: true, error: { name: 'Error', message: 'no answer' } }),
    event('handler:failed', 70_000, { topic: 'phase.finished', subscriber: 'audit', error: { name: 'TypeError', message: 'boom' } }),
    event('phase:finished', 71_000, { phaseId: 2, status: 'failed', attempts: 1, durationMs: 6000, reason: 'validation failed' }),
    event('phase:finished', 71_000, { phaseId: 3, status: 'partial', attempts: 1, durationMs: 500, reason: 'quality 0.4 below 0.5', quality: 0.4 }),
    event('phase:finished', 71_000, { phaseId: 4, status: 'skipped', attempts: 0, durationMs: 0, reason: 'dependency 2 failed' }),
    event('phase:finished', 71_000, { phaseId: 5, status: 'cancelled', attempts: 1, durationMs: 10, reason: 'cancelled' }),
    event('phase:finished', 71_000, { phaseId: 6, status: 'cancelled', attempts: 0, durationMs: 0, reason: 'aborted by the user' }),
    event('run:finished', 72_000, { summary: { outcome: 'failed', durationMs: 72_000, countsByStatus: countsOf(), phases: [] } }),
  ];
}

function play(options: { quiet?: boolean; color?: boolean } = {}): string {
  const stream = fakeStream();
  const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 });
  const display = createPlainProgress({ stream, tracker, styles: createStyles(options.color ?? false), quiet: options.quiet ?? false });
  for (const event of aRun()) {
    tracker.apply(event);
    display.onEvent(event);
  }
  display.note('a note', 'info');
  display.pause();
  display.note('an error', 'error');
  display.resume();
  display.close();
  return stream.text();
}

describe('createPlainProgress', () => {
  it('prints one plain line per phase, breaker and fallback event, and none for output', () => {
    expect(play()).toBe(
      [
        '· phase 1 (Setup) queued',
        '▸ phase 1 (Setup) started',
        '↻ phase 1 (Setup) attempt 1 failed (exit code 1); retrying in 2s',
        '↻ phase 1 (Setup) hit a usage limit (usage limit); trying again in 1m 00s, no retry spent',
        '▸ phase 1 (Setup) started, attempt 2',
        '✓ phase 1 (Setup) succeeded in 1m 05s, 2 attempts, quality 85%',
        '▸ phase 2 (Build) started',
        'circuit breaker opened after 5 consecutive failures: phases not started are skipped',
        'circuit breaker half-open: one probe phase may run',
        'circuit breaker closed',
        'circuit breaker still open since run run-a: phases not started are skipped; it half-opens in 45s',
        'circuit breaker half-open after run run-b: one probe phase may run',
        'fell back from parallel to sequential mode: no phase finished for 1800000 ms',
        '✗ phase 2 (Build): its checkpoint could not be written (disk full); a resumed run runs it again',
        '✗ plugin slack timed out at post_phase: no answer',
        '✗ audit failed on phase.finished: boom',
        '✗ phase 2 (Build) failed in 6s after 1 attempt: validation failed',
        '~ phase 3 (phase 3) partial in 500ms: quality 0.4 below 0.5',
        '- phase 4 (phase 4) skipped: dependency 2 failed',
        '! phase 5 (phase 5) cancelled',
        '! phase 6 (phase 6) cancelled: aborted by the user',
        'a note',
        'an error',
        '',
      ].join('\n'),
    );
  });

  it('prints only errors with --quiet', () => {
    expect(play({ quiet: true })).toBe(
      [
        'circuit breaker opened after 5 consecutive failures: phases not started are skipped',
        'circuit breaker still open since run run-a: phases not started are skipped; it half-opens in 45s',
        '✗ phase 2 (Build): its checkpoint could not be written (disk full); a resumed run runs it again',
        '✗ plugin slack timed out at post_phase: no answer',
        '✗ audit failed on phase.finished: boom',
        '✗ phase 2 (Build) failed in 6s after 1 attempt: validation failed',
        'an error',
        '',
      ].join('\n'),
    );
  });

  it("with --verbose prints a line each time an agent turns to another tool; says when a retry resumes the session and when the budget is reached", () => {
    const run = (verbose: boolean, quiet = false): string => {
      const stream = fakeStream();
      const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 });
      const event = eventMaker();
      const display = createPlainProgress({ stream, tracker, styles: createStyles(false), quiet, verbose });
      for (const progress of [{ turns: 1 }, { turns: 2, tool: 'Read src/app.ts' }, { turns: 2, tool: 'Read src/app.ts', costUsd: 0.1 }, { turns: 3, tool: 'Bash npm test' }]) {
        display.onEvent(event('phase:agent', 0, { phaseId: 1, attempt: 1, ...progress }));
      }
      display.onEvent(event('phase:started', 0, { phaseId: 1, attempt: 2, resumesSession: 's-1' }));
      display.onEvent(event('budget:reached', 0, { spentUsd: 5.2, budgetUsd: 5 }));
      return stream.text();
    };
    const budget = 'budget reached: $5.20 spent of $5.00; no new phase or retry starts, running phases finish\n';
    expect(run(true)).toBe(
      `· phase 1 (Setup) Read src/app.ts\n· phase 1 (Setup) Bash npm test\n▸ phase 1 (Setup) started, attempt 2, resuming the agent session\n${budget}`,
    );
    expect(run(false)).toBe(`▸ phase 1 (Setup) started, attempt 2, resuming the agent session\n${budget}`);
    expect(run(true, true)).toBe(budget);
  });

  it('says a plugin failed when it did not time out', () => {
    const stream = fakeStream();
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 });
    const event = eventMaker();
    createPlainProgress({ stream, tracker, styles: createStyles(false), quiet: false }).onEvent(
      event('plugin:failed', 0, { plugin: 'slack', hook: 'pre_phase', timedOut: false, error: { name: 'Error', message: 'down' } }),
    );
    expect(stream.text()).toBe('✗ plugin slack failed at pre_phase: down\n');
  });

  it('shows every reason and error message on its one line, whoever emitted the event', () => {
    const stream = fakeStream();
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 });
    const event = eventMaker();
    const display = createPlainProgress({ stream, tracker, styles: createStyles(false), quiet: false });
    const output = 'shell exited with code 1: registry timed out\nnpm ERR! code ETIMEDOUT\n';
    const error = { name: 'Error', message: 'write failed:\n\u001b[31mEIO\u001b[0m\n' };
    for (const shown of [
      event('phase:retrying', 0, { phaseId: 1, attempt: 1, delayMs: 918, reason: output, rateLimited: false }),
      event('phase:retrying', 0, { phaseId: 1, attempt: 2, delayMs: 1_000, reason: 'usage limit\nresets at 5pm', rateLimited: true }),
      event('phase:finished', 0, { phaseId: 1, status: 'failed', attempts: 3, durationMs: 3_000, reason: output }),
      event('phase:finished', 0, { phaseId: 2, status: 'cancelled', attempts: 1, durationMs: 10, reason: 'cancelled\n' }),
      event('mode:fell-back', 0, { from: 'parallel', to: 'sequential', reason: 'stalled\nfor 30m' }),
      event('checkpoint:failed', 0, { phaseId: 2, error }),
      event('plugin:failed', 0, { plugin: 'slack', hook: 'post_phase', timedOut: false, error }),
      event('handler:failed', 0, { topic: 'phase.finished', subscriber: 'audit', error }),
    ]) {
      display.onEvent(shown);
    }
    expect(stream.text()).toBe(
      [
        '↻ phase 1 (Setup) attempt 1 failed (shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT); retrying in 918ms',
        '↻ phase 1 (Setup) hit a usage limit (usage limit ⏎ resets at 5pm); trying again in 1s, no retry spent',
        '✗ phase 1 (Setup) failed in 3s after 3 attempts: shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT',
        '! phase 2 (Build) cancelled',
        'fell back from parallel to sequential mode: stalled ⏎ for 30m',
        '✗ phase 2 (Build): its checkpoint could not be written (write failed: ⏎ EIO); a resumed run runs it again',
        '✗ plugin slack failed at post_phase: write failed: ⏎ EIO',
        '✗ audit failed on phase.finished: write failed: ⏎ EIO',
        '',
      ].join('\n'),
    );
  });

  it('colours the markers only when asked to', () => {
    const coloured = play({ color: true });
    expect(coloured).toContain('\u001b[32m✓\u001b[39m phase 1 (Setup) succeeded');
    expect(coloured).toContain('\u001b[31m✗\u001b[39m phase 2 (Build) failed');
    expect(play()).not.toContain('\u001b[');
  });
});

describe('colorEnabled', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: false }, {}, false],
    [{}, {}, false],
  ])('for a stream %j and the environment %j is %p', (stream, env, expected) => {
    expect(colorEnabled(stream, env)).toBe(expected);
  });
});
