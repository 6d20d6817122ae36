import { ToonError } from './errors.js';
import type { CheckpointLimits } from './limits.js';

/** A value of the JSON data model: what every checkpoint format can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, the usual root of a checkpoint. */
export type JsonObject = { [key: string]: JsonValue };

/** Whether the value came from a decoder (untrusted) or is about to be encoded (ours). */
export type InspectionMode = 'decode' | 'encode';

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Frame;
  readonly key?: string | number;
}

// `__proto__` as a key would become an object's prototype under `Object.assign` or a naive merge, so no
// checkpoint may carry it, whatever its format; `constructor` and `prototype` are plain keys.
const FORBIDDEN_KEY = '__proto__';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The location of a frame as `$.results.checks[2]`. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) {
    const key = f.key;
    parts.push(typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);
  }
  return '$' + parts.reverse().join('');
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isAncestor(frame: Frame, value: object): boolean {
  for (let f = frame.parent; f !== undefined; f = f.parent) if (f.value === value) return true;
  return false;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return typeof value;
  return `${value.constructor?.name ?? 'null-prototype'} object`;
}

function unsupported(frame: Frame, what: string): ToonError {
  const at = pathOf(frame);
  return new ToonError('unsupported_value', `${what} at ${at} is outside the JSON data model`, { at });
}

/** Checks one container's own rules and returns its children. */
function childrenOf(frame: Frame, value: object, limits: CheckpointLimits): Frame[] {
  const depth = frame.depth + 1;
  const at = (): string => pathOf(frame);
  if (depth > limits.maxDepth) {
    throw new ToonError('depth_limit', `nesting deeper than ${limits.maxDepth} levels at ${at()}`, { at: at() });
  }
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  if (entries.length > limits.maxEntries) {
    const message = `${entries.length} entries at ${at()}, over the limit of ${limits.maxEntries}`;
    throw new ToonError('collection_limit', message, { at: at() });
  }
  return entries.map(([key, child]) => {
    if (key === FORBIDDEN_KEY) {
      const where = pathOf({ value: child, depth, parent: frame, key });
      throw new ToonError('forbidden_key', `the key "__proto__" is not allowed (at ${where})`, { at: where });
    }
    return { value: child, depth, parent: frame, key };
  });
}

/**
 * Verifies that `value` is JSON data within `limits`: finite numbers (decoded input may keep the
 * non-finite floats MessagePack can carry), plain objects and arrays, no `__proto__` key, no cycles.
 * Iterative, so hostile nesting cannot overflow the stack.
 *
 * @throws ToonError `depth_limit`, `collection_limit`, `forbidden_key` or `unsupported_value`, with the path.
 */
export function assertJsonValue(value: unknown, limits: CheckpointLimits, mode: InspectionMode): asserts value is JsonValue {
  const stack: Frame[] = [{ value, depth: 0 }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    switch (typeof current) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (mode === 'encode' && !Number.isFinite(current)) throw unsupported(frame, `the number ${current}`);
        continue;
      case 'object':
        if (current === null) continue;
        if (!Array.isArray(current) && !isPlainObject(current)) throw unsupported(frame, `a ${describe(current)}`);
        if (mode === 'encode' && isAncestor(frame, current)) throw unsupported(frame, 'a circular reference');
        for (const child of childrenOf(frame, current, limits)) stack.push(child);
        continue;
      default:
        throw unsupported(frame, describe(current));
    }
  }
}
