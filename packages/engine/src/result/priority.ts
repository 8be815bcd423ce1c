/**
 * Spec §3.1 and §3.7: the priority of a segment override or a variant; lower comes first and a missing one sorts
 * last. Flagsmith parity: Python's `dict.get("priority", inf)` returns None for an explicit null, which Python 3
 * cannot compare (TypeError); the TypeScript engine reads null as +Infinity, and so do we (likewise NaN and
 * non-numbers).
 */
export function priorityOf(entry: Readonly<Record<string, unknown>>): number {
  const priority = entry.priority;
  return typeof priority === 'number' && !Number.isNaN(priority) ? priority : Number.POSITIVE_INFINITY;
}
