import { describe, expect, it } from '@jest/globals';
import type { ScriptStep } from './__fixtures__/fake-runner.js';
import { fail, succeed } from './__fixtures__/fake-runner.js';
import { eventsOf, reasons } from './__fixtures__/play-run.js';
import { phase, runPlan } from './__fixtures__/run-harness.js';

// What the shell profile makes of `echo "registry timed out" >&2; echo "npm ERR! code ETIMEDOUT" >&2; exit 1`.
const output = 'shell exited with code 1: registry timed out\nnpm ERR! code ETIMEDOUT';
const oneLine = 'shell exited with code 1: registry timed out ⏎ npm ERR! code ETIMEDOUT';
const backoff = { initialMs: 100, factor: 2, maxMs: 1_000, jitter: 0 };

describe('createRun failure reasons', () => {
  it('gives phase:retrying and phase:finished one-line reasons, and keeps the whole message in the error and the retry prompt', async () => {
    const run = await runPlan([phase(1, 10, { prompt: 'Install.' })], { maxRetries: 1, backoff }, { script: { 1: [fail(10, `${output}\n`), fail(10, output)] } });
    expect(eventsOf(run.events, 'phase:retrying').map((event) => event.reason)).toEqual([oneLine]);
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({ status: 'failed', reason: oneLine, error: { message: output } });
    expect(reasons(run.summary)).toEqual({ 1: oneLine });
    expect(run.runner.callsOf(1)[1]?.prompt).toBe(`Install.\n\nThe previous attempt failed: ${output}\n`);
  });

  it('gives a rate limit and a partial success one-line reasons', async () => {
    const limited: ScriptStep = { after: 10, result: { outcome: 'rate_limited', message: 'usage limit reached\nresets at 5pm\n' } };
    const run = await runPlan([phase(1, 10)], { rateLimitWaitMs: 50 }, { script: { 1: [limited, succeed(10, { partialReason: 'denied Edit\n(permission mode plan)' })] } });
    expect(eventsOf(run.events, 'phase:retrying')).toEqual([expect.objectContaining({ rateLimited: true, reason: 'usage limit reached ⏎ resets at 5pm' })]);
    expect(eventsOf(run.events, 'phase:finished')[0]).toMatchObject({ status: 'partial', reason: 'denied Edit ⏎ (permission mode plan)' });
  });

  it('cuts a long reason in the middle, keeping what failed and how the budget ended it', async () => {
    const failing: ScriptStep = {
      after: 10,
      result: { outcome: 'failed', error: { name: 'AgentError', code: 'exit_1', message: `shell exited with code 1: ${'fetch GET 200\n'.repeat(100)}ETIMEDOUT` }, agent: { profile: 'shell', exitCode: 1, costUsd: 2 } },
    };
    const run = await runPlan([phase(1, 10)], { maxCostUsd: 1, maxRetries: 3 }, { script: { 1: [failing] } });
    const reason = reasons(run.summary)[1] ?? '';
    expect(reason).toHaveLength(300);
    expect(reason.startsWith('shell exited with code 1: fetch GET 200 ⏎ ')).toBe(true);
    expect(reason.endsWith('fetch GET 200 ⏎ ETIMEDOUT; not retried: the budget is spent')).toBe(true);
    expect(reason).not.toContain('\n');
  });
});
