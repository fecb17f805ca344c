/**
 * A key for JSON equality as JSON Schema defines it (draft 2020-12 core §4.2.2): two JSON
 * values get the same key exactly when they are equal. Objects are equal when they have the
 * same members with equal values, in any order; arrays when their items are equal in the
 * same order; numbers when they are mathematically equal (`1` and `1.0` parse to one
 * number). The key is the JSON text with every object's members sorted by name (RFC 8785
 * §3.2.3 sorts likewise), so a set of keys finds a value in one look-up where pairwise
 * comparison would cost a pass over the set. A value that is not JSON (`undefined`) gets
 * `''`, which no JSON value gets.
 */
export function jsonKey(value: unknown): string {
  return JSON.stringify(value, sortMembers) ?? ''
}

// JSON.stringify writes an object's members in the order its keys enumerate; an object
// rebuilt from sorted keys enumerates them in one order for every equal object (integer-like
// names come first in ascending order either way: ECMA-262 §10.1.11.1).
function sortMembers(_name: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value
  const members = value as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(members)
      .sort()
      .map((name) => [name, members[name]]),
  )
}
