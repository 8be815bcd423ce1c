import type { ContextScalar } from '../context/evaluation-context.ts';
import { pyStr } from '../python/py-str.ts';
import { priorityOf } from './priority.ts';

/** A multivariate variant laid out on the [0, 100) line, with its reason string built once. */
export interface PlacedVariant {
  readonly value: ContextScalar;
  readonly start: number;
  readonly limit: number;
  readonly reason: string;
  readonly key: string | null;
}

/**
 * Flagsmith parity (spec §3.7): variants sorted by ascending priority (stable: ties keep their order; a missing
 * priority sorts last), then laid end to end: variant i covers [start, start + weight). The additions happen in
 * the same order as the Python engine's loop, so the float boundaries are bit-identical. A non-numeric weight
 * counts as 0 (never chosen).
 */
export function placeVariants(variants: readonly unknown[]): PlacedVariant[] {
  // A stable insertion sort of the record variants on their priorities, in two reused parallel arrays: compiling
  // a large environment places thousands of variant lists, and objects per entry were most of what that allocated.
  // (Their length is never reset: V8 frees an array's store when its length drops to 0.)
  const records = scratchRecords;
  const priorities = scratchPriorities;
  let count = 0;
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[i];
    if (typeof variant !== 'object' || variant === null) continue;
    const record = variant as Record<string, unknown>;
    const priority = priorityOf(record);
    let j = count++;
    // `a - b > 0`, not `a > b`: equal infinities give NaN, which must not move (as the subtraction comparator).
    for (; j > 0 && (priorities[j - 1] as number) - priority > 0; j--) {
      records[j] = records[j - 1] ?? null;
      priorities[j] = priorities[j - 1] as number;
    }
    records[j] = record;
    priorities[j] = priority;
  }
  const placed: PlacedVariant[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const variant = records[i] as Record<string, unknown>;
    records[i] = null; // keep no reference to the caller's variants
    const weight = typeof variant.weight === 'number' ? variant.weight : 0;
    const limit = weight + start;
    placed.push({
      value: (variant.value ?? null) as ContextScalar,
      start,
      limit,
      reason: splitReason(weight),
      key: typeof variant.key === 'string' ? variant.key : null,
    });
    start = limit;
  }
  return placed;
}

const scratchRecords: (Record<string, unknown> | null)[] = [];
const scratchPriorities: number[] = [];
const splitReasons = new Map<number, string>();

/** `SPLIT; weight=<w>`, one string per weight (a document repeats a few weights thousands of times). */
function splitReason(weight: number): string {
  // -0 is not cached: a Map would merge it with 0, and Python prints it "-0.0".
  if (Object.is(weight, -0)) return `SPLIT; weight=${pyStr(weight)}`;
  let reason = splitReasons.get(weight);
  if (reason === undefined) {
    reason = `SPLIT; weight=${pyStr(weight)}`;
    if (splitReasons.size >= 1000) splitReasons.clear();
    splitReasons.set(weight, reason);
  }
  return reason;
}

/** The variant whose half-open interval holds `percentage`, if any. */
export function pickVariant(placed: readonly PlacedVariant[], percentage: number): PlacedVariant | undefined {
  for (const variant of placed) if (variant.start <= percentage && percentage < variant.limit) return variant;
  return undefined;
}

/** Python truthiness of a metadata value: the engine only reports non-empty metadata. */
export function hasMetadata(metadata: unknown): boolean {
  if (typeof metadata === 'object' && metadata !== null) {
    if (Array.isArray(metadata)) return metadata.length > 0;
    // Object.keys(metadata).length > 0 without allocating the keys: called for every flag source at compile time.
    for (const key in metadata) if (Object.hasOwn(metadata, key)) return true;
    return false;
  }
  return Boolean(metadata);
}
