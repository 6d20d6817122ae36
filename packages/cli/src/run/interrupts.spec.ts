import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { trapInterrupts } from './interrupts.js';

describe('trapInterrupts', () => {
  it('asks for a graceful stop on the first SIGINT or SIGTERM and a forced one on every later signal', () => {
    const source = new EventEmitter();
    const calls: string[] = [];
    const release = trapInterrupts(source, { onInterrupt: (signal) => calls.push(`stop ${signal}`), onForce: (signal) => calls.push(`force ${signal}`) });
    expect([source.listenerCount('SIGINT'), source.listenerCount('SIGTERM')]).toEqual([1, 1]);
    source.emit('SIGTERM');
    source.emit('SIGINT');
    source.emit('SIGINT');
    expect(calls).toEqual(['stop SIGTERM', 'force SIGINT', 'force SIGINT']);
    release();
    expect([source.listenerCount('SIGINT'), source.listenerCount('SIGTERM')]).toEqual([0, 0]);
    source.emit('SIGINT');
    expect(calls).toHaveLength(3);
  });
});
