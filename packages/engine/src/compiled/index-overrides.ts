import { isRecord } from '../context/resolve-property.ts';
import { intToString, pyStrAny } from '../python/py-str.ts';
import type { PyValue } from '../python/py-value.ts';
import { priorityOf } from '../result/priority.ts';
import { type FlagSource, flagSource } from './compiled-flag.ts';

/** A segment override, ordered by (priority, seq): the interpreter keeps the first of equal priorities. */
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

/** Sort order of {@link before} (priorities may be ±Infinity, so not a subtraction). */
function byRank(a: Candidate, b: Candidate): number {
  return a.priority < b.priority ? -1 : a.priority > b.priority ? 1 : a.seq - b.seq;
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
 * Indexes every segment override by feature (spec §3.1, §3.8): overrides of ordinary segments become each
 * feature's candidate list (`overrides`, parallel to `features`), best first, so evaluation walks it to the first
 * matching segment; overrides of identity-override segments (`indexed`) are kept per segment, found through the
 * identifier index instead. Overrides of features absent from the context are ignored, as in the interpreter.
 */
export function indexOverrides(
  segmentContexts: readonly Record<string, unknown>[],
  featureContexts: readonly (Record<string, unknown> & { name: string })[],
  indexed: ReadonlySet<number>,
): {
  features: CompiledFeature[];
  overrides: Candidate[][];
  indexedOverrides: Map<number, IndexedOverride[]>;
} {
  // Each feature's name string, shared by the flag results of all its overrides.
  const names = new Map(featureContexts.map((feature) => [feature.name, feature.name]));
  const regular = new Map<string, Candidate[]>();
  const indexedOverrides = new Map<number, { name: string; candidate: Candidate }[]>();
  let seq = 0;
  segmentContexts.forEach((segment, index) => {
    const reason = `TARGETING_MATCH; segment=${pyStrAny(segment.name)}`;
    const overrides: readonly unknown[] = Array.isArray(segment.overrides) ? segment.overrides : [];
    // Index loops, not for-of: compile code runs mostly unoptimised, where for-of allocates an iterator result per
    // step (tens of thousands of overrides in a large environment).
    for (let o = 0; o < overrides.length; o++) {
      const override = overrides[o];
      if (!isRecord(override)) continue;
      seq++;
      const name = typeof override.name === 'string' ? names.get(override.name) : undefined;
      if (name === undefined) continue; // overrides of absent features are ignored
      const candidate = {
        segment: index,
        priority: priorityOf(override),
        seq,
        source: flagSource(override, reason, name),
      };
      if (indexed.has(index)) {
        const list = indexedOverrides.get(index) ?? [];
        list.push({ name, candidate });
        indexedOverrides.set(index, list);
      } else {
        const list = regular.get(name);
        if (list === undefined) regular.set(name, [candidate]);
        else list.push(candidate);
      }
    }
  });
  const features = featureContexts.map((feature) => ({
    name: feature.name,
    source: flagSource(feature, 'DEFAULT'),
  }));
  const overrides = featureContexts.map((feature) => (regular.get(feature.name) ?? []).sort(byRank));
  return { features, overrides, indexedOverrides };
}
