import type { ValueType } from '../../platform/db/schema.ts';
import type { Stored } from './import-context.ts';

const INT32 = (n: number) => Number.isInteger(n) && n >= -2_147_483_648 && n <= 2_147_483_647;

/** A document value to its stored form (floats and big numbers as strings, as Flagsmith stores them). */
export function storedValue(v: string | number | boolean | null): Stored {
  const empty = { string_value: null, integer_value: null, boolean_value: null };
  if (typeof v === 'boolean') return { ...empty, value_type: 'bool' as ValueType, boolean_value: v };
  if (typeof v === 'number' && INT32(v))
    return { ...empty, value_type: 'int' as ValueType, integer_value: v };
  return { ...empty, value_type: 'unicode' as ValueType, string_value: v === null ? null : String(v) };
}
