/** Every way a command of the `hypervisor` CLI ends other than with success; the `code` of a {@link CliError}. */
export const CLI_ERROR_CODES = ['invalid_option', 'invalid_plan', 'no_terminal', 'run_failed', 'interrupted'] as const;

/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

const BRAND = Symbol.for('kazuba.cli.error');
const CODES: ReadonlySet<string> = new Set(CLI_ERROR_CODES);

/** Options of a {@link CliError}. */
export interface CliErrorOptions extends ErrorOptions {
  /**
   * The command has already told the user everything (a run's summary, the resume hint): print nothing more.
   * @default false
   */
  readonly reported?: boolean;
}

/**
 * How a command ends when it does not succeed: a bad flag, a bad plan, a missing terminal, a run that failed
 * or was interrupted. `runCli` turns the code into the exit code and prints the one-line message.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly reported: boolean;
  readonly [BRAND] = true;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    const { reported, ...errorOptions } = options;
    super(message, errorOptions);
    this.code = code;
    this.reported = reported ?? false;
  }
}

/** Tells whether `value` is a {@link CliError}, also one from another copy of this package. */
export function isCliError(value: unknown): value is CliError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
