import type { ContextScalar } from '../context/evaluation-context.ts';
import { pyStr } from '../python/py-str.ts';
import { insertionSort } from '../support/insertion-sort.ts';
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
  const entries = variants
    .map((variant, index) => ({ variant, index }))
    .filter(
      (entry): entry is { variant: Record<string, unknown>; index: number } =>
        typeof entry.variant === 'object' && entry.variant !== null,
    );
  insertionSort(entries, (a, b) => priorityOf(a.variant) - priorityOf(b.variant) || a.index - b.index);
  const placed: PlacedVariant[] = [];
  let start = 0;
  for (const { variant } of entries) {
    const weight = typeof variant.weight === 'number' ? variant.weight : 0;
    const limit = weight + start;
    placed.push({
      value: (variant.value ?? null) as ContextScalar,
      start,
      limit,
      reason: `SPLIT; weight=${pyStr(weight)}`,
      key: typeof variant.key === 'string' ? variant.key : null,
    });
    start = limit;
  }
  return placed;
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
