import { z } from 'zod';

/** How a value found in the file reads in a message: strings quoted, collections by their kind. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value !== 'string') return String(value as number | boolean | bigint);
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

/** A path to a setting as messages show it: keys joined with `.`, list indexes in brackets (`routing[1].agent`). */
export function formatConfigPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? key : `${text}.${key}`), '');
}

/** Optimal string alignment distance: Levenshtein, with a swap of two neighbours counting as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

const normalise = (key: string): string => key.toLowerCase().replace(/[-_]/g, '');

/**
 * The candidate `word` was most likely meant to be, ignoring case, `-` and `_`; undefined when none is close
 * (at most 2 edits, and at most a third of the word's length).
 */
export function findClosest(word: string, candidates: readonly string[]): string | undefined {
  const target = normalise(word);
  const limit = Math.min(2, Math.ceil(target.length / 3));
  let closest: { readonly name: string; readonly distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(target, normalise(name));
    if (distance <= limit && (closest === undefined || distance < closest.distance)) closest = { name, distance };
  }
  return closest?.name;
}

/** The problem with an unknown key: the setting it was likely meant to be, or the settings there are. */
export function describeUnknownKey(key: string, allowed: readonly string[]): string {
  const closest = findClosest(key, allowed);
  if (closest !== undefined) return `unknown setting (did you mean "${closest}"?)`;
  return `unknown setting (the settings here are: ${allowed.join(', ')})`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function describeTooSmall(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall>): string | undefined {
  const minimum = Number(issue.minimum);
  if (issue.origin === 'number') return `expected a number ${issue.inclusive === true ? 'of at least' : 'greater than'} ${minimum}, got ${describeValue(issue.input)}`;
  return issue.origin === 'string' && minimum === 1 ? 'must not be empty' : undefined;
}

/**
 * The config's error map for the issues its schemas leave to zod's default wording: says what was expected and
 * what the file has, in the words a user of the file knows (a mapping, a list). Returns undefined for the rest.
 */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => String(value)).join(', ')}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return describeTooSmall(issue);
    case 'unrecognized_keys':
      return describeUnknownKey(issue.keys[0] as string, issue.inst instanceof z.ZodObject ? Object.keys(issue.inst.shape) : []);
    case 'invalid_key':
      // The key's own issue says what a key must be.
      return (issue.issues[0] as z.core.$ZodIssue).message;
    default:
      return undefined;
  }
}
