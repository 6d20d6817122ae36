import { describe, expect, it } from '@jest/globals';
import { EMPTY, concat, lastValueFrom, of, throwError, toArray } from 'rxjs';
import type { RunnerEvent } from '../../schedule/ports.js';
import { settleOnce } from './run-attempt.js';

const output: RunnerEvent = { type: 'output', stream: 'stdout', text: 'hi' };
const success: RunnerEvent = { type: 'result', result: { outcome: 'succeeded' } };
const collect = (events: Parameters<typeof settleOnce>[0]) => lastValueFrom(settleOnce(events).pipe(toArray()));

describe('settleOnce', () => {
  it('relays output and ends at the first result', async () => {
    const later: RunnerEvent = { type: 'result', result: { outcome: 'rate_limited', message: 'later' } };
    await expect(collect(of(output, success, output, later))).resolves.toEqual([output, success]);
  });

  it('turns an error into a failed result, keeping its code', async () => {
    const coded = Object.assign(new Error('no space left'), { code: 'ENOSPC' });
    await expect(collect(concat(of(output), throwError(() => coded)))).resolves.toEqual([
      output,
      { type: 'result', result: { outcome: 'failed', error: { name: 'Error', code: 'ENOSPC', message: 'no space left' } } },
    ]);
    await expect(collect(throwError(() => new TypeError('bad')))).resolves.toEqual([
      { type: 'result', result: { outcome: 'failed', error: { name: 'TypeError', code: 'runner_error', message: 'bad' } } },
    ]);
  });

  it('gives a stream that ends without a result a failed no_result', async () => {
    await expect(collect(EMPTY)).resolves.toEqual([
      { type: 'result', result: { outcome: 'failed', error: { name: 'RunnerError', code: 'no_result', message: 'the agent process ended without a result' } } },
    ]);
  });
});
