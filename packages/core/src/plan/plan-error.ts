import { CoreError } from '../core-error.js';

/** Every way a plan can be wrong; the `code` of a {@link PlanError}. */
export const PLAN_ERROR_CODES = [
  'unreadable_plan',
  'file_too_large',
  'empty_plan',
  'missing_front_matter',
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

/** `folder` without the separators it may end with, so that `plans/v2/` and `plans/v2` name files alike. */
function trimFolder(folder: string): string {
  return folder.replace(/[\\/]+$/, '');
}

/** One line for every problem: the only one, or a count and the first three. */
function summarize(problems: readonly PlanProblem[], plan: string | undefined, locate: (problem: PlanProblem) => PlanProblem): string {
  const shown = problems.slice(0, 3).map((problem) => formatProblem(locate(problem))).join('; ');
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  const prefix = problems.length === 1 ? '' : `${problems.length} problems${plan === undefined ? '' : ` in ${plan}`}: `;
  return `${prefix}${shown}${more}`;
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
    const code = problems.length === 1 ? first.code : 'invalid_plan';
    super(code, summarize(problems, options?.plan, (problem) => problem), options?.plan === undefined ? {} : { plan: options.plan }, options);
    this.problems = Object.freeze(problems.map((problem) => Object.freeze({ ...problem })));
  }

  /** The file of the first problem, when it has one. */
  get file(): string | undefined {
    return this.problems[0]?.file;
  }

  /**
   * The message as a user who named the plan folder `folder` reads it: each file is `folder` joined with the
   * file's name, as typed (`plans/v2/03-build.md:4: …`), so that every command names a bad file alike.
   * @example
   * error.describeIn('plans/v2/'); // 'plans/v2/03-build.md:4: malformed YAML: …'
   */
  describeIn(folder: string): string {
    const trimmed = trimFolder(folder);
    const locate = (problem: PlanProblem): PlanProblem => (problem.file === undefined ? problem : { ...problem, file: `${trimmed}/${problem.file}` });
    return summarize(this.problems, trimmed, locate);
  }
}

/** Tells whether `value` is a {@link PlanError}, also one from another copy of this package. */
export function isPlanError(value: unknown): value is PlanError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [BRAND]?: unknown; code?: unknown };
  return candidate[BRAND] === true && typeof candidate.code === 'string' && CODES.has(candidate.code);
}
