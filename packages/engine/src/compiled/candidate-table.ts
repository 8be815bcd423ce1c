import type { FlagResult } from '../result/evaluation-result.ts';
import { type FlagSource, plainSource } from './compiled-flag.ts';
import type { Candidate, CompiledFeature, OverrideColumns } from './index-overrides.ts';

/**
 * Every feature's overrides from ordinary segments, best first, followed by the feature's default, flattened into
 * contiguous arrays: feature `f` owns entries `start[f]` to `start[f + 1] - 1`, the last of which is its default
 * (segment -1). An evaluation walks a few thousand of these entries; read from a few flat arrays they stay in cache,
 * where chasing per-feature arrays and per-source objects missed it on most steps (bench/RESULTS.md).
 */
export class CandidateTable {
  // Plain arrays of small integers, not typed arrays: the JIT must re-check a typed array (detached buffer,
  // length) on every access in a loop that makes calls, which made the walk several times costlier.
  readonly start: number[] = [];
  /** The segment of each entry (-1 for a default). */
  readonly segment: number[] = [];
  /** The rank of each override entry (priority, then context order), to compare with an identity override. */
  readonly priority: Float64Array;
  readonly seq: Int32Array;
  /** The source of each entry; null for an override without variants (its result is in `fixed`). */
  readonly sources: (FlagSource | null)[] = [];
  /**
   * The flag result of each entry for an identity when no hash is needed (its source has no variants that can be
   * chosen); null when the entry needs a hash. Reading it spares loading the source object. Where `sources[k]` is
   * null, it is also the result without identity.
   */
  readonly fixed: (FlagResult | null)[] = [];

  /** `regular.feature[o]` names the first feature of override `o`'s name; every feature of that name gets it. */
  constructor(features: readonly CompiledFeature[], regular: OverrideColumns) {
    const order = groupByFeature(features.length, regular.feature);
    const count = regular.feature.length + features.length;
    this.priority = new Float64Array(count);
    this.seq = new Int32Array(count);
    const groupOf = firstOfName(features);
    let k = 0;
    for (let f = 0; f < features.length; f++) {
      this.start.push(k);
      const group = groupOf[f] as number;
      sortByPriority(order.indices, order.start[group] as number, order.start[group + 1] as number, regular);
      for (let i = order.start[group] as number; i < (order.start[group + 1] as number); i++) {
        const o = order.indices[i] as number;
        this.priority[k] = regular.priority[o] as number;
        this.seq[k] = regular.seq[o] as number;
        this.push(
          regular.segment[o] as number,
          regular.source[o] as FlagSource | null,
          regular.plain[o] ?? null,
        );
        k++;
      }
      this.push(-1, (features[f] as CompiledFeature).source, null);
      k++;
    }
    this.start.push(k);
  }

  /** The segments (of `segmentCount`) with at least one override here (those that can change a flag), ascending. */
  segmentsWithOverrides(segmentCount: number): number[] {
    const has = new Uint8Array(segmentCount);
    for (let k = 0; k < this.segment.length; k++) {
      const segment = this.segment[k] as number;
      if (segment >= 0) has[segment] = 1;
    }
    const segments: number[] = [];
    for (let segment = 0; segment < segmentCount; segment++) if (has[segment] === 1) segments.push(segment);
    return segments;
  }

  /** Whether entry `k` (an override) ranks before candidate `best`. */
  ranksBefore(k: number, best: Candidate): boolean {
    const priority = this.priority[k] as number;
    return priority < best.priority || (priority === best.priority && (this.seq[k] as number) < best.seq);
  }

  /** The source of entry `k` (made on demand for an override without variants: only rare paths ask). */
  sourceAt(k: number): FlagSource {
    return this.sources[k] ?? plainSource(this.fixed[k] as FlagResult);
  }

  private push(segment: number, source: FlagSource | null, plain: FlagResult | null): void {
    this.segment.push(segment);
    this.sources.push(source);
    this.fixed.push(source === null ? plain : source.variants === null ? source.control : null);
  }
}

/** For each feature, the index of the first feature of the same name (whose overrides it shares). */
function firstOfName(features: readonly CompiledFeature[]): number[] {
  const first = new Map<string, number>();
  return features.map((feature, f) => {
    const known = first.get(feature.name);
    if (known !== undefined) return known;
    first.set(feature.name, f);
    return f;
  });
}

/** A counting sort of override indices by feature, stable (so each feature's overrides stay in context order). */
function groupByFeature(
  featureCount: number,
  feature: readonly number[],
): { start: Int32Array; indices: Int32Array } {
  const start = new Int32Array(featureCount + 1);
  for (let o = 0; o < feature.length; o++) {
    const slot = (feature[o] as number) + 1;
    start[slot] = (start[slot] as number) + 1;
  }
  for (let f = 0; f < featureCount; f++) start[f + 1] = (start[f + 1] as number) + (start[f] as number);
  const next = start.slice(0, featureCount);
  const indices = new Int32Array(feature.length);
  for (let o = 0; o < feature.length; o++) {
    const f = feature[o] as number;
    indices[next[f] as number] = o;
    next[f] = (next[f] as number) + 1;
  }
  return { start, indices };
}

/**
 * Sorts `indices[from..to)` (one feature's overrides, in context order) by priority, keeping context order among
 * equal priorities: together the order of (priority, seq). Priorities may be ±Infinity, so comparisons, not a
 * subtraction. Documents without segment priorities skip the sort.
 */
function sortByPriority(indices: Int32Array, from: number, to: number, regular: OverrideColumns): void {
  const priority = regular.priority;
  let uniform = true;
  for (let i = from + 1; i < to && uniform; i++) {
    uniform = priority[indices[i] as number] === priority[indices[from] as number];
  }
  if (uniform) return;
  const sorted = Array.from(indices.subarray(from, to)).sort((a, b) => {
    const pa = priority[a] as number;
    const pb = priority[b] as number;
    return pa < pb ? -1 : pa > pb ? 1 : a - b;
  });
  indices.set(sorted, from);
}
