import type { AgentReport } from '../../schedule/ports.js';
import { MESSAGE_TAIL_CHARS, exitFailure, tailOf } from './agent-exit.js';
import type { AgentExit, ReportedResult } from './agent-exit.js';
import { isRateLimitText, parseResetAt } from './claude-result.js';

import { fieldsOf, parseJsonObject, parseMessage } from './stream-progress.js';
import type { StreamMessage as Fields } from './stream-progress.js';

// gemini words a used-up quota its own way ("You have exhausted your capacity on this model. Your quota will reset
// after 2h52m39s.", "Quota exceeded for quota metric …", RESOURCE_EXHAUSTED), which the shared rate-limit words miss.
const QUOTA_TEXT = /\bquota\b|RESOURCE_EXHAUSTED/i;


/** The answer of `gemini -o json` (one document, printed over several lines) or `-o stream-json` (its `result` line). */
interface GeminiAnswer {
  readonly sessionId?: string;
  readonly error?: string;
  readonly complete: boolean;
}

function fromJson(document: Fields): GeminiAnswer {
  const error = fieldsOf(document, 'error')['message'];
  const sessionId = document['session_id'];
  return {
    ...(typeof sessionId === 'string' ? { sessionId } : {}),
    ...(typeof error === 'string' ? { error } : {}),
    complete: 'response' in document || typeof error === 'string',
  };
}

function fromStream(lines: readonly Fields[]): GeminiAnswer | undefined {
  const result = lines.findLast((line) => line['type'] === 'result');
  const init = lines.find((line) => line['type'] === 'init');
  if (result === undefined && init === undefined) return undefined;
  const sessionId = init?.['session_id'];
  const error = result === undefined ? undefined : fieldsOf(result, 'error')['message'];
  const failed = result !== undefined && result['status'] !== 'success';
  return {
    ...(typeof sessionId === 'string' ? { sessionId } : {}),
    ...(typeof error === 'string' ? { error } : failed ? { error: `status ${String(result['status'])}` } : {}),
    complete: result !== undefined,
  };
}

function readAnswer(stdout: string): GeminiAnswer | undefined {
  const text = stdout.trim();
  const start = text.indexOf('{');
  const whole = start === -1 ? undefined : parseJsonObject(text.slice(start));
  if (whole !== undefined && whole['type'] === undefined) return fromJson(whole);
  const lines = text.split('\n').flatMap((line): Fields[] => {
    const event = parseMessage(line);
    return event === undefined ? [] : [event];
  });
  return fromStream(lines);
}

/**
 * The gemini result rule: reads `gemini -o json` or `-o stream-json`. An `error` in the answer fails the attempt
 * with its message (a quota message waits instead); exit 0 with a complete answer succeeds, with the session id;
 * any other exit fails with the end of stderr (gemini prints its startup errors there in stream-json mode).
 */
export function parseGeminiResult(exit: AgentExit): ReportedResult {
  // With `-o json`, gemini prints an answer that is an error (no credentials: exit 41) on stderr, not stdout.
  const answer = readAnswer(exit.stdout) ?? readAnswer(exit.stderr);
  const agent: AgentReport = { profile: exit.profile, exitCode: exit.exitCode, ...(answer?.sessionId === undefined ? {} : { sessionId: answer.sessionId }) };
  const error = answer?.error;
  if (error !== undefined) {
    if (!exit.stopped && (isRateLimitText(error) || QUOTA_TEXT.test(error))) {
      const resetAt = parseResetAt(error);
      return { outcome: 'rate_limited', message: tailOf(error, MESSAGE_TAIL_CHARS), agent, ...(resetAt === undefined ? {} : { resetAt }) };
    }
    return { outcome: 'failed', error: { name: 'AgentError', code: 'agent_error', message: `${exit.profile} failed: ${tailOf(error, MESSAGE_TAIL_CHARS)}` }, agent };
  }
  if (exit.exitCode !== 0 || exit.stopped) return exitFailure(exit, agent);
  if (answer?.complete !== true) {
    const output = tailOf(exit.stdout, MESSAGE_TAIL_CHARS);
    const message = `${exit.profile} printed no result${output === '' ? ' (stdout was empty)' : `: ${output}`}`;
    return { outcome: 'failed', error: { name: 'AgentError', code: 'unparseable_result', message }, agent };
  }
  return { outcome: 'succeeded', agent };
}
