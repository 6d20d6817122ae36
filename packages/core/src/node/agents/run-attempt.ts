import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Observable, catchError, defer, from, mergeMap, of } from 'rxjs';
import { toEventError } from '@kazuba/hypervisor-v2';
import type { AttemptResult, RunnerEvent } from '../../schedule/ports.js';
import type { ProcessOptions, ProcessResult, ProcessSpec } from '../process/process-types.js';
import { MESSAGE_TAIL_CHARS, classifyExitCode, tailOf } from './agent-exit.js';
import type { ReportedResult } from './agent-exit.js';
import type { AgentProfile } from './agent-profile.js';
import { parseClaudeResult } from './claude-result.js';
import type { ProcessLauncher } from './process-launcher.js';
import { captureCheckpoint, snapshotFile } from './script-checkpoint.js';
import type { FileSnapshot } from './script-checkpoint.js';
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
}

const resultEvent = (result: AttemptResult): RunnerEvent => ({ type: 'result', result });

function failure(name: string, code: string, message: string): Extract<AttemptResult, { outcome: 'failed' }> {
  return { outcome: 'failed', error: { name, code, message } };
}

function classify(plan: AttemptPlan, result: ProcessResult): ReportedResult {
  const exit = { profile: plan.profile.name, ...result, stdout: result.stdoutTail, stderr: result.stderrTail };
  return plan.profile.result === 'claude-json' ? parseClaudeResult(exit) : classifyExitCode(exit);
}

function processOptions(plan: AttemptPlan, logHeader: string): ProcessOptions {
  return {
    signal: plan.signal,
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

function runAgent(plan: AttemptPlan, before: FileSnapshot | undefined): Observable<RunnerEvent> {
  return plan.launcher.run(plan.spec, processOptions(plan, plan.logHeader)).pipe(
    mergeMap((event): Observable<RunnerEvent> => {
      if (event.type === 'output') return of({ type: 'output', stream: event.stream, text: event.text });
      return validate(plan, before, classify(plan, event.result));
    }),
    catchError((error: unknown) => {
      const { name, message } = toEventError(error);
      return of(resultEvent(failure(name, 'launch_failed', `cannot run ${plan.profile.name} (${plan.spec.command}): ${message}`)));
    }),
  );
}

/**
 * Guarantees the runner's contract: output, then exactly one `result`, then completion; never an error. An
 * error becomes a failed result (its code kept, `runner_error` otherwise), and a stream that ends without a
 * result gets a failed `no_result`.
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
 * validates an agent success, and keeps a checkpoint written meanwhile. Output is relayed as it comes; the
 * stream ends with exactly one result and never errors. Unsubscribing stops whatever process is running.
 */
export function runAttempt(plan: AttemptPlan): Observable<RunnerEvent> {
  const prepare = async (): Promise<FileSnapshot | undefined> => {
    await mkdir(dirname(plan.logFile), { recursive: true });
    return plan.checkpointPath === undefined ? undefined : snapshotFile(plan.checkpointPath);
  };
  return settleOnce(defer(prepare).pipe(mergeMap((before) => runAgent(plan, before))));
}
