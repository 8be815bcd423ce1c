import { isRecord } from '../context/resolve-property.ts';
import { intToString, pyStrAny } from '../python/py-str.ts';
import type { PyValue } from '../python/py-value.ts';
import { priorityOf } from '../result/priority.ts';
import { type FlagSource, flagSource } from './compiled-flag.ts';

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
  readonly source: FlagSource[];
}

/**
 * Indexes every segment override by feature (spec §3.1, §3.8): overrides of ordinary segments become columns
 * (`regular`, for the candidate table, which groups them by feature, best first, so evaluation walks a feature's
 * list to the first matching segment); overrides of identity-override segments (`indexed`) are kept per segment,
 * found through the identifier index instead. Overrides of features absent from the context are ignored, as in
 * the interpreter.
 */
export function indexOverrides(
  segmentContexts: readonly Record<string, unknown>[],
  featureContexts: readonly (Record<string, unknown> & { name: string })[],
  indexed: ReadonlySet<number>,
): {
  features: CompiledFeature[];
  regular: OverrideColumns;
  indexedOverrides: Map<number, IndexedOverride[]>;
} {
  // The first feature of each name; its name string is shared by the flag results of all its overrides.
  const featureIndex = new Map<string, number>();
  for (let f = 0; f < featureContexts.length; f++) {
    const name = (featureContexts[f] as { name: string }).name;
    if (!featureIndex.has(name)) featureIndex.set(name, f);
  }
  const regular: OverrideColumns = { feature: [], segment: [], priority: [], seq: [], source: [] };
  const indexedOverrides = new Map<number, IndexedOverride[]>();
  let seq = 0;
  // Index loops, not forEach or for-of: compile code runs mostly unoptimised, where for-of allocates an iterator
  // result per step (tens of thousands of overrides in a large environment).
  for (let index = 0; index < segmentContexts.length; index++) {
    const segment = segmentContexts[index] as Record<string, unknown>;
    const reason = `TARGETING_MATCH; segment=${pyStrAny(segment.name)}`;
    const overrides: readonly unknown[] = Array.isArray(segment.overrides) ? segment.overrides : [];
    for (let o = 0; o < overrides.length; o++) {
      const override = overrides[o];
      if (!isRecord(override)) continue;
      seq++;
      const f = typeof override.name === 'string' ? featureIndex.get(override.name) : undefined;
      if (f === undefined) continue; // overrides of absent features are ignored
      const name = (featureContexts[f] as { name: string }).name;
      const source = flagSource(override, reason, name);
      if (indexed.has(index)) {
        const list = indexedOverrides.get(index) ?? [];
        list.push({ name, candidate: { segment: index, priority: priorityOf(override), seq, source } });
        indexedOverrides.set(index, list);
      } else {
        regular.feature.push(f);
        regular.segment.push(index);
        regular.priority.push(priorityOf(override));
        regular.seq.push(seq);
        regular.source.push(source);
      }
    }
  }
  const features: CompiledFeature[] = [];
  for (let f = 0; f < featureContexts.length; f++) {
    const feature = featureContexts[f] as Record<string, unknown> & { name: string };
    features.push({ name: feature.name, source: flagSource(feature, 'DEFAULT') });
  }
  return { features, regular, indexedOverrides };
}
