import { describe, expect, it } from '@jest/globals';
import type { AttemptResult } from '../../schedule/ports.js';
import type { AgentExit } from './agent-exit.js';
import { findClaudeResult, isRateLimitText, parseClaudeResult, parseResetAt } from './claude-result.js';

const meta = { type: 'result', duration_ms: 4100, num_turns: 3, total_cost_usd: 0.0421, session_id: 'session-7' };
const json = (fields: Record<string, unknown>): string => JSON.stringify({ ...meta, ...fields });

function exit(fields: Partial<AgentExit>): AgentExit {
  return { profile: 'claude', exitCode: 0, signal: null, stopped: false, stdout: '', stderr: '', ...fields };
}

const report = { profile: 'claude', exitCode: 0, turns: 3, costUsd: 0.0421, sessionId: 'session-7' };

describe('parseClaudeResult', () => {
  it.each<[string, Partial<AgentExit>, AttemptResult]>([
    [
      'a success',
      { stdout: json({ subtype: 'success', is_error: false, result: 'Done' }) },
      { outcome: 'succeeded', agent: { ...report, isError: false, subtype: 'success' } },
    ],
    [
      'a success printed after progress lines (stream-json)',
      { stdout: `{"type":"system","subtype":"init"}\nplain text\n${json({ subtype: 'success', is_error: false })}\n` },
      { outcome: 'succeeded', agent: { ...report, isError: false, subtype: 'success' } },
    ],
    [
      'a verbose array of messages ending with the result',
      { stdout: JSON.stringify([{ type: 'system', subtype: 'init' }, { ...meta, subtype: 'success', is_error: false }]) },
      { outcome: 'succeeded', agent: { ...report, isError: false, subtype: 'success' } },
    ],
    [
      'the end of an array whose start was cut off',
      { stdout: `"cut":"off"},{"type":"assistant"},${json({ subtype: 'success', is_error: false })}]` },
      { outcome: 'succeeded', agent: { ...report, isError: false, subtype: 'success' } },
    ],
    [
      'is_error: true',
      { exitCode: 1, stdout: json({ subtype: 'success', is_error: true, result: 'The tool failed' }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'agent_error', message: 'claude answered with an error: The tool failed' },
        agent: { ...report, exitCode: 1, isError: true, subtype: 'success' },
      },
    ],
    [
      'the attempt over its own budget (error_max_budget_usd), which no retry helps',
      { exitCode: 1, stdout: json({ subtype: 'error_max_budget_usd', is_error: true }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'max_budget_usd', message: "claude stopped at the attempt's budget (maxBudgetUsd) after spending $0.04" },
        agent: { ...report, exitCode: 1, isError: true, subtype: 'error_max_budget_usd' },
        final: true,
      },
    ],
    [
      'error_max_turns',
      { exitCode: 1, stdout: json({ subtype: 'error_max_turns', is_error: true }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'max_turns', message: 'claude reported error_max_turns' },
        agent: { ...report, exitCode: 1, isError: true, subtype: 'error_max_turns' },
      },
    ],
    [
      'an error subtype with is_error false',
      { stdout: json({ subtype: 'error_during_execution', is_error: false }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'during_execution', message: 'claude reported error_during_execution' },
        agent: { ...report, isError: false, subtype: 'error_during_execution' },
      },
    ],
    [
      'a usage limit with its reset in epoch seconds',
      { exitCode: 1, stdout: json({ subtype: 'success', is_error: true, result: 'Claude AI usage limit reached|1750708800' }) },
      {
        outcome: 'rate_limited',
        resetAt: 1_750_708_800_000,
        message: 'Claude AI usage limit reached|1750708800',
        agent: { ...report, exitCode: 1, isError: true, subtype: 'success' },
      },
    ],
    [
      'the usage-limit answer even when is_error is false',
      { stdout: json({ subtype: 'success', is_error: false, result: 'Claude AI usage limit reached|1750708800' }) },
      {
        outcome: 'rate_limited',
        resetAt: 1_750_708_800_000,
        message: 'Claude AI usage limit reached|1750708800',
        agent: { ...report, isError: false, subtype: 'success' },
      },
    ],
    [
      'a rate limit that resets at an ISO time',
      { exitCode: 1, stdout: json({ is_error: true, result: 'API Error: 429 rate limit; resets at 2030-01-02T03:04:05Z' }) },
      {
        outcome: 'rate_limited',
        resetAt: Date.UTC(2030, 0, 2, 3, 4, 5),
        message: 'API Error: 429 rate limit; resets at 2030-01-02T03:04:05Z',
        agent: { ...report, exitCode: 1, isError: true },
      },
    ],
    [
      'a limit without a time',
      { exitCode: 1, stdout: json({ is_error: true, result: "You've hit your limit · resets 3:30am (Europe/Moscow)" }) },
      {
        outcome: 'rate_limited',
        message: "You've hit your limit · resets 3:30am (Europe/Moscow)",
        agent: { ...report, exitCode: 1, isError: true },
      },
    ],
    [
      'a success whose text merely mentions rate limits',
      { stdout: json({ subtype: 'success', is_error: false, result: 'Added a rate limit to the API' }) },
      { outcome: 'succeeded', agent: { ...report, isError: false, subtype: 'success' } },
    ],
    [
      'a success but a non-zero exit',
      { exitCode: 2, stderr: 'late failure', stdout: json({ subtype: 'success', is_error: false }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'exit_2', message: 'claude exited with code 2: late failure' },
        agent: { ...report, exitCode: 2, isError: false, subtype: 'success' },
      },
    ],
    [
      'is_error without a subtype',
      { exitCode: 1, stdout: JSON.stringify({ is_error: true, result: 'boom', num_turns: 2.5 }) },
      { outcome: 'failed', error: { name: 'AgentError', code: 'agent_error', message: 'claude reported error: boom' }, agent: { profile: 'claude', exitCode: 1, isError: true } },
    ],
    [
      'ill-typed metadata, which is left out of the report',
      { stdout: JSON.stringify({ type: 'result', is_error: false, num_turns: -1, total_cost_usd: 'free', session_id: 7 }) },
      { outcome: 'succeeded', agent: { profile: 'claude', exitCode: 0, isError: false } },
    ],
    [
      'a result without is_error and with an impossible cost',
      { stdout: '{"type":"result","subtype":"success","total_cost_usd":1e400}\n' },
      { outcome: 'succeeded', agent: { profile: 'claude', exitCode: 0, subtype: 'success' } },
    ],
    [
      'a negative cost',
      { stdout: '{"type":"result","subtype":"success","total_cost_usd":-2}' },
      { outcome: 'succeeded', agent: { profile: 'claude', exitCode: 0, subtype: 'success' } },
    ],
    [
      'garbage on stdout',
      { stdout: 'this is not { json\n' },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'unparseable_result', message: 'claude printed no JSON result: this is not { json' },
        agent: { profile: 'claude', exitCode: 0 },
      },
    ],
    [
      'JSON that is no result',
      { stdout: '{"type":"assistant"}\n[1,2]' },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'unparseable_result', message: 'claude printed no JSON result: {"type":"assistant"}\n[1,2]' },
        agent: { profile: 'claude', exitCode: 0 },
      },
    ],
    [
      'nothing at all',
      {},
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'unparseable_result', message: 'claude printed no JSON result (stdout was empty)' },
        agent: { profile: 'claude', exitCode: 0 },
      },
    ],
    [
      'a crash',
      { exitCode: 1, stderr: 'TypeError: cannot read properties of undefined\n' },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'exit_1', message: 'claude exited with code 1: TypeError: cannot read properties of undefined' },
        agent: { profile: 'claude', exitCode: 1 },
      },
    ],
    [
      'a rate limit said on stderr only',
      { exitCode: 1, stderr: 'Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}' },
      { outcome: 'rate_limited', message: 'Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}', agent: { profile: 'claude', exitCode: 1 } },
    ],
    [
      'a process the hypervisor stopped',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stderr: 'rate limit' },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'stopped', message: 'claude was stopped by the hypervisor: rate limit' },
        agent: { profile: 'claude', exitCode: null },
      },
    ],
    [
      'a process killed by a signal',
      { exitCode: null, signal: 'SIGKILL' },
      { outcome: 'failed', error: { name: 'AgentError', code: 'signal_SIGKILL', message: 'claude was killed by SIGKILL' }, agent: { profile: 'claude', exitCode: null } },
    ],
  ])('classifies %s', (_case, fields, expected) => {
    expect(parseClaudeResult(exit(fields))).toEqual(expected);
  });

  it('quotes only the end of a long output', () => {
    const result = parseClaudeResult(exit({ stdout: `${'x'.repeat(5000)}END` }));
    expect(result.outcome === 'failed' && result.error.message).toMatch(/: …x+END$/);
    expect(result.outcome === 'failed' && result.error.message.length).toBeLessThan(2100);
  });
});

