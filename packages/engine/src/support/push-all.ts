/**
 * Appends every item of `items` to `target`. A loop, not `target.push(...items)`: a spread passes each item as an
 * argument, and an array of a few hundred thousand items (a malformed rule, a huge trait array) overflows the
 * call stack.
 */
export function pushAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i] as T);
}
