import { describe, expect, it } from '@jest/globals';
import type { AttemptResult } from '../../schedule/ports.js';
import type { AgentExit } from './agent-exit.js';
import { freshSessionCode, parseClaudeResult } from './claude-result.js';

const json = (fields: Record<string, unknown>): string => JSON.stringify({ type: 'result', duration_ms: 4100, num_turns: 3, total_cost_usd: 0.0421, session_id: 'session-7', ...fields });

function exit(fields: Partial<AgentExit>): AgentExit {
  return { profile: 'claude', exitCode: 0, signal: null, stopped: false, stdout: '', stderr: '', ...fields };
}

const report = { profile: 'claude', exitCode: 0, turns: 3, costUsd: 0.0421, sessionId: 'session-7' };

describe('freshSessionCode', () => {
  it.each([
    ['No conversation found with session ID: 4f1c2b9e', 'session_not_found'],
    ['Prompt is too long', 'context_overflow'],
    ['API Error: 400 prompt is too long: 210000 tokens > 200000 maximum', 'context_overflow'],
    ['{"code":"context_length_exceeded"}', 'context_overflow'],
    ["input length exceeds the model's context window", 'context_overflow'],
    ['The tool failed', undefined],
    ['', undefined],
  ])('reads %j as %s', (text, code) => {
    expect(freshSessionCode(text)).toBe(code);
  });
});

describe('parseClaudeResult on answers after which a retry needs a fresh session', () => {
  // Captured from claude 2.1.197: `-p --resume <unknown uuid>` prints this result in stream-json, and only the
  // stderr line with `--output-format json`; both exit 1.
  const gone = 'No conversation found with session ID: 11111111-2222-3333-4444-555555555555';
  const unknownSession = { type: 'result', subtype: 'error_during_execution', is_error: true, num_turns: 0, session_id: '11111111-2222-3333-4444-555555555555', total_cost_usd: 0, errors: [gone] };

  it.each<[string, Partial<AgentExit>, AttemptResult]>([
    [
      'an unknown session in stream-json',
      { exitCode: 1, stdout: `${JSON.stringify(unknownSession)}\n`, stderr: `${gone}\n` },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'session_not_found', message: `claude reported error_during_execution: ${gone}` },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'error_during_execution', turns: 0, costUsd: 0, sessionId: '11111111-2222-3333-4444-555555555555' },
      },
    ],
    [
      'an unknown session in json (stderr only)',
      { exitCode: 1, stderr: `${gone}\n` },
      { outcome: 'failed', error: { name: 'AgentError', code: 'session_not_found', message: `claude exited with code 1: ${gone}` }, agent: { profile: 'claude', exitCode: 1 } },
    ],
    [
      'a prompt too long for the context window',
      { exitCode: 1, stdout: json({ subtype: 'success', is_error: true, num_turns: 1, result: 'Prompt is too long' }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'context_overflow', message: 'claude answered with an error: Prompt is too long' },
        agent: { ...report, exitCode: 1, turns: 1, isError: true, subtype: 'success' },
      },
    ],
    [
      'an API error on a context too long, said on stderr',
      { exitCode: 1, stderr: 'API Error: 400 {"error":{"message":"prompt is too long: 210000 tokens > 200000 maximum"}}' },
      {
        outcome: 'failed',
        error: {
          name: 'AgentError',
          code: 'context_overflow',
          message: 'claude exited with code 1: API Error: 400 {"error":{"message":"prompt is too long: 210000 tokens > 200000 maximum"}}',
        },
        agent: { profile: 'claude', exitCode: 1 },
      },
    ],
    [
      'a session message on a process the hypervisor stopped',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stderr: gone },
      { outcome: 'failed', error: { name: 'AgentError', code: 'stopped', message: `claude was stopped by the hypervisor: ${gone}` }, agent: { profile: 'claude', exitCode: null } },
    ],
    [
      'errors that are not text',
      { exitCode: 1, stdout: JSON.stringify({ ...unknownSession, errors: [{ code: 1 }, 'boom'] }) },
      {
        outcome: 'failed',
        error: { name: 'AgentError', code: 'during_execution', message: 'claude reported error_during_execution: boom' },
        agent: { profile: 'claude', exitCode: 1, isError: true, subtype: 'error_during_execution', turns: 0, costUsd: 0, sessionId: '11111111-2222-3333-4444-555555555555' },
      },
    ],
  ])('classifies %s', (_case, fields, expected) => {
    expect(parseClaudeResult(exit(fields))).toEqual(expected);
  });
});
