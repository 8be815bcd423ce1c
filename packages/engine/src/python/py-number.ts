// Python's int() and float() applied to strings, and Python's float modulo.
// Flagsmith parity: the engine casts condition values with int()/float() (spec §3.5), which accept surrounding
// whitespace, a leading '+', underscores between digits and (float) 'inf'/'nan'. Only ASCII digits are accepted
// here; Python also accepts other Unicode decimal digits (documented in docs/compatibility.md).

const PY_WHITESPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*';
const DIGITS = '[0-9](?:_?[0-9])*';
const INT_PATTERN = new RegExp(`^${PY_WHITESPACE}([+-]?)(${DIGITS})${PY_WHITESPACE}$`);
const FLOAT_PATTERN = new RegExp(
  `^${PY_WHITESPACE}([+-]?)(?:(${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE]([+-]?${DIGITS}))?|(inf(?:inity)?|nan))${PY_WHITESPACE}$`,
  'i',
);

/** Converts a string of decimal digits to the exact integer: a number when safe, otherwise a bigint. */
export function digitsToInt(negative: boolean, digits: string): number | bigint {
  if (digits.length <= 15) {
    const small = Number(digits);
    return negative ? -small : small;
  }
  const big = BigInt(digits);
  const signed = negative ? -big : big;
  return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(signed)
    : signed;
}

/** Python `int(text)`; `undefined` where Python raises ValueError. */
export function pyInt(text: string): number | bigint | undefined {
  const match = INT_PATTERN.exec(text);
  if (!match) return undefined;
  const digits = (match[2] ?? '').replaceAll('_', '');
  const result = digitsToInt(match[1] === '-', digits);
  return Object.is(result, -0) ? 0 : result;
}

/** Python `float(text)`; `undefined` where Python raises ValueError. */
export function pyFloat(text: string): number | undefined {
  const match = FLOAT_PATTERN.exec(text);
  if (!match) return undefined;
  const negative = match[1] === '-';
  const special = match[4];
  let magnitude: number;
  if (special !== undefined) {
    magnitude = special.toLowerCase() === 'nan' ? Number.NaN : Number.POSITIVE_INFINITY;
  } else {
    const mantissa = (match[2] ?? '').replaceAll('_', '');
    const exponent = match[3] === undefined ? '' : `e${match[3].replaceAll('_', '')}`;
    magnitude = Number(mantissa + exponent);
  }
  return negative ? -magnitude : magnitude;
}

/** Python `a % b` for floats: the result takes the divisor's sign. The caller excludes b == 0. */
export function pyMod(a: number, b: number): number {
  let mod = a % b;
  if (mod !== 0) {
    if (b < 0 !== mod < 0) mod += b;
  } else {
    mod = b < 0 ? -0 : 0;
  }
  return mod;
}

/** Exact comparison of two Python ints or two floats held as number/bigint (mixed pairs compare exactly too). */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return a === b || (typeof a !== typeof b && a <= b && a >= b) ? 0 : Number.NaN;
}
