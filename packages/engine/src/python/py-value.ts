// The Python engine compares values by their Python type (bool, int, float, str, None). JavaScript has one
// number type, so the engine carries the Python type in the representation:
//   null                      None
//   boolean                   bool
//   string                    str
//   number, integral          int (JSON `35` and `35.0` both arrive as 35: see docs/compatibility.md)
//   number, not integral      float (also NaN and the infinities)
//   bigint                    int outside the safe-integer range (numeric strings such as "12345678901234567890")
//   PyFloat                   float whose value is integral, e.g. the trait string "35.0" after coercion

/** A Python `float` whose value happens to be integral (a JavaScript number alone would read as an int). */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** A context value after Flagsmith's coercion, typed as the Python engine sees it. */
export type PyValue = null | boolean | string | number | bigint | PyFloat;

/** The numeric value of an int, float or bool; NaN for anything else. */
export function pyNumber(value: PyValue): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      return Number(value);
    default:
      return value instanceof PyFloat ? value.value : Number.NaN;
  }
}
