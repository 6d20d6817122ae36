import { describe, expect, it } from '@jest/globals';
import type { AgentReport, AttemptResult } from '../../schedule/ports.js';
import type { AgentExit } from './agent-exit.js';
import { parseCodexResult } from './codex-result.js';

const jsonl = (...events: readonly unknown[]): string => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;

const started = { type: 'thread.started', thread_id: '01a2b3' };
const turnStarted = { type: 'turn.started' };
const message = { type: 'item.completed', item: { id: 'item_1', type: 'agent_message', text: 'Done' } };
const completed = { type: 'turn.completed', usage: { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5 } };
const reconnecting = { type: 'error', message: 'Reconnecting... 2/5 (stream disconnected before completion: failed to lookup address information: Name does not resolve)' };
const waiting = { type: 'error', message: 'Reconnecting... waiting for network (Connection failed: error sending request)' };
const usageLimit = "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing) or try again in 4 days 20 hours 9 minutes.";

function exit(fields: Partial<AgentExit>): AgentExit {
  return { profile: 'codex', exitCode: 0, signal: null, stopped: false, stdout: '', stderr: '', ...fields };
}

const failed = (code: string, text: string, agent: Omit<AgentReport, 'profile'> & { profile?: string }): AttemptResult => ({
  outcome: 'failed',
  error: { name: 'AgentError', code, message: text },
  agent: { profile: 'codex', ...agent },
});

describe('parseCodexResult', () => {
  it.each<[string, Partial<AgentExit>, AttemptResult]>([
    [
      'a completed turn',
      { stdout: jsonl(started, turnStarted, message, completed) },
      { outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1, sessionId: '01a2b3' } },
    ],
    [
      'two completed turns after reconnecting once',
      { stdout: jsonl(started, turnStarted, reconnecting, completed, turnStarted, message, completed) },
      { outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 2, sessionId: '01a2b3' } },
    ],
    [
      'events among lines that are not events (a cut first line, plain text, an array, broken JSON)',
      { stdout: `age","text":"x"}}\nplain text\n[1,2]\n{"type":\n  ${JSON.stringify(started)}  \r\n${jsonl(completed)}` },
      { outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1, sessionId: '01a2b3' } },
    ],
    [
      'a thread id that is not a string, and an error event without a message',
      { stdout: jsonl({ type: 'thread.started', thread_id: 7 }, { type: 'error' }, completed) },
      { outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1 } },
    ],
    [
      'a failed turn, with its message',
      { exitCode: 1, stdout: jsonl(started, turnStarted, { type: 'turn.failed', error: { message: 'unexpected status 400 Bad Request' } }) },
      failed('agent_error', 'codex failed: unexpected status 400 Bad Request', { exitCode: 1, sessionId: '01a2b3' }),
    ],
    [
      'a failed turn without a message',
      { stdout: jsonl(started, { type: 'turn.failed', error: null }) },
      failed('agent_error', 'codex failed: the turn failed', { exitCode: 0, sessionId: '01a2b3' }),
    ],
    [
      'a failed turn after the hypervisor stopped codex',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stdout: jsonl(started, { type: 'turn.failed', error: { message: usageLimit } }) },
      failed('agent_error', `codex failed: ${usageLimit}`, { exitCode: null, sessionId: '01a2b3' }),
    ],
    [
      'a turn failed on the usage limit',
      { exitCode: 1, stdout: jsonl(started, turnStarted, { type: 'turn.failed', error: { message: usageLimit } }) },
      { outcome: 'rate_limited', message: usageLimit, agent: { profile: 'codex', exitCode: 1, sessionId: '01a2b3' } },
    ],
    [
      'a rate-limit error event with its reset time, then a failing exit',
      { exitCode: 1, stdout: jsonl(started, { type: 'error', message: 'rate limit reached, resets at 2025-06-23T20:00:00Z' }) },
      {
        outcome: 'rate_limited',
        resetAt: Date.parse('2025-06-23T20:00:00Z'),
        message: 'rate limit reached, resets at 2025-06-23T20:00:00Z',
        agent: { profile: 'codex', exitCode: 1, sessionId: '01a2b3' },
      },
    ],
    [
      'a rate-limit error event that codex got past',
      { stdout: jsonl(started, { type: 'error', message: 'rate limit reached, retrying' }, completed) },
      { outcome: 'succeeded', agent: { profile: 'codex', exitCode: 0, turns: 1, sessionId: '01a2b3' } },
    ],
    [
      'codex outside a git repository (captured)',
      { exitCode: 1, stderr: 'Not inside a trusted directory and --skip-git-repo-check was not specified.\n' },
      failed('exit_1', 'codex exited with code 1: Not inside a trusted directory and --skip-git-repo-check was not specified.', { exitCode: 1 }),
    ],
    [
      'a flag codex does not know (captured)',
      { exitCode: 2, stderr: "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n" },
      failed('exit_2', "codex exited with code 2: error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'", { exitCode: 2 }),
    ],
    [
      'no network until the output rule stopped it (captured)',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stdout: jsonl(started, turnStarted, reconnecting, waiting) },
      failed('stopped', `codex was stopped by the hypervisor: ${jsonl(started, turnStarted, reconnecting, waiting).trim()}`, { exitCode: null, sessionId: '01a2b3' }),
    ],
    [
      'a rate-limit error event when the hypervisor stopped codex',
      { exitCode: null, signal: 'SIGTERM', stopped: true, stdout: jsonl({ type: 'error', message: 'rate limit reached' }), stderr: 'bye' },
      failed('stopped', 'codex was stopped by the hypervisor: bye', { exitCode: null }),
    ],
    [
      'a kill by a signal after a completed turn',
      { exitCode: null, signal: 'SIGKILL', stdout: jsonl(started, completed) },
      failed('signal_SIGKILL', `codex was killed by SIGKILL: ${jsonl(started, completed).trim()}`, { exitCode: null, turns: 1, sessionId: '01a2b3' }),
    ],
    [
      'exit 0 without a turn',
      { stdout: jsonl(started, turnStarted) },
      failed('no_result', 'codex finished no turn', { exitCode: 0, sessionId: '01a2b3' }),
    ],
    [
      'exit 0 without a turn after an error event, quoting it',
      { stdout: jsonl(started, turnStarted, reconnecting) },
      failed('no_result', `codex finished no turn: ${reconnecting.message}`, { exitCode: 0, sessionId: '01a2b3' }),
    ],
    [
      'exit 0 with nothing printed',
      {},
      failed('no_result', 'codex finished no turn', { exitCode: 0 }),
    ],
  ])('reads %s', (_case, fields, expected) => {
    expect(parseCodexResult(exit(fields))).toEqual(expected);
  });

  it('names the profile that ran in its messages and report', () => {
    expect(parseCodexResult(exit({ profile: 'codex-fast', stdout: jsonl(started) }))).toEqual(
      failed('no_result', 'codex-fast finished no turn', { profile: 'codex-fast', exitCode: 0, sessionId: '01a2b3' }),
    );
  });

  it('quotes only the end of a long failure message', () => {
    const long = `${'x'.repeat(3_000)} the end`;
    const result = parseCodexResult(exit({ exitCode: 1, stdout: jsonl({ type: 'turn.failed', error: { message: long } }) }));
    expect(result.outcome === 'failed' && result.error.message).toBe(`codex failed: …${long.slice(-2_000)}`);
  });
});
