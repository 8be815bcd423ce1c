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
  readonly op: Int8Array;
  readonly intCast: Float64Array;
  readonly floatCast: Float64Array;

  constructor(specs: readonly ConditionSpec[], cheap: Int32Array) {
    this.op = new Int8Array(cheap.length);
    this.intCast = new Float64Array(cheap.length);
    this.floatCast = new Float64Array(cheap.length);
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
