/**
 * Freezes a freshly parsed value and every object and array inside it, so code downstream of a parser cannot
 * change validated data. Only for values built by `JSON.parse` and zod, which hold nothing but plain objects,
 * arrays and primitives (a `Map` or `Date` would not be made immutable by freezing).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}
