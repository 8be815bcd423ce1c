import { compareStrings } from '../../python/py-compare.ts';
import { compareNumbers, pyFloat, pyInt } from '../../python/py-number.ts';
import { PyFloat, type PyValue } from '../../python/py-value.ts';
import { type ConditionSpec, Op } from '../condition-spec.ts';
import { compareSemVer, parseSemVer } from '../semver.ts';

const { EQUAL, NOT_EQUAL, GREATER_THAN, GREATER_THAN_INCLUSIVE, LESS_THAN, CONTAINS } = Op;
const SEMVER_SUFFIX = ':semver';

/** Whether a three-way comparison result (NaN when unordered, as for NaN floats) satisfies the operator. */
function verdict(op: number, order: number): boolean {
  switch (op) {
    case EQUAL:
      return order === 0;
    case NOT_EQUAL:
      return order !== 0;
    case GREATER_THAN:
      return order > 0;
    case GREATER_THAN_INCLUSIVE:
      return order >= 0;
    case LESS_THAN:
      return order < 0;
    default:
      return order <= 0;
  }
}

/**
 * Flagsmith parity (spec §3.5, `_context_value_typed` in flag_engine/segments/evaluator.py): the condition value is
 * cast to the *context value's* Python type — bool: anything but "False"/"false" is true; int: int(value);
 * float: float(value); str: unchanged — and a failed cast means no match, even for NOT_EQUAL. A string context
 * value with a `:semver` condition value is compared as SemVer 2.0. Prepares every cast once.
 *
 * `value` is the condition value, or null for a missing one (Python's str(None) is "None").
 */
export function prepareTypedComparison(spec: ConditionSpec, value: string | null): void {
  spec.asBool = value !== 'False' && value !== 'false';
  spec.asInt = value === null ? undefined : pyInt(value);
  spec.asFloat = value === null ? undefined : pyFloat(value);
  if (value?.endsWith(SEMVER_SUFFIX)) {
    spec.semverText = value.slice(0, -SEMVER_SUFFIX.length);
    spec.semverTarget = parseSemVer(spec.semverText);
  }
}

function compareNumber(spec: ConditionSpec, ctx: number | bigint, isFloat: boolean): boolean {
  if (spec.op === CONTAINS) return false; // Python: `in` on a number raises TypeError
  const cast = isFloat ? spec.asFloat : spec.asInt;
  return cast !== undefined && verdict(spec.op, compareNumbers(ctx, cast));
}

function compareString(spec: ConditionSpec, ctx: string): boolean {
  const semverText = spec.semverText;
  if (semverText !== undefined) {
    const version = parseSemVer(ctx);
    if (version === undefined) return false;
    // Flagsmith parity: `text in Version` iterates (major, minor, patch, prerelease, build).
    if (spec.op === CONTAINS) return version.prerelease === semverText || version.build === semverText;
    return spec.semverTarget !== undefined && verdict(spec.op, compareSemVer(version, spec.semverTarget));
  }
  switch (spec.op) {
    case CONTAINS:
      return ctx.includes(spec.text);
    case EQUAL:
      return ctx === spec.text;
    case NOT_EQUAL:
      return ctx !== spec.text;
    default:
      return verdict(spec.op, compareStrings(ctx, spec.text));
  }
}

/** EQUAL, NOT_EQUAL, GREATER_THAN(_INCLUSIVE), LESS_THAN(_INCLUSIVE) and CONTAINS on a non-null value. */
export function testTypedComparison(spec: ConditionSpec, ctx: PyValue): boolean {
  switch (typeof ctx) {
    case 'string':
      return compareString(spec, ctx);
    case 'number':
      return compareNumber(spec, ctx, !Number.isInteger(ctx));
    case 'bigint':
      return compareNumber(spec, ctx, false);
    case 'boolean':
      return spec.op !== CONTAINS && verdict(spec.op, Number(ctx) - Number(spec.asBool));
    default:
      return ctx instanceof PyFloat && compareNumber(spec, ctx.value, true);
  }
}
