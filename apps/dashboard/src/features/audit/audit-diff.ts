export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Every leaf that differs between two JSON values, by path (`rules[0].conditions[1].value`). */
export function diffJson(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (Object.is(before, after)) return [];
  const bothObjects =
    before !== null &&
    after !== null &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) return [{ field: path || '(value)', before, after }];
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      out.push(...diffJson(before[i], after[i], `${path}[${i}]`));
    return out;
  }
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys.flatMap((k) => diffJson(b[k], a[k], path ? `${path}.${k}` : k));
}

/** How a value reads in the diff table: absent, JSON otherwise. */
export function showValue(value: unknown): string {
  return value === undefined ? '—' : JSON.stringify(value, null, 2);
}
