import type { AgentReport } from '../../schedule/ports.js';
import { MESSAGE_TAIL_CHARS, exitFailure, tailOf } from './agent-exit.js';
import type { AgentExit, ReportedResult } from './agent-exit.js';

type Fields = Readonly<Record<string, unknown>>;

const RESULT_MARKER = '{"type":"result"';

// Texts that mean "usage or rate limit hit": Claude's own answers and the API's 429 error.
const RATE_LIMIT_PATTERNS: readonly RegExp[] = [
  /usage limit reached/i,
  /hit your (?:usage )?limit/i,
  /\brate[ _-]?limit/i,
  /\b\d+-hour limit reached/i,
  /API Error: 429\b/i,
];

// Answers after which the session is worth nothing to a retry, which must then start a fresh one: a `--resume` of a
// session claude does not have (its own words), and a conversation grown past the model's context window (claude's
// `Prompt is too long`, the API's `prompt is too long: 210000 tokens > 200000 maximum`, an OpenAI-style code).
const FRESH_SESSION_ANSWERS: readonly (readonly [RegExp, string])[] = [
  [/No conversation found with session ID/i, 'session_not_found'],
  [/prompt is too long|context[_ ]length[_ ]exceeded|exceeds? (?:the )?(?:model's )?context (?:window|limit)/i, 'context_overflow'],
];

// `Claude AI usage limit reached|1750708800`: the whole answer, whatever `is_error` says.
const USAGE_LIMIT_ANSWER = /^Claude AI usage limit reached\|\d{9,13}$/;
const EPOCH_RESET = /usage limit reached\|(\d{9,13})/i;
const ISO_RESET = /resets?\s+at\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)/i;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResultDocument(value: unknown): value is Fields {
  return isFields(value) && (value['type'] === 'result' || typeof value['is_error'] === 'boolean');
}

// Claude prints one object, or (in verbose and newer versions) an array of messages ending with the result.
function pickResult(value: unknown): Fields | undefined {
  if (isResultDocument(value)) return value;
  if (!Array.isArray(value)) return undefined;
  const items: unknown[] = value;
  return items.findLast(isResultDocument) as Fields | undefined;
}

function tryParse(text: string): Fields | undefined {
  try {
    return pickResult(JSON.parse(text));
  } catch {
    // Not JSON: the caller tries the next candidate.
    return undefined;
  }
}

function* candidates(stdout: string): Generator<string> {
  const text = stdout.trim();
  yield text;
  const lines = text.split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = (lines[index] as string).trim();
    if (line.startsWith('{') || line.startsWith('[')) yield line;
  }
  // The tail of a long array may have lost its start: parse from the last result object onwards.
  const marker = text.lastIndexOf(RESULT_MARKER);
  if (marker > 0) yield text.slice(marker).replace(/\]\s*$/, '');
}

/**
 * Finds the final result of `claude -p --output-format json` in its stdout: the whole output as one JSON
 * document, else the last line that is one (stream-json), else the last `{"type":"result"…}` object of a
 * truncated array.
 * @returns the result object, or undefined when there is none
 */
