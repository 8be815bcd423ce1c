import type { FlagResult } from '../result/evaluation-result.ts';
import type { FlagSource } from './compiled-flag.ts';
import type { CompiledFeature } from './index-overrides.ts';

/**
 * Every feature's overrides from ordinary segments, best first, followed by the feature's default, flattened into
 * contiguous arrays: feature `f` owns entries `start[f]` to `start[f + 1] - 1`, the last of which is its default
 * (segment -1). An evaluation walks a few thousand of these entries; read from a few flat arrays they stay in cache,
 * where chasing per-feature arrays and per-source objects missed it on most steps (bench/RESULTS.md).
 */
export class CandidateTable {
  readonly start: Int32Array;
  /** The segment of each entry (-1 for a default). */
  readonly segment: Int32Array;
  readonly sources: readonly FlagSource[];
  /**
   * The flag result of each entry for an identity when no hash is needed (its source has no variants that can be
   * chosen); null when the entry needs a hash. Reading it spares loading the source object.
   */
  readonly fixed: readonly (FlagResult | null)[];

  constructor(features: readonly CompiledFeature[]) {
    const count = features.reduce((sum, feature) => sum + feature.segments.length + 1, 0);
    this.start = new Int32Array(features.length + 1);
    this.segment = new Int32Array(count);
    const sources: FlagSource[] = [];
    let k = 0;
    features.forEach((feature, f) => {
      this.start[f] = k;
      for (let i = 0; i < feature.segments.length; i++) {
        this.segment[k++] = feature.segments[i] as number;
        sources.push(feature.sources[i] as FlagSource);
      }
      this.segment[k++] = -1;
      sources.push(feature.source);
    });
    this.start[features.length] = k;
    this.sources = sources;
    this.fixed = sources.map((source) => (source.variants === null ? source.control : null));
  }
}
