import { parsePythonJson } from '../../python/py-json.ts';
import { intToString, pyStrAny } from '../../python/py-str.ts';
import type { PyValue } from '../../python/py-value.ts';
import type { ConditionSpec } from '../condition-spec.ts';

/**
 * Flagsmith parity (spec §3.5 IN): the strings an IN value lists. An array value is a list of `str(x)`; a string
 * value is tried as a JSON list (Python json.loads, so `[1.0]` holds "1.0") and otherwise split on ',' without
 * trimming. Undefined for any other value (Python raises).
 */
export function inValueStrings(value: unknown): readonly string[] | undefined {
  if (Array.isArray(value)) return value.map(pyStrAny);
  if (typeof value !== 'string') return undefined;
  // Only text that starts with '[' (after JSON whitespace) can be a JSON list; anything else is CSV anyway.
  if (/^[ \t\n\r]*\[/.test(value)) {
    const parsed = parsePythonJson(value);
    if (parsed !== undefined && Array.isArray(parsed.value)) return parsed.value.map(pyStrAny);
  }
  return value.split(',');
}

/** A string context value matches if listed; an int is compared as its decimal string; nothing else matches. */
export function testIn(spec: ConditionSpec, ctx: PyValue): boolean {
  const values = spec.values;
  if (values === undefined) return false;
  if (typeof ctx === 'string') return values.has(ctx);
  if (typeof ctx === 'number') return Number.isInteger(ctx) && values.has(intToString(ctx));
  return typeof ctx === 'bigint' && values.has(ctx.toString());
}
