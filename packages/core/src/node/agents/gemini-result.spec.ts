import { describe, expect, it } from '@jest/globals';
import type { AgentReport, AttemptResult } from '../../schedule/ports.js';
import type { AgentExit } from './agent-exit.js';
import { parseGeminiResult } from './gemini-result.js';

const AUTH_MESSAGE =
  'Please set an Auth method in your /home/dev/.gemini/settings.json or specify one of the following environment variables before running: GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GENAI_USE_GCA';

/** `gemini -p hi -o json` without credentials, as gemini 0.61 printed it (exit 41). */
const AUTH_JSON = `{\n  "session_id": "c1c8d2",\n  "error": {\n    "type": "Error",\n    "message": "${AUTH_MESSAGE}",\n    "code": 41\n  }\n}\n`;

const QUOTA_MESSAGE = 'You have exhausted your capacity on this model. Your quota will reset after 2h52m39s.';

const stats = { models: {}, tools: { totalCalls: 0 } };
const init = { type: 'init', timestamp: '2025-06-23T20:00:00.000Z', session_id: 'a909f1', model: 'gemini-2.5-flash' };
const reply = { type: 'message', timestamp: '2025-06-23T20:00:01.000Z', role: 'assistant', content: 'Done', delta: true };
const jsonl = (...events: readonly unknown[]): string => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;

function exit(fields: Partial<AgentExit>): AgentExit {
  return { profile: 'gemini', exitCode: 0, signal: null, stopped: false, stdout: '', stderr: '', ...fields };
}

const failed = (code: string, text: string, agent: Omit<AgentReport, 'profile'>): AttemptResult => ({
  outcome: 'failed',
  error: { name: 'AgentError', code, message: text },
  agent: { profile: 'gemini', ...agent },
});