export function findClaudeResult(stdout: string): Fields | undefined {
  for (const candidate of candidates(stdout)) {
    const found = tryParse(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Whether an agent's text says that a usage or rate limit was hit. */
export function isRateLimitText(text: string): boolean {
  return RATE_LIMIT_PATTERNS.some((pattern) => pattern.test(text));
}

/**
 * The reset time (epoch ms) a rate-limit text gives: `Claude AI usage limit reached|<epoch seconds>`, or
 * `resets at <ISO 8601 time>`; undefined when it gives none (the scheduler then waits its default).
 * @example
 * parseResetAt('Claude AI usage limit reached|1750708800'); // 1750708800000
 */
export function parseResetAt(text: string): number | undefined {
  const epoch = EPOCH_RESET.exec(text)?.[1];
  if (epoch !== undefined) {
    const value = Number(epoch);
    return epoch.length > 10 ? value : value * 1000;
  }
  const iso = ISO_RESET.exec(text)?.[1];
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(time) ? time : undefined;
}

function rateLimited(text: string, agent: AgentReport): ReportedResult {
  const resetAt = parseResetAt(text);
  return { outcome: 'rate_limited', message: tailOf(text, MESSAGE_TAIL_CHARS), agent, ...(resetAt === undefined ? {} : { resetAt }) };
}

/** The tools named in the result's `permission_denials`, each once, in the order they were first denied. */
function deniedTools(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names = (value as unknown[]).map((denial) => (isFields(denial) ? denial['tool_name'] : undefined));
  return [...new Set(names.filter((name): name is string => typeof name === 'string' && name !== ''))];
}

function reportOf(document: Fields, exit: AgentExit): AgentReport {
  const { is_error: isError, subtype, num_turns: turns, total_cost_usd: costUsd, session_id: sessionId } = document;
  const denied = deniedTools(document['permission_denials']);
  return {
    profile: exit.profile,
    exitCode: exit.exitCode,
    ...(typeof isError === 'boolean' ? { isError } : {}),
    ...(typeof subtype === 'string' ? { subtype } : {}),
    ...(Number.isInteger(turns) && (turns as number) >= 0 ? { turns: turns as number } : {}),
    ...(typeof costUsd === 'number' && Number.isFinite(costUsd) && costUsd >= 0 ? { costUsd } : {}),
    ...(typeof sessionId === 'string' ? { sessionId } : {}),
    ...(denied.length === 0 ? {} : { permissionDenials: denied }),
  };
}

/**
 * The error code of a claude failure that leaves its session worth nothing to a retry: `session_not_found` (a
 * `--resume` of a session claude does not have) or `context_overflow` (the conversation no longer fits the model's
 * context window); undefined for any other text.
 * @example
 * freshSessionCode('No conversation found with session ID: 4f1c…'); // 'session_not_found'
 */
export function freshSessionCode(text: string): string | undefined {
  return FRESH_SESSION_ANSWERS.find(([pattern]) => pattern.test(text))?.[1];
}

/** What the result says: its `result` text, or the `errors` of a run that failed before it began (an unknown session). */
function answerText(document: Fields): string {
  if (typeof document['result'] === 'string') return document['result'];
  const errors = document['errors'];
  return Array.isArray(errors) ? (errors as unknown[]).filter((error): error is string => typeof error === 'string').join('\n') : '';
}

function classifyDocument(document: Fields, exit: AgentExit): ReportedResult {
  const agent = reportOf(document, exit);
  const text = answerText(document);
  const failed = agent.isError === true || (agent.subtype?.startsWith('error') ?? false);
  if ((failed && isRateLimitText(text)) || USAGE_LIMIT_ANSWER.test(text.trim())) return rateLimited(text, agent);
  if (failed && agent.subtype === 'error_max_budget_usd') {
    // Retrying would spend the same again: the phase fails, naming its budget.
    const spent = agent.costUsd === undefined ? '' : ` after spending $${agent.costUsd.toFixed(2)}`;
    const message = `${exit.profile} stopped at the attempt's budget (maxBudgetUsd)${spent}`;
    return { outcome: 'failed', error: { name: 'AgentError', code: 'max_budget_usd', message }, agent, final: true };
  }
  if (failed) {
    const subtype = agent.subtype ?? 'error';
    const code = freshSessionCode(text) ?? (subtype === 'success' || subtype === 'error' ? 'agent_error' : subtype.replace(/^error_/, ''));
    // `subtype: success` with `is_error: true` is an error all the same: never call it a success.
    const what = subtype === 'success' ? 'answered with an error' : `reported ${subtype}`;
    const message = `${exit.profile} ${what}${text === '' ? '' : `: ${tailOf(text, MESSAGE_TAIL_CHARS)}`}`;
    return { outcome: 'failed', error: { name: 'AgentError', code, message }, agent };
  }
  if (exit.exitCode !== 0 || exit.stopped) return exitFailure(exit, agent);
  return { outcome: 'succeeded', agent };
}

/**
 * The `claude-json` result rule: reads the final JSON result of `claude -p --output-format json`.
 * - `is_error: false` and exit 0: succeeded, with turns, cost, session id and the denied tools in the agent report;
 * - `is_error: true` (or an `error_*` subtype): failed with the subtype as code (`error_max_turns` → `max_turns`),
 *   or `session_not_found` / `context_overflow` when it says so (see {@link freshSessionCode});
 * - a usage or rate-limit answer: rate_limited, with `resetAt` when the text says when;
 * - no JSON result: rate_limited when stderr or stdout says so, failed `exit_<n>`/`signal_<SIG>` with the end
 *   of stderr when the process failed (`session_not_found` / `context_overflow` when stderr says so), else failed
 *   `unparseable_result` with the end of stdout.
 * @example
 * parseClaudeResult({ profile: 'claude', exitCode: 0, signal: null, stopped: false, stderr: '',
 *   stdout: '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"Done"}' });
 * // { outcome: 'succeeded', agent: { profile: 'claude', exitCode: 0, isError: false, subtype: 'success', turns: 3 } }
 */
export function parseClaudeResult(exit: AgentExit): ReportedResult {
  const document = findClaudeResult(exit.stdout);
  if (document !== undefined) return classifyDocument(document, exit);
  const agent: AgentReport = { profile: exit.profile, exitCode: exit.exitCode };
  const said = `${exit.stderr}\n${exit.stdout}`.trim();
  if (!exit.stopped && isRateLimitText(said)) return rateLimited(said, agent);
  if (exit.exitCode !== 0 || exit.stopped) {
    const failed = exitFailure(exit, agent);
    const code = exit.stopped ? undefined : freshSessionCode(said);
    return code === undefined ? failed : { ...failed, error: { ...failed.error, code } };
  }
  const output = tailOf(exit.stdout, MESSAGE_TAIL_CHARS);
  const message = `${exit.profile} printed no JSON result${output === '' ? ' (stdout was empty)' : `: ${output}`}`;
  return { outcome: 'failed', error: { name: 'AgentError', code: 'unparseable_result', message }, agent };
}
