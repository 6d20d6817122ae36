import { describe, expect, it } from '@jest/globals';
import { T0, recordedRun } from '../__fixtures__/hypervisor-events.js';
import { createHypervisorBridge } from './hypervisor-bridge.js';

// What a shell phase's failure said before reasons went on one line: its output, line breaks and all.
const output = 'shell exited with code 1: registry timed out\nnpm ERR! code ETIMEDOUT\n';
const error = { name: 'AgentError', code: 'exit_1', message: output.trim() };

describe('HypervisorBridge, failure reasons', () => {
  it('records each reason on one line and keeps the whole error message', () => {
    const bridge = createHypervisorBridge();
    for (const event of recordedRun('r-1', [
      { type: 'run:started', timestamp: T0, plan: 'demo', phaseIds: [3], mode: 'sequential', maxWorkers: 1 },
      { type: 'phase:started', timestamp: T0, phaseId: 3, attempt: 1 },
      { type: 'phase:retrying', timestamp: T0 + 600, phaseId: 3, attempt: 1, delayMs: 918, reason: output, rateLimited: false },
      { type: 'phase:started', timestamp: T0 + 1_518, phaseId: 3, attempt: 2 },
      { type: 'phase:finished', timestamp: T0 + 2_100, phaseId: 3, status: 'failed', attempts: 2, durationMs: 2_100, reason: output, error },
    ])) {
      bridge.record(event);
    }
    const reasons = bridge.eventsFor(3).flatMap((event) => ('reason' in event.metadata ? [[event.event_type, event.metadata['reason']]] : []));
    const oneLine = 'shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT';
    expect(reasons).toEqual([
      ['phase_retry', oneLine],
      ['phase_failed', oneLine],
    ]);
    expect(bridge.eventsFor(3).at(-1)?.metadata['error']).toEqual(error);
  });
});
