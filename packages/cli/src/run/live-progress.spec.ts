import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { createLiveProgress } from './live-progress.js';
import { fitSegments, renderLiveFrame } from './live-frame.js';
import { RunTracker } from './run-tracker.js';
import { createStyles } from './styles.js';
import { T0, eventMaker, fakeStream } from './__fixtures__/events.js';
import { fakeKeyboard } from './__fixtures__/fake-keyboard.js';
import { renderScreen } from './__fixtures__/terminal-screen.js';

// Estimated from the duration history, so that the ETA is not a guess.
const phases = [
  { id: 1, title: 'Setup the workspace', dependsOn: [], estimateMs: 60_000, estimateSource: 'history' as const },
  { id: 2, title: 'Build', dependsOn: [1], estimateMs: 120_000, estimateSource: 'history' as const },
  { id: 3, title: 'Test', dependsOn: [1], estimateMs: 30_000, estimateSource: 'history' as const },
];

const plain = createStyles(false);
const UP = (n: number): string => `\u001b[${n}A\u001b[J`;
const HIDE = '\u001b[?25l';
const SHOW = '\u001b[?25h';

function setup(columns = 60): {
  stream: ReturnType<typeof fakeStream>;
  tracker: RunTracker;
  event: ReturnType<typeof eventMaker>;
  clock: { now: number };
  tick: () => void;
  stopped: () => boolean;
  display: ReturnType<typeof createLiveProgress>;
} {
  const stream = fakeStream({ columns });
  const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2 });
  const clock = { now: T0 };
  let tick = (): void => undefined;
  let stopped = false;
  const display = createLiveProgress({
    stream,
    tracker,
    styles: plain,
    now: () => clock.now,
    ticker: (everyMs, fn) => {
      expect(everyMs).toBe(250);
      tick = fn;
      return () => (stopped = true);
    },
  });
  const event = eventMaker();
  return { stream, tracker, event, clock, tick: () => tick(), stopped: () => stopped, display };
}

