import { digitsToInt } from '../python/py-number.ts';
import { pyRepr } from '../python/py-str.ts';
import { PyFloat, type PyValue } from '../python/py-value.ts';

const INT_STRING = /^-?[0-9]+$/;
const FLOAT_STRING = /^-?[0-9]+\.[0-9]+$/;

function coerceString(text: string): PyValue {
  const first = text.charCodeAt(0);
  // Cheap rejection first: most trait strings do not start with '-' or a digit.
  if (first !== 45 && (first < 48 || first > 57)) return text;
  if (INT_STRING.test(text)) {
    const negative = first === 45;
    const value = digitsToInt(negative, negative ? text.slice(1) : text);
    return Object.is(value, -0) ? 0 : value;
  }
  if (FLOAT_STRING.test(text)) {
    const value = Number(text);
    return Number.isInteger(value) ? new PyFloat(value) : value;
  }
  return text;
}

/**
 * Flagsmith parity (spec §3.4 step 4): a resolved context value is coerced before comparison. Strings that look
 * like integers become ints (`"007"` → 7) and strings that look like decimals become floats (`"1.50"` → 1.5,
 * `"35.0"` → float 35.0); other scalars are unchanged. Python's engine turns any other value into `str(value)`,
 * so arrays and plain objects become their Python repr; values JSON cannot carry (functions, symbols,
 * undefined) count as not set.
 */
export function coerceContextValue(raw: unknown): PyValue {
  switch (typeof raw) {
    case 'string':
      return coerceString(raw);
    case 'number':
      return Object.is(raw, -0) ? 0 : raw;
    case 'boolean':
      return raw;
    case 'bigint':
      return raw >= BigInt(Number.MIN_SAFE_INTEGER) && raw <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(raw)
        : raw;
    case 'object':
      if (raw === null) return null;
      if (raw instanceof PyFloat) return raw;
      return pyRepr(raw);
    default:
      return null;
  }
}

/** Whether a JSONPath result is a scalar the Python engine accepts (`is_context_value`). */
export function isContextScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  );
}
