import type { AgentReport } from '../../schedule/ports.js';
import { MESSAGE_TAIL_CHARS, exitFailure, tailOf } from './agent-exit.js';
import type { AgentExit, ReportedResult } from './agent-exit.js';
import { isRateLimitText, parseResetAt } from './claude-result.js';

import { parseMessage } from './stream-progress.js';

/** What the events of `codex exec --json` say about the attempt. */
interface CodexStory {
  threadId?: string;
  turns: number;
  /** The message of the last `turn.failed` or top-level `error` event. */
  failure?: string;
  failedTurn: boolean;
}

function messageOf(value: unknown): string | undefined {
  const message = (value as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function readStory(stdout: string): CodexStory {
  const story: CodexStory = { turns: 0, failedTurn: false };
  for (const line of stdout.split('\n')) {
    const event = parseMessage(line);
    switch (event?.['type']) {
      case 'thread.started':
        if (typeof event['thread_id'] === 'string') story.threadId = event['thread_id'];
        break;
      case 'turn.completed':
        story.turns += 1;
        break;
      case 'turn.failed':
        story.failedTurn = true;
        story.failure = messageOf(event['error']) ?? 'the turn failed';
        break;
      case 'error': {
        const message = messageOf(event);
        if (message !== undefined) story.failure = message;
        break;
      }
    }
  }
  return story;
}

/**
 * The `codex exec --json` result rule: reads its JSONL events. A `turn.failed` fails the attempt with the
 * error's message (a rate-limit message waits instead); exit 0 with a completed turn succeeds, with the turns
 * and the thread id as session; any other exit fails with the end of stderr.
 */
export function parseCodexResult(exit: AgentExit): ReportedResult {
  const story = readStory(exit.stdout);
  const agent: AgentReport = {
    profile: exit.profile,
    exitCode: exit.exitCode,
    ...(story.turns > 0 ? { turns: story.turns } : {}),
    ...(story.threadId === undefined ? {} : { sessionId: story.threadId }),
  };
  const failure = story.failure ?? '';
  if (!exit.stopped && isRateLimitText(failure) && (story.failedTurn || exit.exitCode !== 0)) {
    const resetAt = parseResetAt(failure);
    return { outcome: 'rate_limited', message: tailOf(failure, MESSAGE_TAIL_CHARS), agent, ...(resetAt === undefined ? {} : { resetAt }) };
  }
  if (story.failedTurn) {
    return { outcome: 'failed', error: { name: 'AgentError', code: 'agent_error', message: `${exit.profile} failed: ${tailOf(failure, MESSAGE_TAIL_CHARS)}` }, agent };
  }
  if (exit.exitCode !== 0 || exit.stopped) return exitFailure(exit, agent);
  if (story.turns === 0) {
    const message = `${exit.profile} finished no turn${failure === '' ? '' : `: ${tailOf(failure, MESSAGE_TAIL_CHARS)}`}`;
    return { outcome: 'failed', error: { name: 'AgentError', code: 'no_result', message }, agent };
  }
  return { outcome: 'succeeded', agent };
}
