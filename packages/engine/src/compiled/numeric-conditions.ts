import { type ConditionSpec, Op } from '../segments/condition-spec.ts';

/**
 * Ordered comparisons of a number with a number (`logins <= 120`), most of the cheap conditions of a typical
 * environment, as flat arrays indexed like the list of cheap conditions: the operator when the condition is
 * EQUAL, NOT_EQUAL, GREATER_THAN(_INCLUSIVE) or LESS_THAN(_INCLUSIVE) with a value that casts to int and to float
 * as plain numbers (0 for any other condition), and both casts. For a context value that is a JS number this
 * gives testTypedComparison's answer without reading the spec: the cast follows the context value's type (int or
 * float), and NaN is unequal to and unordered with everything.
 */
export class NumericConditions {
  // Plain arrays (small integers, doubles): see candidate-table.ts for why not typed arrays.
  readonly op: number[];
  readonly intCast: number[];
  readonly floatCast: number[];

  constructor(specs: readonly ConditionSpec[], cheap: readonly number[]) {
    this.op = new Array<number>(cheap.length).fill(0);
    // Filled with a non-integer so the arrays hold unboxed doubles from the start (0.5 is never read: op 0).
    this.intCast = new Array<number>(cheap.length).fill(0.5);
    this.floatCast = new Array<number>(cheap.length).fill(0.5);
    cheap.forEach((id, i) => {
      const spec = specs[id] as ConditionSpec;
      const ordered = spec.op >= Op.EQUAL && spec.op <= Op.LESS_THAN_INCLUSIVE;
      if (!ordered || typeof spec.asInt !== 'number' || typeof spec.asFloat !== 'number') return;
      if (spec.semverText !== undefined) return;
      this.op[i] = spec.op;
      this.intCast[i] = spec.asInt;
      this.floatCast[i] = spec.asFloat;
    });
  }
}

/** `value <op> cast` for an operator of {@link NumericConditions}. */
export function testNumeric(op: number, value: number, cast: number): boolean {
  switch (op) {
    case Op.EQUAL:
      return value === cast;
    case Op.NOT_EQUAL:
      return value !== cast;
    case Op.GREATER_THAN:
      return value > cast;
    case Op.GREATER_THAN_INCLUSIVE:
      return value >= cast;
    case Op.LESS_THAN:
      return value < cast;
    default:
      return value <= cast;
  }
}
