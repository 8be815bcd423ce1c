/**
 * Stable in-place insertion sort, for the short lists compiling a document sorts by the thousand (a rule's
 * operands, a feature's variants): Array.prototype.sort allocates a work array on every call, which over a large
 * environment was a sixth of compileEnvironment's allocations. Quadratic: not for long lists.
 */
export function insertionSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j--;
    }
    items[j + 1] = item;
  }
  return items;
}