describe('renderLiveFrame', () => {
  it('shows the plan, each running phase with its elapsed time and attempt, the counts, the ETA and the breaker', () => {
    const { tracker, event } = setup();
    tracker.apply(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }));
    tracker.apply(event('phase:finished', 0, { phaseId: 1, status: 'success', attempts: 1, durationMs: 60_000 }));
    tracker.apply(event('phase:started', 60_000, { phaseId: 2, attempt: 2 }));
    tracker.apply(event('phase:started', 60_000, { phaseId: 3, attempt: 1 }));
    tracker.apply(event('phase:retrying', 70_000, { phaseId: 3, attempt: 1, delayMs: 5000, reason: 'exit 1', rateLimited: false }));
    const frame = renderLiveFrame(tracker, T0 + 72_000, 64, plain);
    expect(frame).toEqual([
      'hypervisor run "demo" · parallel, 2 workers · 1m 12s elapsed',
      `  ▸ 2 Build${' '.repeat(39)}12s  attempt 2`,
      `  ↻ 3 Test${' '.repeat(43)}retry in 3s`,
      '  1 done · 2 running   ETA ~1m 48s   breaker closed',
    ]);
    expect(frame.slice(1, 3).map((line) => line.length)).toEqual([64, 64]);
  });

  it("shows what each running phase's agent is doing (turn, tool, cost so far) and what the run spent of its budget", () => {
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'parallel', workers: 2, budgetUsd: 5 });
    const event = eventMaker();
    tracker.apply(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }));
    tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    tracker.apply(event('phase:finished', 60_000, { phaseId: 1, status: 'success', attempts: 1, durationMs: 60_000, costUsd: 1.5 }));
    tracker.apply(event('phase:started', 60_000, { phaseId: 2, attempt: 1 }));
    tracker.apply(event('phase:agent', 61_000, { phaseId: 2, attempt: 1, turns: 1, model: 'claude-sonnet-5' }));
    tracker.apply(event('phase:agent', 65_000, { phaseId: 2, attempt: 1, turns: 7, tool: 'Edit src/app.ts', costUsd: 0.42 }));
    const frame = renderLiveFrame(tracker, T0 + 70_000, 72, plain);
    expect(frame[1]).toBe(`  ▸ 2 Build${' '.repeat(22)}  10s  turn 7 · Edit src/app.ts · $0.42`);
    expect(frame[1]).toHaveLength(72);
    expect(renderLiveFrame(tracker, T0 + 70_000, 100, plain).at(-1)).toBe('  1 done · 1 running · 1 pending   ETA ~1m 50s   $1.92 / $5.00   breaker closed');
    tracker.apply(event('phase:started', 71_000, { phaseId: 2, attempt: 2, resumesSession: 's-1' }));
    expect(renderLiveFrame(tracker, T0 + 72_000, 72, plain)[1]).toBe(`  ▸ 2 Build${' '.repeat(48)}1s  attempt 2`);
  });

  it('shows what was spent without a budget, and nothing while no agent reported a cost', () => {
    const { tracker, event } = setup();
    expect(renderLiveFrame(tracker, T0, 79, plain).at(-1)).not.toContain('$');
    tracker.apply(event('phase:retrying', 1_000, { phaseId: 1, attempt: 1, delayMs: 1_000, reason: 'x', rateLimited: false, costUsd: 0.25 }));
    expect(renderLiveFrame(tracker, T0, 79, plain).at(-1)).toContain('$0.25 spent');
  });

  it('marks the ETA as a guess until a phase of the run finished, then shows what the run taught it', () => {
    const guessed = phases.map(({ estimateSource: _history, ...phase }) => phase);
    const tracker = new RunTracker(guessed, { plan: 'demo', mode: 'parallel', workers: 2 });
    const event = eventMaker();
    tracker.apply(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }));
    expect(renderLiveFrame(tracker, T0, 79, plain).at(-1)).toBe('  3 pending   ETA ~3m 00s (guess)   breaker closed');
    expect(renderLiveFrame(tracker, T0, 79, createStyles(true)).at(-1)).toContain('ETA ~3m 00s\u001b[2m (guess)\u001b[22m   ');
    tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    tracker.apply(event('phase:finished', 30_000, { phaseId: 1, status: 'success', attempts: 1, durationMs: 30_000 }));
    // Phase 1 took half its estimate: Build is now counted for 1 minute, Test for 15 s beside it.
    expect(renderLiveFrame(tracker, T0 + 30_000, 79, plain).at(-1)).toBe('  1 done · 2 pending   ETA ~1m 00s   breaker closed');
  });

  it('lists at most twelve phases and counts the rest', () => {
    const many = Array.from({ length: 14 }, (_, index) => ({ id: index + 1, title: `P${index + 1}`, dependsOn: [], estimateMs: 1000 }));
    const tracker = new RunTracker(many, { plan: 'big', mode: 'sequential', workers: 1 });
    const event = eventMaker();
    for (const phase of many) tracker.apply(event('phase:started', 0, { phaseId: phase.id, attempt: 1 }));
    const frame = renderLiveFrame(tracker, T0, 79, plain);
    expect(frame).toHaveLength(1 + 12 + 1 + 1);
    expect(frame[0]).toBe('hypervisor run "big" · sequential · 0s elapsed');
    expect(frame[13]).toBe('  … and 2 more running');
  });

  it('fits every line in a narrow terminal, styling after cutting', () => {
    const { tracker, event } = setup();
    tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    const frame = renderLiveFrame(tracker, T0 + 1000, 24, plain);
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(24);
    expect(frame[1]).toBe('  ▸ 1 Setup the wor…  1s');
    expect(fitSegments([['abcdef', (text) => `<${text}>`], ['gh']], 4)).toBe('<abc…>');
    expect(fitSegments([['abc'], ['def']], 3)).toBe('abc');
  });

  it('colours the breaker by its state, and failures red', () => {
    const colours = createStyles(true);
    const { tracker, event } = setup();
    tracker.apply(event('phase:finished', 0, { phaseId: 1, status: 'failed', attempts: 1, durationMs: 0 }));
    tracker.apply(event('phase:finished', 0, { phaseId: 2, status: 'skipped', attempts: 0, durationMs: 0 }));
    tracker.apply(event('breaker:opened', 0, { consecutiveFailures: 5, cooldownMs: 1 }));
    expect(renderLiveFrame(tracker, T0, 79, colours).at(-1)).toBe(
      '  \u001b[31m1 failed\u001b[39m · \u001b[33m1 skipped\u001b[39m · 1 pending   ETA ~30s   \u001b[31mbreaker open\u001b[39m',
    );
    tracker.apply(event('breaker:half-opened', 0, {}));
    expect(renderLiveFrame(tracker, T0, 79, colours).at(-1)).toContain('\u001b[33mbreaker half-open\u001b[39m');
  });
});

