import {
  type ConditionTable,
  compileSegment,
  identifierList,
  NEVER_NODE,
  type RuleNode,
} from './compile-segments.ts';
import { encodeFlat } from './rule-evaluation.ts';

/** How each segment of a context is tested: a flat program, a rule tree, or the identifier index. */
export interface SegmentPrograms {
  /** Flat programs of the segments of the common shape (see encodeFlat), back to back. */
  readonly program: number[];
  /** Per segment: its offset in `program`, or -1 for "use `trees`" (or the identifier index). */
  readonly offsets: number[];
  /** Per segment: its rule tree when it has no flat program (else a node that never holds). */
  readonly trees: RuleNode[];
  /** Identity-override segments (found through `identifierIndex`, never tested). */
  readonly indexed: Set<number>;
  /** The identity-override segments listing each identifier, in context order. */
  readonly identifierIndex: Map<string, number[]>;
}

/**
 * Compiles every segment, one at a time: a segment's rule tree is encoded as soon as it is built and then
 * dropped when a flat program says the same, so the trees of a large environment do not all stay alive (and get
 * copied by each scavenge) until the end of the compile.
 */
export function compileSegmentPrograms(
  segmentContexts: readonly Record<string, unknown>[],
  table: ConditionTable,
): SegmentPrograms {
  const programs: SegmentPrograms = {
    program: [],
    offsets: [],
    trees: [],
    indexed: new Set(),
    identifierIndex: new Map(),
  };
  const { program, offsets, trees, indexed, identifierIndex } = programs;
  for (let index = 0; index < segmentContexts.length; index++) {
    const segment = segmentContexts[index] as Record<string, unknown>;
    const identifiers = identifierList(segment);
    if (identifiers !== undefined) {
      indexed.add(index);
      for (let i = 0; i < identifiers.length; i++) {
        const identifier = identifiers[i] as string;
        const list = identifierIndex.get(identifier);
        if (list === undefined) identifierIndex.set(identifier, [index]);
        else if (list[list.length - 1] !== index) list.push(index);
      }
      offsets.push(-1);
      trees.push(NEVER_NODE); // membership comes from the identifier index
      continue;
    }
    const tree = compileSegment(segment, table);
    const flat = encodeFlat(tree);
    if (flat === undefined) {
      offsets.push(-1);
      trees.push(tree);
    } else {
      offsets.push(program.length);
      for (let i = 0; i < flat.length; i++) program.push(flat[i] as number);
      trees.push(NEVER_NODE);
    }
  }
  return programs;
}