describe('findClaudeResult', () => {
  it('takes the last result of an array and ignores lines that are not JSON', () => {
    const stdout = `noise {\n${JSON.stringify([{ type: 'result', n: 1 }, { type: 'result', n: 2 }, { type: 'user' }])}`;
    expect(findClaudeResult(stdout)).toEqual({ type: 'result', n: 2 });
  });

  it('accepts an object with is_error but no type', () => {
    expect(findClaudeResult('{"is_error":false}')).toEqual({ is_error: false });
  });

  it('finds nothing in an array without a result', () => {
    expect(findClaudeResult('[{"type":"user"}]')).toBeUndefined();
  });
});

describe('isRateLimitText', () => {
  it.each([
    ['Claude AI usage limit reached|1750708800', true],
    ['Claude usage limit reached. Your limit will reset at 3pm (America/Bogota).', true],
    ["You've hit your limit · resets 3:30am", true],
    ['5-hour limit reached ∙ resets 2am', true],
    ['API Error: 429 {"error":{"type":"overloaded"}}', true],
    ['This request would exceed your rate limit', true],
    ['Error: connection refused', false],
    ['Generated a moderate limiter', false],
  ])('%s → %s', (text, expected) => {
    expect(isRateLimitText(text)).toBe(expected);
  });
});

describe('parseResetAt', () => {
  it.each<[string, number | undefined]>([
    ['Claude AI usage limit reached|1750708800', 1_750_708_800_000],
    ['Claude AI usage limit reached|1750708800123', 1_750_708_800_123],
    ['limit hit, resets at 2030-01-02T03:04:05.500+02:00', Date.UTC(2030, 0, 2, 1, 4, 5, 500)],
    ['limit hit, resets at 2030-13-45T99:99Z', undefined],
    ['resets 3pm (Europe/Berlin)', undefined],
    ['no time at all', undefined],
  ])('%s → %s', (text, expected) => {
    expect(parseResetAt(text)).toBe(expected);
  });
});
