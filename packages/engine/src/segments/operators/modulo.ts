import { pyFloat, pyMod } from '../../python/py-number.ts';
import { type PyValue, pyNumber } from '../../python/py-value.ts';
import type { ConditionSpec } from '../condition-spec.ts';

/**
 * Flagsmith parity (spec §3.5 MODULO): the value is "divisor|remainder" (exactly one '|', both parts float()-able).
 * False when it is not (and for a zero divisor, where Python raises).
 */
export function prepareModulo(spec: ConditionSpec, value: string | null): boolean {
  const parts = value ? value.split('|') : [];
  const divisor = parts.length === 2 ? pyFloat(parts[0] ?? '') : undefined;
  const remainder = parts.length === 2 ? pyFloat(parts[1] ?? '') : undefined;
  if (divisor === undefined || remainder === undefined || divisor === 0) return false;
  spec.divisor = divisor;
  spec.remainder = remainder;
  return true;
}

/**
 * The context value must be an int, float or bool (after coercion); the match is Python's `ctx % divisor ==
 * remainder`, whose result takes the divisor's sign.
 */
export function testModulo(spec: ConditionSpec, ctx: PyValue): boolean {
  return typeof ctx !== 'string' && ctx !== null && pyMod(pyNumber(ctx), spec.divisor) === spec.remainder;
}
