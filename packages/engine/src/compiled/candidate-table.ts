import type { FlagResult } from '../result/evaluation-result.ts';
import type { FlagSource } from './compiled-flag.ts';
import type { Candidate, CompiledFeature } from './index-overrides.ts';

/**
 * Every feature's overrides from ordinary segments, best first, followed by the feature's default, flattened into
 * contiguous arrays: feature `f` owns entries `start[f]` to `start[f + 1] - 1`, the last of which is its default
 * (segment -1). An evaluation walks a few thousand of these entries; read from a few flat arrays they stay in cache,
 * where chasing per-feature arrays and per-source objects missed it on most steps (bench/RESULTS.md).
 */
export class CandidateTable {
  // Plain arrays of small integers, not typed arrays: the JIT must re-check a typed array (detached buffer,
  // length) on every access in a loop that makes calls, which made the walk several times costlier.
  readonly start: number[];
  /** The segment of each entry (-1 for a default). */
  readonly segment: number[];
  /** The rank of each override entry (priority, then context order), to compare with an identity override. */
  readonly priority: Float64Array;
  readonly seq: Int32Array;
  readonly sources: readonly FlagSource[];
  /**
   * The flag result of each entry for an identity when no hash is needed (its source has no variants that can be
   * chosen); null when the entry needs a hash. Reading it spares loading the source object.
   */
  readonly fixed: readonly (FlagResult | null)[];

  /** `overrides[f]`: feature `f`'s overrides, best first. */
  constructor(features: readonly CompiledFeature[], overrides: readonly (readonly Candidate[])[]) {
    const count = overrides.reduce((sum, list) => sum + list.length + 1, 0);
    this.start = new Array<number>(features.length + 1).fill(0);
    this.segment = new Array<number>(count).fill(0);
    this.priority = new Float64Array(count);
    this.seq = new Int32Array(count);
    const sources: FlagSource[] = [];
    let k = 0;
    features.forEach((feature, f) => {
      this.start[f] = k;
      const list = overrides[f] ?? [];
      for (let i = 0; i < list.length; i++) {
        const candidate = list[i] as Candidate;
        this.segment[k] = candidate.segment;
        this.priority[k] = candidate.priority;
        this.seq[k] = candidate.seq;
        sources.push(candidate.source);
        k++;
      }
      this.segment[k] = -1;
      sources.push(feature.source);
      k++;
    });
    this.start[features.length] = k;
    this.sources = sources;
    this.fixed = sources.map((source) => (source.variants === null ? source.control : null));
  }

  /** Whether entry `k` (an override) ranks before candidate `best`. */
  ranksBefore(k: number, best: Candidate): boolean {
    const priority = this.priority[k] as number;
    return priority < best.priority || (priority === best.priority && (this.seq[k] as number) < best.seq);
  }
}
