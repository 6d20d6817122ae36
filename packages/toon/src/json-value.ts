import { ToonError } from './errors.js';
import type { CheckpointLimits } from './limits.js';

/** A value of the JSON data model: what every checkpoint format can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, the usual root of a checkpoint. */
export type JsonObject = { [key: string]: JsonValue };

/** What {@link assertJsonValue} enforces beyond the limits. */
export interface JsonValueRules {
  /** Refuse NaN and the infinities (true when encoding: no text format can hold them). */
  readonly finiteNumbers: boolean;
  /** Refuse strings and keys with a lone UTF-16 surrogate (true when encoding: UTF-8 cannot hold one). */
  readonly wellFormedText: boolean;
  /** Refuse a `__proto__` key (true for MessagePack, whose decoder cannot read one back). */
  readonly noProtoKey: boolean;
  /** Look for circular references (only a value built in memory can have them). */
  readonly acyclic: boolean;
}

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Frame;
  readonly key?: string | number;
}

// Decoders materialise `__proto__` as an ordinary own key (the TOON specification requires it; JSON.parse
// does it), so it never reaches a prototype. @msgpack/msgpack refuses the key, so we never write it there.
const PROTO_KEY = '__proto__';
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// With the u flag, a surrogate matches only when it is not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

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
function childrenOf(frame: Frame, value: object, limits: CheckpointLimits, rules: JsonValueRules): Frame[] {
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
    if (rules.wellFormedText && typeof key === 'string' && LONE_SURROGATE.test(key)) {
      throw unsupported({ value: child, depth, parent: frame, key }, 'a key with a lone UTF-16 surrogate');
    }
    if (rules.noProtoKey && key === PROTO_KEY) {
      const where = pathOf({ value: child, depth, parent: frame, key });
      throw new ToonError('forbidden_key', `the key "__proto__" cannot be stored in MessagePack (at ${where})`, { at: where });
    }
    return { value: child, depth, parent: frame, key };
  });
}

/**
 * Verifies that `value` is JSON data within `limits`: strings, numbers, booleans, null, plain objects and
 * arrays, plus the `rules`. Iterative, so hostile nesting cannot overflow the stack.
 *
 * @throws ToonError `depth_limit`, `collection_limit`, `forbidden_key` or `unsupported_value`, with the path.
 */
export function assertJsonValue(value: unknown, limits: CheckpointLimits, rules: JsonValueRules): asserts value is JsonValue {
  const stack: Frame[] = [{ value, depth: 0 }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const current = frame.value;
    switch (typeof current) {
      case 'string':
        if (rules.wellFormedText && LONE_SURROGATE.test(current)) throw unsupported(frame, 'a string with a lone UTF-16 surrogate');
        continue;
      case 'boolean':
        continue;
      case 'number':
        if (rules.finiteNumbers && !Number.isFinite(current)) throw unsupported(frame, `the number ${current}`);
        continue;
      case 'object':
        if (current === null) continue;
        if (!Array.isArray(current) && !isPlainObject(current)) throw unsupported(frame, `a ${describe(current)}`);
        if (rules.acyclic && isAncestor(frame, current)) throw unsupported(frame, 'a circular reference');
        for (const child of childrenOf(frame, current, limits, rules)) stack.push(child);
        continue;
      default:
        throw unsupported(frame, describe(current));
    }
  }
}
