import type { FlagResult } from '../result/evaluation-result.ts';

const PROTO = '__proto__';

/**
 * The flags as a plain object, `names[i]` → `results[i]`. An object created without a prototype starts in
 * dictionary mode (an object literal receiving hundreds of keys goes through ever longer chains of hidden classes
 * first), and its stores skip the prototype-chain lookup a store into an ordinary object makes for setters; with
 * the prototype set to Object.prototype afterwards, the object is an ordinary `{}` in every observable way, and
 * filling 300 flags is about a third cheaper (bench/RESULTS.md). A feature named `__proto__` must go through
 * Object.prototype's setter, as in the interpreter (`flags[name] = …`), so such a list takes the ordinary path.
 */
export function flagsObject(
  names: readonly string[],
  results: readonly FlagResult[],
  hasProtoName: boolean,
): Record<string, FlagResult> {
  const flags: Record<string, FlagResult> = hasProtoName ? {} : Object.create(null);
  for (let i = 0; i < names.length; i++) flags[names[i] as string] = results[i] as FlagResult;
  if (!hasProtoName) Object.setPrototypeOf(flags, Object.prototype);
  return flags;
}

/** Whether a feature is named `__proto__` (see {@link flagsObject}). */
export function hasProtoName(names: readonly string[]): boolean {
  return names.includes(PROTO);
}
