import { ValidationError } from '../../platform/errors.ts';
import type { TraitRow, TraitValueColumns } from './identity-store.ts';

export type TraitValue = string | number | boolean | null;

/** Flagsmith's limit on string trait values (spec §1.5). */
const MAX_STRING = 2000;

/**
 * A JSON trait value to its typed columns, as Flagsmith types them: bool, int (a whole number that fits 64 bits),
 * float (other numbers), unicode (strings, at most 2000 characters).
 */
export function traitColumns(value: TraitValue): TraitValueColumns {
  const empty = { string_value: null, integer_value: null, float_value: null, boolean_value: null };
  if (typeof value === 'boolean') return { ...empty, value_type: 'bool', boolean_value: value };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? { ...empty, value_type: 'int', integer_value: value }
      : { ...empty, value_type: 'float', float_value: value };
  }
  const text = value === null ? '' : value;
  if (text.length > MAX_STRING) {
    throw ValidationError.field(
      'trait_value',
      `Value string is too long. Must be less than ${MAX_STRING} character`,
    );
  }
  return { ...empty, value_type: 'unicode', string_value: text };
}

export function traitValue(
  t: Pick<TraitRow, 'value_type' | 'string_value' | 'integer_value' | 'float_value' | 'boolean_value'>,
): TraitValue {
  switch (t.value_type) {
    case 'bool':
      return t.boolean_value;
    case 'int':
      return t.integer_value;
    case 'float':
      return t.float_value;
    default:
      return t.string_value;
  }
}
