import { isRecord } from '../context/resolve-property.ts';
import { intToString, pyStrAny } from '../python/py-str.ts';
import type { PyValue } from '../python/py-value.ts';
import type { FlagResult } from '../result/evaluation-result.ts';
import { priorityOf } from '../result/priority.ts';
import { type FlagSource, flagSource, plainFlag } from './compiled-flag.ts';

/** An identity override, ordered by (priority, seq) against segment overrides (see CandidateTable.ranksBefore). */
export interface Candidate {
  readonly segment: number;
  readonly priority: number;
  readonly seq: number;
  readonly source: FlagSource;
}

/** A feature: its name and its default (its segment overrides are in the candidate table). */
export interface CompiledFeature {
  readonly name: string;
  readonly source: FlagSource;
}

/** Whether candidate `a` comes before `b`: lower priority, then earlier in context order. */
export function before(a: Candidate, b: Candidate): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** An identifier value as the identifier index spells it (identity-override segments list strings). */
export function identifierText(value: PyValue): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return intToString(value);
  return typeof value === 'bigint' ? value.toString() : undefined;
}

/** An identity-override segment's override, by feature name. */
export interface IndexedOverride {
  readonly name: string;
  readonly candidate: Candidate;
}

/**
 * The overrides of ordinary segments in context order, one column per field (`seq` order is the array order):
 * no object per override. A large environment has tens of thousands of overrides, and objects that live until
 * the end of a compile are copied by every scavenge that meets them (bench/RESULTS.md).
 */
export interface OverrideColumns {
  /** The feature of each override: the index of the first feature of its name (features may share a name). */
  readonly feature: number[];
  readonly segment: number[];
  readonly priority: number[];
  readonly seq: number[];
  /** The source of an override with variants; null for one without, whose result is in `plain`. */
  readonly source: (FlagSource | null)[];
  /** The result of an override without variants; null for one with variants. */
  readonly plain: (FlagResult | null)[];
}

/**
 * Indexes every segment override by feature (spec §3.1, §3.8), one segment at a time in context order: overrides
 * of ordinary segments become columns (`regular`, for the candidate table, which groups them by feature, best
 * first, so evaluation walks a feature's list to the first matching segment); overrides of identity-override
 * segments are kept per segment (`indexed`), found through the identifier index instead. Overrides of features
 * absent from the context are ignored, as in the interpreter.
 */
export class OverrideIndex {
  readonly features: CompiledFeature[] = [];
  readonly regular: OverrideColumns = {
    feature: [],
    segment: [],
    priority: [],
    seq: [],
    source: [],
    plain: [],
  };
  readonly indexed = new Map<number, IndexedOverride[]>();
  /** The first feature of each name; its name string is shared by the flag results of all its overrides. */
  private readonly featureIndex = new Map<string, number>();
  private seq = 0;

  constructor(featureContexts: readonly (Record<string, unknown> & { name: string })[]) {
    for (let f = 0; f < featureContexts.length; f++) {
      const feature = featureContexts[f] as Record<string, unknown> & { name: string };
      if (!this.featureIndex.has(feature.name)) this.featureIndex.set(feature.name, f);
      this.features.push({ name: feature.name, source: flagSource(feature, 'DEFAULT') });
    }
  }

  /** Adds the overrides of segment number `index` (the next one). */
  add(segment: Record<string, unknown>, index: number, isIndexed: boolean): void {
    const reason = `TARGETING_MATCH; segment=${pyStrAny(segment.name)}`;
    const overrides: readonly unknown[] = Array.isArray(segment.overrides) ? segment.overrides : [];
    // An index loop, not for-of: compile code runs mostly unoptimised, where for-of allocates an iterator result
    // per step (tens of thousands of overrides in a large environment).
    for (let o = 0; o < overrides.length; o++) {
      const override = overrides[o];
      if (!isRecord(override)) continue;
      const seq = ++this.seq;
      const f = typeof override.name === 'string' ? this.featureIndex.get(override.name) : undefined;
      if (f === undefined) continue; // overrides of absent features are ignored
      const name = (this.features[f] as CompiledFeature).name;
      const priority = priorityOf(override);
      if (isIndexed) {
        const source = flagSource(override, reason, name);
        const list = this.indexed.get(index) ?? [];
        list.push({ name, candidate: { segment: index, priority, seq, source } });
        this.indexed.set(index, list);
      } else {
        const plain = plainFlag(override, reason, name);
        this.regular.feature.push(f);
        this.regular.segment.push(index);
        this.regular.priority.push(priority);
        this.regular.seq.push(seq);
        this.regular.source.push(plain === undefined ? flagSource(override, reason, name) : null);
        this.regular.plain.push(plain ?? null);
      }
    }
  }
}
