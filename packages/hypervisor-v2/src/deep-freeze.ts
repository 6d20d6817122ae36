/**
 * Freezes a freshly parsed value and every plain object and array inside it, so code downstream of a parser
 * cannot change validated data. Other objects (a `Date`, a `Map`) are left alone: freezing them would not
 * stop their methods from mutating them, and promising otherwise would be a lie.
 */
export function deepFreeze<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
    return Object.freeze(value);
  }
  if (isPlainObject(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    return Object.freeze(value);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
