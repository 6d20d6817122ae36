import { EventEmitter } from 'node:events';
import type { KeyboardInput } from '../keyboard-hold.js';

/** A keyboard that records what is done to it and can be typed on. */
export interface FakeKeyboard {
  readonly keyboard: KeyboardInput;
  /** What was done to it, in order: `raw on`, `raw off`, `reading`, `paused`. */
  readonly log: string[];
  /** Sends keys, as the terminal does once it is read. */
  type(keys: string): void;
  /** How many listeners read its keys. */
  readers(): number;
}

/** A fake standard input: a terminal unless `terminal` is false. */
export function fakeKeyboard(terminal = true): FakeKeyboard {
  const emitter = new EventEmitter();
  const log: string[] = [];
  let raw = false;
  const keyboard: KeyboardInput = {
    isTTY: terminal,
    get isRaw() {
      return raw;
    },
    ...(terminal
      ? {
          setRawMode: (mode: boolean) => {
            raw = mode;
            log.push(mode ? 'raw on' : 'raw off');
          },
        }
      : {}),
    on: (event, listener) => emitter.on(event, listener),
    removeListener: (event, listener) => emitter.removeListener(event, listener),
    resume: () => log.push('reading'),
    pause: () => log.push('paused'),
  };
  return { keyboard, log, type: (keys) => void emitter.emit('data', Buffer.from(keys)), readers: () => emitter.listenerCount('data') };
}
