import { z } from 'zod';

/** A value that JSON can carry and give back unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * How deeply a JSON value may nest. Metadata is small; the bound keeps a hostile line from exhausting the
 * stack of the validator (and of anything that walks the value after it).
 */
export const MAX_JSON_DEPTH = 64;

interface JsonProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

function describeNonJson(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} is not a JSON number`;
  if (value === undefined) return 'undefined is not a JSON value';
  if (typeof value !== 'object') return `a ${typeof value} is not a JSON value`;
  if (Array.isArray(value)) return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return undefined;
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name} is not a plain JSON object` : 'an object with a custom prototype is not plain JSON';
}

// Walks the value once, reporting every spot JSON would drop, change or choke on, with its exact path.
function findJsonProblems(value: unknown, path: (string | number)[], ancestors: Set<object>, problems: JsonProblem[]): void {
  const problem = describeNonJson(value);
  if (problem !== undefined) {
    problems.push({ path, message: problem });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (path.length >= MAX_JSON_DEPTH) {
    problems.push({ path, message: `nests deeper than ${MAX_JSON_DEPTH} levels` });
    return;
  }
  if (ancestors.has(value)) {
    problems.push({ path, message: 'a circular reference is not JSON' });
    return;
  }
  ancestors.add(value);
  const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
  for (const [key, item] of entries) findJsonProblems(item, [...path, key], ancestors, problems);
  ancestors.delete(value);
}

/**
 * Accepts exactly the values that survive `JSON.stringify` then `JSON.parse` unchanged (but for `-0`, which
 * comes back as `0`), and names the path and the reason of each one that does not: `undefined`, a function,
 * `NaN`, a `Date`, a cycle, nesting deeper than {@link MAX_JSON_DEPTH}. Valid values pass through uncopied.
 */
export const jsonValueSchema = z.custom<JsonValue>().superRefine((value, context) => {
  const problems: JsonProblem[] = [];
  findJsonProblems(value, [], new Set(), problems);
  for (const problem of problems) context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
});
