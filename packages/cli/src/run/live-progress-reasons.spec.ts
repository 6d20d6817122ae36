import { describe, expect, it } from '@jest/globals';
import { createLiveProgress } from './live-progress.js';
import { RunTracker } from './run-tracker.js';
import { createStyles } from './styles.js';
import { T0, eventMaker, fakeStream } from './__fixtures__/events.js';

describe('createLiveProgress, failure reasons', () => {
  it('prints a multi-line reason above the view on one line, without its escape sequences', () => {
    const stream = fakeStream({ columns: 200 });
    const tracker = new RunTracker([{ id: 3, title: 'Install backend dependencies', dependsOn: [], estimateMs: 1_000 }], { plan: 'demo', mode: 'sequential', workers: 1 });
    const display = createLiveProgress({ stream, tracker, styles: createStyles(false), now: () => T0, ticker: () => () => undefined });
    const event = eventMaker();
    const reason = 'shell exited with code 1: \u001b[31mregistry timed out\u001b[0m\nnpm ERR! code ETIMEDOUT\n';
    for (const shown of [event('phase:started', 0, { phaseId: 3, attempt: 1 }), event('phase:retrying', 600, { phaseId: 3, attempt: 1, delayMs: 918, reason, rateLimited: false })]) {
      tracker.apply(shown);
      display.onEvent(shown);
    }
    display.close();
    expect(stream.text()).not.toContain('\u001b[31m');
    // From its marker on: the view's own cursor moves and erasures come before the line.
    const lines = stream.text().split('\n').filter((line) => line.includes('attempt 1 failed'));
    expect(lines.map((line) => line.slice(line.indexOf('↻')))).toEqual([
      '↻ phase 3 (Install backend dependencies) attempt 1 failed (shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT); retrying in 918ms',
    ]);
  });
});
