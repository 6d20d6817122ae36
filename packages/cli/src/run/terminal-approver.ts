import type { ApprovalDecision, Approver, Phase } from '@kazuba/core';

/** One choice of the prompt. */
export interface ApprovalChoice {
  readonly value: ApprovalDecision;
  readonly name: string;
  readonly description: string;
}

/** The part of `@inquirer/prompts`' `select` the approver uses; tests pass a fake. */
export type SelectPrompt = (
  config: { readonly message: string; readonly choices: readonly ApprovalChoice[] },
  context: { readonly output: NodeJS.WritableStream; readonly signal?: AbortSignal },
) => Promise<ApprovalDecision>;

/** Options of {@link createTerminalApprover}. */
export interface TerminalApproverOptions {
  readonly select: SelectPrompt;
  /** Where the prompt is drawn: stderr, so that stdout carries only data. */
  readonly output: NodeJS.WritableStream;
  /** The phase's title by id, to show its dependencies by name. */
  readonly titleOf: (id: number) => string;
  /** The command line the phase runs. */
  readonly commandOf: (phase: Phase) => string;
  /** Paused while the prompt is on screen. */
  readonly display?: { pause(): void; resume(): void };
  /** Aborting it closes an open prompt; the phase then ends with the run. */
  readonly signal?: AbortSignal;
}

/** What the user can answer before a phase. */
export const APPROVAL_CHOICES: readonly ApprovalChoice[] = Object.freeze([
  { value: 'run', name: 'run', description: 'run this phase' },
  { value: 'skip', name: 'skip', description: 'skip this phase (what depends on it is skipped too)' },
  { value: 'abort', name: 'abort', description: 'stop the run here; run it again later to resume' },
  { value: 'run_all', name: 'run all the rest', description: 'run this phase and every other one without asking' },
]);

/** What the prompt shows about a phase: title, dependencies and command. */
function describeForApproval(phase: Phase, titleOf: (id: number) => string, command: string): string {
  const deps = phase.dependsOn.length === 0 ? 'none' : phase.dependsOn.map((id) => `${id} (${titleOf(id)})`).join(', ');
  return [`Phase ${phase.id}: ${phase.title}`, `  depends on: ${deps}`, `  command:    ${command}`, 'What now?'].join('\n');
}

// Ctrl-C inside a prompt (ExitPromptError) and a prompt closed by the run's signal (AbortPromptError) both
// mean: stop the run. Checked by name, as inquirer documents, so that another copy of it is recognised too.
function isPromptInterruption(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/**
 * The interactive mode's approver: a terminal prompt before each phase (run, skip, abort, run all the rest)
 * showing the phase's title, dependencies and command. Ctrl-C in the prompt answers `abort`.
 */
export function createTerminalApprover(options: TerminalApproverOptions): Approver {
  return {
    async decide({ phase }) {
      options.display?.pause();
      try {
        const message = describeForApproval(phase, options.titleOf, options.commandOf(phase));
        const context = { output: options.output, ...(options.signal === undefined ? {} : { signal: options.signal }) };
        return await options.select({ message, choices: APPROVAL_CHOICES }, context);
      } catch (error) {
        if (isPromptInterruption(error)) return 'abort';
        throw error;
      } finally {
        options.display?.resume();
      }
    },
  };
}
