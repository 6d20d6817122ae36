import { describe, expect, it } from '@jest/globals';
import { holdKeyboard } from './keyboard-hold.js';
import { fakeKeyboard } from './__fixtures__/fake-keyboard.js';

describe('holdKeyboard', () => {
  it('reads the keys in raw mode, so that the terminal neither echoes nor keeps them, and turns Ctrl-C into an interrupt', () => {
    const { keyboard, log, type } = fakeKeyboard();
    let interrupts = 0;
    holdKeyboard(keyboard, () => (interrupts += 1));
    expect(log).toEqual(['raw on', 'reading']);
    type('\r');
    type('y\u001b[B');
    expect(interrupts).toBe(0);
    type('\u0003');
    expect(interrupts).toBe(1);
  });

  it('gives the keyboard back as it was, once', () => {
    const { keyboard, log, type, readers } = fakeKeyboard();
    let interrupts = 0;
    const release = holdKeyboard(keyboard, () => (interrupts += 1));
    release();
    release();
    expect(log).toEqual(['raw on', 'reading', 'raw off', 'paused']);
    expect(readers()).toBe(0);
    type('\u0003');
    expect(interrupts).toBe(0);
    // A terminal someone had put in raw mode stays in it.
    const rawAlready = fakeKeyboard();
    rawAlready.keyboard.setRawMode?.(true);
    holdKeyboard(rawAlready.keyboard, () => undefined)();
    expect(rawAlready.log.at(-2)).toBe('raw on');
  });

  it('leaves an input that is not a terminal alone', () => {
    const { keyboard, log, readers } = fakeKeyboard(false);
    holdKeyboard(keyboard, () => undefined)();
    expect(log).toEqual([]);
    expect(readers()).toBe(0);
  });
});
