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

/** A feature with its overrides from ordinary segments, best first, as parallel arrays for a tight walk. */
export interface CompiledFeature {
  readonly name: string;
  readonly source: FlagSource;
  readonly segments: readonly number[];
  readonly sources: readonly FlagSource[];
  readonly priorities: readonly number[];
  readonly seqs: readonly number[];
}

/** Whether candidate `a` comes before `b`: lower priority, then earlier in context order. */
export function before(a: Candidate, b: Candidate): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** Whether the feature's `k`-th segment override comes before candidate `best`. */
export function ranksBefore(feature: CompiledFeature, k: number, best: Candidate): boolean {
  const priority = feature.priorities[k] as number;
  return priority < best.priority || (priority === best.priority && (feature.seqs[k] as number) < best.seq);
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
 * feature's candidate list, best first, so evaluation walks it to the first matching segment; overrides of
 * identity-override segments (`indexed`) are kept per segment, found through the identifier index instead.
 * Overrides of features absent from the context are ignored, as in the interpreter.
 */
export function indexOverrides(
  segmentContexts: readonly Record<string, unknown>[],
  featureContexts: readonly (Record<string, unknown> & { name: string })[],
  indexed: ReadonlySet<number>,
): { features: CompiledFeature[]; indexedOverrides: Map<number, IndexedOverride[]> } {
  const names = new Set(featureContexts.map((feature) => feature.name));
  const regular = new Map<string, Candidate[]>();
  const indexedOverrides = new Map<number, { name: string; candidate: Candidate }[]>();
  let seq = 0;
  segmentContexts.forEach((segment, index) => {
    const reason = `TARGETING_MATCH; segment=${pyStrAny(segment.name)}`;
    for (const override of Array.isArray(segment.overrides) ? segment.overrides : []) {
      if (!isRecord(override)) continue;
      seq++;
      const name = override.name;
      if (typeof name !== 'string' || !names.has(name)) continue; // overrides of absent features are ignored
      const candidate = {
        segment: index,
        priority: priorityOf(override),
        seq,
        source: flagSource(override, reason),
      };
      if (indexed.has(index)) {
        const list = indexedOverrides.get(index) ?? [];
        list.push({ name, candidate });
        indexedOverrides.set(index, list);
      } else {
        const list = regular.get(name) ?? [];
        list.push(candidate);
        regular.set(name, list);
      }
    }
  });
  const features = featureContexts.map((feature) => {
    const candidates = (regular.get(feature.name) ?? []).sort((a, b) =>
      before(a, b) ? -1 : before(b, a) ? 1 : 0,
    );
    return {
      name: feature.name,
      source: flagSource(feature, 'DEFAULT'),
      segments: candidates.map((candidate) => candidate.segment),
      sources: candidates.map((candidate) => candidate.source),
      priorities: candidates.map((candidate) => candidate.priority),
      seqs: candidates.map((candidate) => candidate.seq),
    };
  });
  return { features, indexedOverrides };
}
