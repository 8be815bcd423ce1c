import { PyFloat, type PyValue } from './py-value.ts';

/** Python `str()` of an int held in a JavaScript number: full digits, never an exponent. */
export function intToString(value: number): string {
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/**
 * Python `repr()`/`str()` of a float: the shortest round-tripping digits (as JavaScript), but Python's layout:
 * exponent form when the decimal exponent is < -4 or >= 16, two-digit exponents, and `.0` on integral values.
 */
export function floatToString(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const pointPosition = exponent + 1;
  if (pointPosition <= -4 || pointPosition > 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const expSign = exponent < 0 ? '-' : '+';
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (pointPosition <= 0) return `${sign}0.${'0'.repeat(-pointPosition)}${digits}`;
  if (pointPosition >= digits.length) return `${sign}${digits}${'0'.repeat(pointPosition - digits.length)}.0`;
  return `${sign}${digits.slice(0, pointPosition)}.${digits.slice(pointPosition)}`;
}

/** Python `str()` of a context value: `True`, `None`, `1.5`, `35.0`, `7`. */
export function pyStr(value: PyValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? intToString(value) : floatToString(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    default:
      return value instanceof PyFloat ? floatToString(value.value) : 'None';
  }
}

// Python's str.isprintable() is false for the Unicode "Other" and "Separator" categories, except the ASCII space.
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && NON_PRINTABLE.test(char)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, '0')}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else out += `\\U${code.toString(16).padStart(8, '0')}`;
    } else out += char;
  }
  return out + quote;
}

/**
 * Python `repr()` of a JSON-like value, as `str()` renders lists and dicts: `[1, 'a', True]`, `{'k': None}`.
 * Used where the Python engine stringifies a non-scalar (a nested list inside an `IN` value, a non-scalar trait).
 */
export function pyRepr(value: unknown, depth = 0): string {
  if (depth > 100) return '...';
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map((item) => pyRepr(item, depth + 1)).join(', ')}]`;
  if (value instanceof PyFloat) return floatToString(value.value);
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${pyRepr(k, depth + 1)}: ${pyRepr(v, depth + 1)}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${reprString(k)}: ${pyRepr(v, depth + 1)}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return pyStr(value);
  return 'None';
}

/** Python `str()` of any value: strings as they are, scalars as {@link pyStr}, containers as {@link pyRepr}. */
export function pyStrAny(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return pyStr(value);
  return pyRepr(value);
}
