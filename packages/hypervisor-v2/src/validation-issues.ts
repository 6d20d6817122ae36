import type { z } from 'zod';
import { HypervisorV2Error } from './errors.js';
import type { HypervisorV2ErrorCode, ValidationIssue } from './errors.js';

// The schemas of this package only nest named fields, so a dotted path is unambiguous.
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/** Keeps an error message on one line when zod quotes an input key that contains a line break. */
function oneLine(text: string): string {
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** Turns zod's issues into path/message pairs. */
function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: oneLine(issue.message) }));
}

/** Joins issues into the tail of a one-line error message: `name: too short; enabled: expected boolean`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
}

/**
 * Parses `input` with `schema`, or throws a HypervisorV2Error `code` whose one-line message reads
 * `<source>: invalid <what>: <field>: <problem>; …`, with the issues (and source) in its context and zod's
 * error as its cause.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: HypervisorV2ErrorCode,
  what: string,
  source?: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = toValidationIssues(result.error);
  const prefix = source === undefined ? '' : `${source}: `;
  throw new HypervisorV2Error(
    code,
    `${prefix}invalid ${what}: ${describeIssues(issues)}`,
    source === undefined ? { issues } : { source, issues },
    { cause: result.error },
  );
}
