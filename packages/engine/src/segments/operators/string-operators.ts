import { pythonRegex } from '../../python/py-regex.ts';
import { pyStr } from '../../python/py-str.ts';
import type { PyValue } from '../../python/py-value.ts';
import type { ConditionSpec } from '../condition-spec.ts';

/**
 * Flagsmith parity (spec §3.5 NOT_CONTAINS): only a string context value (after coercion, so "123" is an int and
 * never matches) that does not contain the condition value.
 */
export function testNotContains(spec: ConditionSpec, ctx: PyValue): boolean {
  return typeof ctx === 'string' && !ctx.includes(spec.text);
}

/**
 * Flagsmith parity (spec §3.5 REGEX): Python `re.match(value, str(ctx))`, anchored at the start only. The pattern
 * is translated from Python syntax once; false when Python would reject it or it cannot be translated.
 */
export function prepareRegex(spec: ConditionSpec): boolean {
  spec.regex = pythonRegex(spec.text);
  return spec.regex !== undefined;
}

/** REGEX on the Python string form of the value (`True`, `1.5`, `35.0`). */
export function testRegex(spec: ConditionSpec, ctx: PyValue): boolean {
  return spec.regex?.test(pyStr(ctx)) ?? false;
}
