import type { AgentReport, AttemptResult } from '../../schedule/ports.js';

/** How an agent process ended, as a result rule reads it. */
export interface AgentExit {
  /** The profile that ran it. */
  readonly profile: string;
  /** null when it was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Whether the hypervisor stopped it (timeout or cancellation). */
  readonly stopped: boolean;
  /** The end of its stdout. */
  readonly stdout: string;
  /** The end of its stderr. */
  readonly stderr: string;
}

/** An attempt result that carries the agent's report, as every result rule gives one. */
export type ReportedResult = AttemptResult & { readonly agent: AgentReport };

/** The most of a process's output a failure message quotes. */
export const MESSAGE_TAIL_CHARS = 2_000;

/** The last `chars` characters of `text`, trimmed. */
export function tailOf(text: string, chars: number): string {
  const trimmed = text.trim();
  return trimmed.length <= chars ? trimmed : `…${trimmed.slice(trimmed.length - chars)}`;
}

function endedBy(exit: AgentExit): string {
  if (exit.stopped) return 'was stopped by the hypervisor';
  return exit.signal === null ? `exited with code ${exit.exitCode}` : `was killed by ${exit.signal}`;
}

/** The error code of a process that did not exit with 0: `stopped`, `signal_<SIG>` or `exit_<n>`. */
export function exitFailureCode(exit: Pick<AgentExit, 'exitCode' | 'signal' | 'stopped'>): string {
  if (exit.stopped) return 'stopped';
  return exit.signal === null ? `exit_${exit.exitCode}` : `signal_${exit.signal}`;
}

/** A failed attempt for a process that did not exit with 0, quoting the end of its stderr (or stdout). */
export function exitFailure(exit: AgentExit, agent: AgentReport): Extract<ReportedResult, { outcome: 'failed' }> {
  const output = tailOf(exit.stderr, MESSAGE_TAIL_CHARS) || tailOf(exit.stdout, MESSAGE_TAIL_CHARS);
  const message = `${exit.profile} ${endedBy(exit)}${output === '' ? '' : `: ${output}`}`;
  return { outcome: 'failed', error: { name: 'AgentError', code: exitFailureCode(exit), message }, agent };
}

/**
 * The `exit-code` result rule: exit 0 succeeds; anything else fails with code `exit_<n>`, `signal_<SIG>` or
 * `stopped`.
 * @example
 * classifyExitCode({ profile: 'shell', exitCode: 2, signal: null, stopped: false, stdout: '', stderr: 'boom' });
 * // { outcome: 'failed', error: { name: 'AgentError', code: 'exit_2', message: 'shell exited with code 2: boom' }, ... }
 */
export function classifyExitCode(exit: AgentExit): ReportedResult {
  const agent: AgentReport = { profile: exit.profile, exitCode: exit.exitCode };
  if (exit.exitCode === 0 && !exit.stopped) return { outcome: 'succeeded', agent };
  return exitFailure(exit, agent);
}
