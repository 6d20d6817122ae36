import type { PlanErrorCode } from './plan/plan-error.js';

/** Every code a `@kazuba/core` error can carry: the plan problems, and the run's own. */
export type CoreErrorCode = PlanErrorCode | 'invalid_config' | 'missing_port' | 'spawn_failed' | 'log_failed' | 'storage_full' | 'git_failed';

const BRAND = Symbol.for('kazuba.core.error');

/** The base error of `@kazuba/core`: a `code`, a one-line message, readonly context and the `cause`. */
export class CoreError extends Error {
  override readonly name: string = 'CoreError';
  readonly code: CoreErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  readonly [BRAND] = true;

  constructor(code: CoreErrorCode, message: string, context: Readonly<Record<string, unknown>> = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.context = Object.freeze({ ...context });
  }
}

/** Tells whether `value` is a {@link CoreError} (a `PlanError` included), also one from another copy of this package. */
export function isCoreError(value: unknown): value is CoreError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
