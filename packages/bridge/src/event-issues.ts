import type { z } from 'zod';
import type { EventIssue } from './errors.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// Metadata keys are open-ended, so a path can hold keys with dots or spaces and array positions.
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** Keeps an error message on one line when zod quotes an input key that contains a line break. */
function oneLine(text: string): string {
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** Turns zod's issues into path/message pairs. */
export function toEventIssues(error: z.ZodError): EventIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: oneLine(issue.message) }));
}

/** Joins issues into the tail of a one-line error message: `phase_id: expected int; timestamp: Invalid ISO datetime`. */
export function describeIssues(issues: readonly EventIssue[]): string {
  return issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ');
}
