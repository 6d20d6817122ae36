import type { z } from 'zod';
import type { ValidationIssue } from './errors.js';

// The schemas of this package only nest named fields, so a dotted path is unambiguous.
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

/** Keeps an error message on one line when zod quotes an input key that contains a line break. */
function oneLine(text: string): string {
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** Turns zod's issues into path/message pairs. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: oneLine(issue.message) }));
}

/** Joins issues into the tail of a one-line error message: `name: too short; enabled: expected boolean`. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
}
