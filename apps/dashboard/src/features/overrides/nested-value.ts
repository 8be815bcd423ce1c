import type { FlagValue } from '../../api/types.ts';

interface Nested {
  type?: string;
  string_value?: string | null;
  integer_value?: number | null;
  boolean_value?: boolean | null;
}

/** `features/featurestates/` sends values in Flagsmith's nested form; the dashboard works with plain ones. */
export function plainValue(value: unknown): FlagValue {
  if (value === null || typeof value !== 'object') return value as FlagValue;
  const n = value as Nested;
  if (n.type === 'int') return n.integer_value ?? null;
  if (n.type === 'bool') return n.boolean_value ?? null;
  return n.string_value ?? null;
}
