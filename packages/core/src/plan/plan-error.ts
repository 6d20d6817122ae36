import { CoreError } from '../core-error.js';

/** Every way a plan can be wrong; the `code` of a {@link PlanError}. */
export const PLAN_ERROR_CODES = [
  'unreadable_plan',
  'empty_plan',
  'unclosed_front_matter',
  'malformed_yaml',
  'missing_phase_id',
  'invalid_phase_id',
  'invalid_field',
  'duplicate_phase_id',
  'unknown_dependency',
  'self_dependency',
  'dependency_cycle',
  'invalid_plan',
] as const;

/** The closed set of {@link PlanError} codes. */
export type PlanErrorCode = (typeof PLAN_ERROR_CODES)[number];

/** One problem of a plan, located in its file (and line, where the YAML parser gives one). */
export interface PlanProblem {
  readonly code: Exclude<PlanErrorCode, 'invalid_plan'>;
  /** The phase file, relative to the plan folder; absent for plans built in code. */
  readonly file?: string;
  readonly line?: number;
  /** One line, without the file prefix. */
  readonly message: string;
}

const BRAND = Symbol.for('kazuba.core.plan-error');
const CODES: ReadonlySet<string> = new Set(PLAN_ERROR_CODES);

/** `file:line: message`, or as much of it as is known. */
export function formatProblem(problem: PlanProblem): string {
  const where = problem.file === undefined ? '' : problem.line === undefined ? `${problem.file}: ` : `${problem.file}:${problem.line}: `;
  return `${where}${problem.message}`;
}

/**
 * Why a plan cannot be used. A plan with one problem gets that problem's code; with several, the code is
 * `invalid_plan` and `problems` lists each of them (the message gives the first few).
 */
export class PlanError extends CoreError {
  override readonly name = 'PlanError';
  // Narrows the inherited field; `declare` so that no class field resets what the base constructor set.
  declare readonly code: PlanErrorCode;
  readonly problems: readonly PlanProblem[];
  readonly [BRAND] = true;

  constructor(problems: readonly PlanProblem[], options?: ErrorOptions & { readonly plan?: string }) {
    const [first] = problems;
    if (first === undefined) throw new TypeError('a PlanError needs at least one problem');
    const shown = problems.slice(0, 3).map(formatProblem).join('; ');
    const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
    const prefix = problems.length === 1 ? '' : `${problems.length} problems${options?.plan === undefined ? '' : ` in ${options.plan}`}: `;
    const code = problems.length === 1 ? first.code : 'invalid_plan';
    super(code, `${prefix}${shown}${more}`, options?.plan === undefined ? {} : { plan: options.plan }, options);
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }

  /** The file of the first problem, when it has one. */
  get file(): string | undefined {
    return this.problems[0]?.file;
  }
}

/** Tells whether `value` is a {@link PlanError}, also one from another copy of this package. */
export function isPlanError(value: unknown): value is PlanError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