describe('parseGeminiResult', () => {
  it.each<[string, Partial<AgentExit>, AttemptResult]>([
    [
      'a JSON answer',
      { stdout: JSON.stringify({ session_id: 's-1', response: 'Done', stats }) },
      { outcome: 'succeeded', agent: { profile: 'gemini', exitCode: 0, sessionId: 's-1' } },
    ],
    [
      'a pretty-printed JSON answer after a log line',
      { stdout: `Loaded cached credentials.\n${JSON.stringify({ session_id: 's-1', response: 'Done', stats }, null, 2)}\n` },
      { outcome: 'succeeded', agent: { profile: 'gemini', exitCode: 0, sessionId: 's-1' } },
    ],
    [
      'a JSON answer without a session id',
      { stdout: JSON.stringify({ response: '', stats }) },
      { outcome: 'succeeded', agent: { profile: 'gemini', exitCode: 0 } },
    ],
    [
      'a stream-json answer',
      { stdout: jsonl(init, reply, { type: 'result', timestamp: '2025-06-23T20:00:02.000Z', status: 'success', stats }) },
      { outcome: 'succeeded', agent: { profile: 'gemini', exitCode: 0, sessionId: 'a909f1' } },
    ],
    [
      'a stream-json result line alone',
      { stdout: jsonl({ type: 'result', status: 'success', stats }) },
      { outcome: 'succeeded', agent: { profile: 'gemini', exitCode: 0 } },
    ],
    [
      'no credentials in JSON mode (captured)',
      { exitCode: 41, stdout: AUTH_JSON },
      failed('agent_error', `gemini failed: ${AUTH_MESSAGE}`, { exitCode: 41, sessionId: 'c1c8d2' }),
    ],
    [
      'no credentials in json mode, the answer on stderr as gemini 0.61 prints it',
      { exitCode: 41, stderr: AUTH_JSON },
      failed('agent_error', `gemini failed: ${AUTH_MESSAGE}`, { exitCode: 41, sessionId: 'c1c8d2' }),
    ],
    [
      'no credentials in stream-json mode, told on stderr (captured)',
      { exitCode: 41, stderr: `${AUTH_MESSAGE}\n` },
      failed('exit_41', `gemini exited with code 41: ${AUTH_MESSAGE}`, { exitCode: 41 }),
    ],
    [
      'a stream-json result with an error',
      { exitCode: 1, stdout: jsonl(init, { type: 'result', status: 'error', error: { type: 'FatalTurnLimitedError', message: 'Reached max session turns' }, stats }) },
      failed('agent_error', 'gemini failed: Reached max session turns', { exitCode: 1, sessionId: 'a909f1' }),
    ],
    [
      'a stream-json result that did not succeed and says no more',
      { stdout: jsonl(init, { type: 'result', status: 'cancelled' }) },
      failed('agent_error', 'gemini failed: status cancelled', { exitCode: 0, sessionId: 'a909f1' }),
    ],
    [
      'a used-up quota, which waits instead of failing',
      { exitCode: 1, stdout: JSON.stringify({ session_id: 's-1', error: { type: 'TerminalQuotaError', message: QUOTA_MESSAGE, code: 1 } }) },
      { outcome: 'rate_limited', message: QUOTA_MESSAGE, agent: { profile: 'gemini', exitCode: 1, sessionId: 's-1' } },
    ],
    [
      'a RESOURCE_EXHAUSTED answer',
      { exitCode: 1, stdout: JSON.stringify({ error: { message: '[API Error: got status: 429 Too Many Requests. RESOURCE_EXHAUSTED]' } }) },
      { outcome: 'rate_limited', message: '[API Error: got status: 429 Too Many Requests. RESOURCE_EXHAUSTED]', agent: { profile: 'gemini', exitCode: 1 } },
    ],
    [
      'a rate limit with its reset time',
      { exitCode: 1, stdout: JSON.stringify({ error: { message: 'rate limit exceeded, resets at 2025-06-23T20:00:00Z' } }) },
      {
        outcome: 'rate_limited',
        resetAt: Date.parse('2025-06-23T20:00:00Z'),
        message: 'rate limit exceeded, resets at 2025-06-23T20:00:00Z',
        agent: { profile: 'gemini', exitCode: 1 },
      },
    ],
    [
      'a used-up quota when the hypervisor stopped gemini',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stdout: JSON.stringify({ error: { message: QUOTA_MESSAGE } }) },
      failed('agent_error', `gemini failed: ${QUOTA_MESSAGE}`, { exitCode: null }),
    ],
    [
      'a flag gemini does not know (captured)',
      { exitCode: 1, stderr: 'Unknown argument: bogus\n' },
      failed('exit_1', 'gemini exited with code 1: Unknown argument: bogus', { exitCode: 1 }),
    ],
    [
      'no network until the output rule stopped it (captured)',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stderr: 'Attempt 1 failed. Retrying with backoff... Error: exception TypeError: fetch failed sending request\n' },
      failed('stopped', 'gemini was stopped by the hypervisor: Attempt 1 failed. Retrying with backoff... Error: exception TypeError: fetch failed sending request', {
        exitCode: null,
      }),
    ],
    [
      'a complete answer followed by a failing exit',
      { exitCode: 2, stdout: JSON.stringify({ session_id: 's-1', response: 'Done' }), stderr: 'crashed on exit' },
      failed('exit_2', 'gemini exited with code 2: crashed on exit', { exitCode: 2, sessionId: 's-1' }),
    ],
    [
      'a stream-json answer cut off before its result',
      { stdout: jsonl(init, reply) },
      failed('unparseable_result', `gemini printed no result: ${jsonl(init, reply).trim()}`, { exitCode: 0, sessionId: 'a909f1' }),
    ],
    [
      'a JSON document with neither a response nor an error',
      { stdout: '{"session_id":"s-1"}' },
      failed('unparseable_result', 'gemini printed no result: {"session_id":"s-1"}', { exitCode: 0, sessionId: 's-1' }),
    ],
    [
      'plain text',
      { stdout: 'Done, I think.\n[not JSON]\n{"half":' },
      failed('unparseable_result', 'gemini printed no result: Done, I think.\n[not JSON]\n{"half":', { exitCode: 0 }),
    ],
    [
      'nothing at all',
      { stdout: '  \n' },
      failed('unparseable_result', 'gemini printed no result (stdout was empty)', { exitCode: 0 }),
    ],
  ])('reads %s', (_case, fields, expected) => {
    expect(parseGeminiResult(exit(fields))).toEqual(expected);
  });

  it('names the profile that ran in its messages and report', () => {
    expect(parseGeminiResult(exit({ profile: 'flash', exitCode: 41, stdout: AUTH_JSON }))).toEqual({
      outcome: 'failed',
      error: { name: 'AgentError', code: 'agent_error', message: `flash failed: ${AUTH_MESSAGE}` },
      agent: { profile: 'flash', exitCode: 41, sessionId: 'c1c8d2' },
    });
  });
});
