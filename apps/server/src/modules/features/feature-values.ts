import type { ValueType } from '../../platform/db/schema.ts';
import { ValidationError } from '../../platform/errors.ts';

/** A flag value as clients see it. */
export type FlagValue = string | number | boolean | null;

/** How a value is stored: Flagsmith's FeatureStateValue (type + one column per type). */
export interface StoredValue {
  value_type: ValueType;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
}

/** The object form `features/featurestates/` uses: `{"type": "int", "integer_value": 5, ...}`. */
export interface ValueObject {
  type?: string | null;
  string_value?: string | null;
  integer_value?: number | null;
  boolean_value?: boolean | null;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

const isInt32 = (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX;

/**
 * A JSON value to its stored form, as Flagsmith's FeatureStateValueField types it: booleans and 32-bit integers
 * keep their type; anything else (floats, bigger numbers, strings) is stored as a string.
 * Flagsmith parity: api/features/fields.py — floats are stored as strings (`1.5` becomes `"1.5"`).
 */
export function toStored(value: FlagValue | undefined): StoredValue {
  if (typeof value === 'boolean')
    return { value_type: 'bool', string_value: null, integer_value: null, boolean_value: value };
  if (typeof value === 'number' && isInt32(value)) {
    return { value_type: 'int', string_value: null, integer_value: value, boolean_value: null };
  }
  if (value === null || value === undefined) {
    return { value_type: 'unicode', string_value: null, integer_value: null, boolean_value: null };
  }
  return { value_type: 'unicode', string_value: String(value), integer_value: null, boolean_value: null };
}

/** The object form to the stored form; `type` picks the column (`unicode` by default). */
export function objectToStored(v: ValueObject, field = 'feature_state_value'): StoredValue {
  const type = v.type ?? (v.integer_value != null ? 'int' : v.boolean_value != null ? 'bool' : 'unicode');
  if (type === 'int') {
    if (v.integer_value == null || !isInt32(v.integer_value)) {
      throw ValidationError.field(field, 'integer_value must be a 32-bit integer when type is "int".');
    }
    return { value_type: 'int', string_value: null, integer_value: v.integer_value, boolean_value: null };
  }
  if (type === 'bool') {
    if (v.boolean_value == null)
      throw ValidationError.field(field, 'boolean_value is required when type is "bool".');
    return { value_type: 'bool', string_value: null, integer_value: null, boolean_value: v.boolean_value };
  }
  if (type !== 'unicode')
    throw ValidationError.field(field, `"${type}" is not a valid type (unicode, int, bool).`);
  return {
    value_type: 'unicode',
    string_value: v.string_value ?? null,
    integer_value: null,
    boolean_value: null,
  };
}

/**
 * `initial_value` (always a string on the wire) typed by its content, as Flagsmith does: a 32-bit integer becomes
 * an int, `true/True/false/False` a bool, anything else a string.
 */
export function initialValueToStored(initial: string | null): StoredValue {
  if (initial === null) return toStored(null);
  if (/^-?\d+$/.test(initial) && isInt32(Number(initial))) return toStored(Number(initial));
  if (initial === 'true' || initial === 'True') return toStored(true);
  if (initial === 'false' || initial === 'False') return toStored(false);
  return toStored(initial);
}

export function fromStored(v: StoredValue): FlagValue {
  if (v.value_type === 'int') return v.integer_value;
  if (v.value_type === 'bool') return v.boolean_value;
  return v.string_value;
}

export function toValueObject(v: StoredValue) {
  return {
    type: v.value_type,
    string_value: v.string_value,
    integer_value: v.integer_value,
    boolean_value: v.boolean_value,
  };
}

/** DRF's max_length message for over-long string values (Flagsmith FEATURE_VALUE_LIMIT). */
export function assertValueLength(v: StoredValue, max: number, field = 'feature_state_value') {
  if (v.string_value !== null && v.string_value.length > max) {
    throw ValidationError.field(field, `Ensure this field has no more than ${max} characters.`);
  }
}

/** Flagsmith's rule for multivariate allocations: they may not add up to more than 100%. */
export function assertAllocations(
  allocations: readonly number[],
  field = 'multivariate_feature_state_values',
) {
  const total = allocations.reduce((a, b) => a + b, 0);
  if (total > 100 + 1e-9) {
    throw ValidationError.field(
      field,
      'Total percentage allocation for feature must be less or equal to 100 percent',
    );
  }
}
