import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Observable, catchError, concat, defer, finalize, from, mergeMap, of } from 'rxjs';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { AgentProgress, AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import type { ProcessOptions, ProcessResult, ProcessSpec } from '../process/process-types.js';
import { errnoOf } from '../process/error-details.js';
import { MESSAGE_TAIL_CHARS, classifyExitCode, tailOf } from './agent-exit.js';
import type { AgentExit, ReportedResult } from './agent-exit.js';
import type { AgentProfile } from './agent-profile.js';
import { parseClaudeResult } from './claude-result.js';
import { readClaudeStream } from './claude-stream.js';
import { parseCodexResult } from './codex-result.js';
import { readCodexStream } from './codex-stream.js';
import { fatalAnswerOf, missingAgentError } from './fatal-answers.js';
import { parseGeminiResult } from './gemini-result.js';
import { readGeminiStream } from './gemini-stream.js';
import { watchOutput } from './output-rules.js';
import type { RuleHit } from './output-rules.js';
import type { ProcessLauncher } from './process-launcher.js';
import { captureCheckpoint, snapshotFile } from './script-checkpoint.js';
import type { FileSnapshot } from './script-checkpoint.js';
import type { ProgressReader } from './stream-progress.js';
import { runValidation } from './validation.js';
import type { ValidationEvent, ValidationOptions } from './validation.js';

/** How much of each stream is kept for a `claude-json` profile, whose result is one (possibly long) JSON document. */
const CLAUDE_JSON_TAIL_CHARS = 1_048_576;

/** Everything one attempt needs, already resolved. */
export interface AttemptPlan {
  readonly launcher: ProcessLauncher;
  readonly profile: AgentProfile;
  readonly spec: ProcessSpec;
  readonly signal: AbortSignal;
  readonly logFile: string;
  readonly logHeader: string;
  readonly killGraceMs?: number;
  /** Runs after an agent success; no validation when absent. */
  readonly validation?: Omit<ValidationOptions, 'launcher' | 'signal' | 'killGraceMs' | 'logFile'>;
  /** Where a checkpoint written during the attempt is looked for; not looked for when absent. */
  readonly checkpointPath?: string;
  /** The model asked for, reported with the attempt. */
  readonly model?: string;
  /** The session the process resumes (it was given `--resume`), reported with the attempt. */
  readonly resumedSession?: string;
  /**
   * What an agent success whose agent was denied an edit tool (Edit, Write, MultiEdit, NotebookEdit) becomes:
   * a `partial` phase, or a failed attempt (`permission_denied`).
   * @default 'partial'
   */
  readonly deniedEdits?: 'partial' | 'failed';
}

/** Failures that leave the session worth nothing to a retry: never fatal, whatever else the answer says. */
const FRESH_SESSION_CODES: ReadonlySet<string | undefined> = new Set(['session_not_found', 'context_overflow']);

/** The tools that change files: an agent denied one of them did not do its work. */
const EDIT_TOOLS: ReadonlySet<string> = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

const resultEvent = (result: AttemptResult): RunnerEvent => ({ type: 'result', result });

function failure(name: string, code: string, message: string): Extract<AttemptResult, { outcome: 'failed' }> {
  return { outcome: 'failed', error: { name, code, message } };
}

function readAnswer(profile: AgentProfile, exit: AgentExit): ReportedResult {
  switch (profile.kind) {
    case 'codex':
      return parseCodexResult(exit);
    case 'gemini':
      return parseGeminiResult(exit);
    default:
      return profile.result === 'claude-json' ? parseClaudeResult(exit) : classifyExitCode(exit);
  }
}

/**
 * The reader of the agent's progress when its stdout is a stream of JSON messages (claude and gemini in
 * `stream-json`, codex always, a `command` profile that runs claude in `stream-json`); none otherwise.
 */
export function progressReaderOf(profile: AgentProfile, root: string): ProgressReader | undefined {
  switch (profile.kind) {
    case 'claude':
      return profile.outputFormat === 'stream-json' ? readClaudeStream(root) : undefined;
    case 'codex':
      return readCodexStream(root);
    case 'gemini':
      return profile.outputFormat === 'stream-json' ? readGeminiStream(root) : undefined;
    case 'command':
      return profile.result === 'claude-json' && [...profile.args, ...profile.extraArgs].includes('stream-json') ? readClaudeStream(root) : undefined;
  }
}

function ruleResult(plan: AttemptPlan, hit: RuleHit, agent: ReportedResult['agent']): ReportedResult {
  const said = tailOf(hit.line, 300);
  const message = `${hit.rule.message ?? `${plan.profile.name} printed a line that ends the attempt`} (it said: ${said})`;
  if (hit.rule.outcome === 'fatal') return { outcome: 'fatal', error: { name: 'AgentError', code: 'fatal_output', message }, agent };
  return { outcome: 'failed', error: { name: 'AgentError', code: 'transient_output', message }, agent };
}

/** An agent success whose agent was refused edits did not do its work: partial or failed, as configured. */
function judgeDenials(plan: AttemptPlan, result: ReportedResult & { outcome: 'succeeded' }): ReportedResult {
  const denied = (result.agent.permissionDenials ?? []).filter((tool) => EDIT_TOOLS.has(tool));
  if (denied.length === 0) return result;
  const reason = `${plan.profile.name} was denied ${denied.join(', ')} (permission mode ${plan.profile.permissionMode ?? 'default'})`;
  if ((plan.deniedEdits ?? 'partial') === 'partial') return { ...result, partialReason: reason };
  return { outcome: 'failed', error: { name: 'AgentError', code: 'permission_denied', message: reason }, agent: result.agent };
}

function classify(plan: AttemptPlan, result: ProcessResult, hit: RuleHit | undefined): ReportedResult {
  const exit = { profile: plan.profile.name, ...result, stdout: result.stdoutTail, stderr: result.stderrTail };
  const answer = readAnswer(plan.profile, exit);
  const agent = {
    ...answer.agent,
    ...(plan.model === undefined ? {} : { model: plan.model }),
    ...(plan.resumedSession === undefined ? {} : { resumedSession: plan.resumedSession }),
  };
  if (hit !== undefined) return ruleResult(plan, hit, agent);
  if (answer.outcome === 'succeeded') return judgeDenials(plan, { ...answer, agent });
  if (answer.outcome !== 'failed' || FRESH_SESSION_CODES.has(answer.error.code)) return { ...answer, agent };
  const fatal = fatalAnswerOf(plan.profile, `${answer.error.message}\n${exit.stderr}`);
  return fatal === undefined ? { ...answer, agent } : { outcome: 'fatal', error: fatal, agent };
}

function processOptions(plan: AttemptPlan, logHeader: string, signal: AbortSignal): ProcessOptions {
  return {
    signal,
    logFile: plan.logFile,
    logHeader,
    ...(plan.killGraceMs === undefined ? {} : { killGraceMs: plan.killGraceMs }),
    ...(plan.profile.result === 'claude-json' ? { tailChars: CLAUDE_JSON_TAIL_CHARS } : {}),
  };
}

function judge(agentResult: ReportedResult & { outcome: 'succeeded' }, event: ValidationEvent & { type: 'validated' }): AttemptResult {
  const { report, quality } = event;
  if (report.passed) return { ...agentResult, validation: report, ...(quality === undefined ? {} : { quality }) };
  const ended = report.exitCode === null ? 'did not pass' : `failed with exit code ${report.exitCode}`;
  const output = tailOf(report.outputTail, MESSAGE_TAIL_CHARS);
  const message = `validation script ${report.script} ${ended}${output === '' ? '' : `: ${output}`}`;
  return { ...failure('ValidationError', 'validation_failed', message), agent: agentResult.agent, validation: report };
}

function finish(plan: AttemptPlan, before: FileSnapshot | undefined, result: AttemptResult): Observable<RunnerEvent> {
  const path = plan.checkpointPath;
  if (result.outcome !== 'succeeded' || path === undefined) return of(resultEvent(result));
  return from(captureCheckpoint(path, before)).pipe(
    mergeMap((found): RunnerEvent[] => {
      if (found.status === 'captured') return [resultEvent({ ...result, scriptCheckpoint: found.value })];
      if (found.status === 'unchanged') return [resultEvent(result)];
      const notice = `hypervisor: the checkpoint written at ${path} during the attempt cannot be read, so it is not kept: ${found.problem}\n`;
      return [{ type: 'output', stream: 'stderr', text: notice }, resultEvent(result)];
    }),
  );
}

function validate(plan: AttemptPlan, before: FileSnapshot | undefined, agentResult: ReportedResult): Observable<RunnerEvent> {
  const validation = plan.validation;
  if (agentResult.outcome !== 'succeeded' || validation === undefined) return finish(plan, before, agentResult);
  if (plan.signal.aborted) return of(resultEvent(failure('AgentError', 'stopped', 'the attempt was stopped before its validation')));
  const logHeader = `${plan.logHeader.replace(/ ===$/, '')} — validation: ${validation.script} ===`;
  const killGraceMs = plan.killGraceMs === undefined ? {} : { killGraceMs: plan.killGraceMs };
  const options: ValidationOptions = { ...validation, ...killGraceMs, launcher: plan.launcher, signal: plan.signal, logFile: plan.logFile, logHeader };
  return runValidation(options).pipe(
    mergeMap((event): Observable<RunnerEvent> => (event.type === 'output' ? of(event) : finish(plan, before, judge(agentResult, event)))),
  );
}

function launchFailure(plan: AttemptPlan, error: unknown): AttemptResult {
  const { name, message } = toEventError(error);
  const errno = errnoOf((error as { cause?: unknown } | null)?.cause);
  if (errno === 'ENOENT' || errno === 'EACCES') return { outcome: 'fatal', error: missingAgentError(plan.profile, String(errno)) };
  // Our own log found the disk full: not the agent's failure, and no retry can help (the run stops).
  const code = (error as { code?: unknown } | null)?.code === 'storage_full' ? 'storage_full' : 'launch_failed';
  return failure(name, code, `cannot run ${plan.profile.name} (${plan.spec.command}): ${message}`);
}

const agentEvent = (progress: AgentProgress): RunnerEvent => ({ type: 'agent', progress });

/**
 * Runs the agent, relaying its output and the progress its stream gives (after the output that gave it), and
 * stopping it early when a line of its output matches an output rule.
 */
function runAgent(plan: AttemptPlan, before: FileSnapshot | undefined): Observable<RunnerEvent> {
  return defer(() => {
    const watch = watchOutput(plan.profile);
    const progress = progressReaderOf(plan.profile, plan.spec.cwd);
    const stop = new AbortController();
    const abort = (): void => stop.abort(plan.signal.reason);
    if (plan.signal.aborted) abort();
    plan.signal.addEventListener('abort', abort, { once: true });
    return plan.launcher.run(plan.spec, processOptions(plan, plan.logHeader, stop.signal)).pipe(
      mergeMap((event): Observable<RunnerEvent> => {
        if (event.type === 'exit') {
          const last = (progress?.end() ?? []).map(agentEvent);
          return concat(from(last), defer(() => validate(plan, before, classify(plan, event.result, watch.end()))));
        }
        if (watch.take(event.stream, event.text) !== undefined) stop.abort(new Error('an output rule matched'));
        const said = event.stream === 'stdout' ? (progress?.take(event.text) ?? []) : [];
        return from([{ type: 'output', stream: event.stream, text: event.text } as const, ...said.map(agentEvent)]);
      }),
      catchError((error: unknown) => of(resultEvent(launchFailure(plan, error)))),
      finalize(() => plan.signal.removeEventListener('abort', abort)),
    );
  });
}

/**
 * Guarantees the runner's contract: output and progress, then exactly one `result`, then completion; never an
 * error. An error becomes a failed result (its code kept, `runner_error` otherwise), and a stream that ends without
 * a result gets a failed `no_result`.
 */
export function settleOnce(events: Observable<RunnerEvent>): Observable<RunnerEvent> {
  return new Observable<RunnerEvent>((subscriber) => {
    const settle = (result: AttemptResult): void => {
      subscriber.next(resultEvent(result));
      subscriber.complete();
    };
    const subscription = events.subscribe({
      next: (event) => (event.type === 'result' ? settle(event.result) : subscriber.next(event)),
      error: (error: unknown) => {
        const { name, code, message } = toEventError(error);
        settle(failure(name, code ?? 'runner_error', message));
      },
      complete: () => settle(failure('RunnerError', 'no_result', 'the agent process ended without a result')),
    });
    return subscription;
  });
}

/**
 * One attempt: snapshots the checkpoint path, runs the agent, classifies its exit by the profile's rule,
 * validates an agent success, and keeps a checkpoint written meanwhile. Output is relayed as it comes, each chunk
 * of a streaming agent's stdout followed by the `agent` progress events it gave; the stream ends with exactly one
 * result and never errors. Unsubscribing stops whatever process is running.
 */
export function runAttempt(plan: AttemptPlan): Observable<RunnerEvent> {
  const prepare = async (): Promise<FileSnapshot | undefined> => {
    await mkdir(dirname(plan.logFile), { recursive: true });
    return plan.checkpointPath === undefined ? undefined : snapshotFile(plan.checkpointPath);
  };
  return settleOnce(defer(prepare).pipe(mergeMap((before) => runAgent(plan, before))));
}
