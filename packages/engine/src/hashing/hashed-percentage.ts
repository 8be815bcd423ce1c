import { md5Modulo } from './md5.ts';

/**
 * Flagsmith parity (spec §3.6, flag_engine/utils/hashing.py): md5 of the ids joined by ',' as an unsigned
 * 128-bit integer, `mod 9999`, `/ 9998 * 100`. The value 100 cannot be returned, so when the modulo is 9998 the
 * id list is repeated once more ("a,b" → "a,b,a,b") and hashed again. Result in [0, 100).
 *
 * The joined ids are `head + tail` (split anywhere), so hot paths need not build the string.
 */
export function hashedPercentageOf(head: string, tail: string): number {
  const joined = head + tail;
  let text = tail;
  for (let iteration = 1; ; iteration++) {
    const value = (md5Modulo(iteration === 1 ? head : '', text, 9999) / 9998) * 100;
    if (value !== 100) return value;
    text = `${iteration === 1 ? joined : text},${joined}`;
  }
}

/** {@link hashedPercentageOf} of `ids.join(',')`. */
export function hashedPercentage(ids: readonly string[]): number {
  return hashedPercentageOf(ids.join(','), '');
}