describe('createLiveProgress', () => {
  it('redraws the view in place on each event and tick, keeping finished phases above it', () => {
    const { stream, tracker, event, clock, tick, display } = setup();
    const feed = (e: Parameters<RunTracker['apply']>[0]): void => {
      tracker.apply(e);
      display.onEvent(e);
    };
    feed(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }));
    expect(stream.text()).toBe(`${HIDE}hypervisor run "demo" · parallel, 2 workers · 0s elapsed\n  3 pending   ETA ~3m 00s   breaker closed\n`);
    const before = stream.text().length;
    feed(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    clock.now = T0 + 5000;
    tick();
    feed(event('phase:finished', 6000, { phaseId: 1, status: 'success', attempts: 1, durationMs: 6000 }));
    const written = stream.text().slice(before);
    expect(written).toBe(
      [
        `${UP(2)}hypervisor run "demo" · parallel, 2 workers · 0s elapsed`,
        `  ▸ 1 Setup the workspace${' '.repeat(32)}0s`,
        '  1 running · 2 pending   ETA ~3m 00s   breaker closed',
        `${UP(3)}hypervisor run "demo" · parallel, 2 workers · 5s elapsed`,
        `  ▸ 1 Setup the workspace${' '.repeat(32)}5s`,
        '  1 running · 2 pending   ETA ~2m 55s   breaker closed',
        `${UP(3)}✓ phase 1 (Setup the workspace) succeeded in 6s`,
        'hypervisor run "demo" · parallel, 2 workers · 5s elapsed',
        // Phase 1 took a tenth of its estimate: the others are counted for a tenth of theirs.
        '  1 done · 2 pending   ETA ~12s   breaker closed',
        '',
      ].join('\n'),
    );
  });

  it('clears the view while paused, holds what happens meanwhile, and draws it on resume', () => {
    const { stream, display, event, tracker } = setup();
    display.note('starting', 'info');
    const before = stream.text().length;
    display.pause();
    display.pause();
    const finished = event('phase:finished', 0, { phaseId: 2, status: 'skipped', attempts: 0, durationMs: 0, reason: 'skipped by the user' });
    tracker.apply(finished);
    display.onEvent(finished);
    display.note('held', 'info');
    expect(stream.text().slice(before)).toBe(`${UP(2)}${SHOW}`);
    display.resume();
    display.resume();
    expect(stream.text().slice(before)).toBe(
      `${UP(2)}${SHOW}${HIDE}- phase 2 (Build) skipped: skipped by the user\nheld\nhypervisor run "demo" · parallel, 2 workers · 0s elapsed\n  1 skipped · 2 pending   ETA ~1m 30s   breaker closed\n`,
    );
  });

  it('erases the view for a prompt, draws nothing while it is up, and draws the view again below the answered prompt', () => {
    const { stream, tracker, event, clock, tick, display } = setup();
    const feed = (e: Parameters<RunTracker['apply']>[0]): void => {
      tracker.apply(e);
      display.onEvent(e);
    };
    feed(event('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'parallel', maxWorkers: 2 }));
    feed(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    clock.now = T0 + 2000;
    tick();
    feed(event('phase:finished', 3000, { phaseId: 1, status: 'success', attempts: 1, durationMs: 3000 }));
    feed(event('phase:queued', 3000, { phaseId: 2 }));
    display.pause();
    // What the prompt writes: its question, then, once answered, the question again with the answer in place.
    stream.write('? Phase 2: Build\nWhat now?\n❯ run\n  skip');
    clock.now = T0 + 5000;
    tick();
    stream.write('\u001b[2K\u001b[1A\u001b[2K\u001b[1A\u001b[2K\u001b[1A\u001b[2K\u001b[G✔ Phase 2: Build\nWhat now? run\n');
    display.resume();
    feed(event('phase:started', 5000, { phaseId: 2, attempt: 1 }));
    clock.now = T0 + 6000;
    tick();
    const answered = ['✓ phase 1 (Setup the workspace) succeeded in 3s', '✔ Phase 2: Build', 'What now? run'];
    expect(renderScreen(stream.text())).toEqual([
      ...answered,
      'hypervisor run "demo" · parallel, 2 workers · 6s elapsed',
      `  ▸ 2 Build${' '.repeat(46)}1s`,
      // Phase 1 took a twentieth of its estimate: Build has 5 s of its 6 s left.
      '  1 done · 1 running · 1 pending   ETA ~5s   breaker closed',
      '',
    ]);
    display.close();
    expect(renderScreen(stream.text())).toEqual([...answered, '']);
  });

  it('holds the keyboard from the run\'s start while the view is drawn, and lets the prompt have it while paused', () => {
    const { keyboard, log, type } = fakeKeyboard();
    const stream = fakeStream({ columns: 60 });
    const tracker = new RunTracker(phases, { plan: 'demo', mode: 'interactive', workers: 1 });
    let interrupts = 0;
    const display = createLiveProgress({ stream, tracker, styles: plain, now: () => T0, ticker: () => () => undefined, keyboard, interrupt: () => (interrupts += 1) });
    const started = eventMaker()('run:started', 0, { plan: 'demo', phaseIds: [1, 2, 3], mode: 'interactive', maxWorkers: 1 });
    display.note('before the run', 'info');
    expect(log).toEqual([]);
    display.onEvent(started);
    expect(log).toEqual(['raw on', 'reading']);
    const before = stream.text();
    // Keys typed while the view is drawn are dropped: not echoed, not kept for the next prompt.
    type('\r');
    expect(stream.text()).toBe(before);
    display.pause();
    expect(log.slice(2)).toEqual(['raw off', 'paused']);
    type('\u0003');
    expect(interrupts).toBe(0);
    display.resume();
    expect(log.slice(4)).toEqual(['raw on', 'reading']);
    type('\u0003');
    expect(interrupts).toBe(1);
    display.pause();
    display.close();
    display.resume();
    display.onEvent(started);
    expect(log.slice(6)).toEqual(['raw off', 'paused']);
  });

  it('interrupts the process with SIGINT on Ctrl-C by default, as the terminal would', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      const { keyboard, type } = fakeKeyboard();
      const tracker = new RunTracker(phases, { plan: 'demo', mode: 'interactive', workers: 1 });
      const display = createLiveProgress({ stream: fakeStream({ columns: 60 }), tracker, styles: plain, ticker: () => () => undefined, keyboard });
      display.onEvent(eventMaker()('run:started', 0, { plan: 'demo', phaseIds: [1], mode: 'interactive', maxWorkers: 1 }));
      type('\u0003');
      display.close();
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT');
    } finally {
      kill.mockRestore();
    }
  });

  it('on close, stops its timer, clears the view, prints what was held and shows the cursor', () => {
    const { stream, display, stopped, tick } = setup();
    display.note('one', 'info');
    display.pause();
    display.note('two', 'error');
    display.close();
    display.close();
    tick();
    display.note('after', 'info');
    expect(stopped()).toBe(true);
    const view = 'hypervisor run "demo" · parallel, 2 workers · 0s elapsed\n  3 pending   ETA ~3m 00s   breaker closed\n';
    expect(stream.text()).toBe(`${HIDE}one\n${view}${UP(2)}${SHOW}two\n`);
    const fresh = setup();
    fresh.display.note('x', 'info');
    fresh.display.close();
    expect(fresh.stream.text()).toBe(`${HIDE}x\n${view}${UP(2)}${SHOW}`);
  });

  it('counts a terminal that does not know its width as 80 columns', () => {
    const stream = { ...fakeStream({ columns: 0 }) };
    const wide = 'w'.repeat(100);
    const tracker = new RunTracker([{ id: 1, title: wide, dependsOn: [], estimateMs: 1 }], { plan: 'p', mode: 'sequential', workers: 1 });
    const display = createLiveProgress({ stream, tracker, styles: plain, ticker: () => () => undefined });
    const event = eventMaker();
    tracker.apply(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    display.onEvent(event('phase:started', 0, { phaseId: 1, attempt: 1 }));
    display.close();
    const row = stream.text().split('\n').find((line) => line.includes('▸')) ?? '';
    expect(row.length).toBe(79);
  });

  describe('by default', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('redraws four times a second on the real clock until closed', () => {
      jest.useFakeTimers({ now: T0 });
      const stream = fakeStream({ columns: 80 });
      const tracker = new RunTracker(phases, { plan: 'demo', mode: 'sequential', workers: 1 });
      const display = createLiveProgress({ stream, tracker, styles: plain });
      jest.advanceTimersByTime(1000);
      const frames = stream.text().split('hypervisor run').length - 1;
      expect(frames).toBe(4);
      display.close();
      jest.advanceTimersByTime(1000);
      expect(stream.text().split('hypervisor run').length - 1).toBe(4);
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
