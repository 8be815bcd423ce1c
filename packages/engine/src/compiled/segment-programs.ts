import {
  type ConditionTable,
  compileSegment,
  identifierList,
  NEVER_NODE,
  type RuleNode,
} from './compile-segments.ts';
import { encodeFlat } from './rule-evaluation.ts';

/**
 * How each segment of a context is tested: a flat program, a rule tree, or the identifier index. Segments are
 * added one at a time, in context order: a segment's rule tree is encoded as soon as it is built and dropped when
 * a flat program says the same, so neither the trees nor the segment contexts of a large environment all stay
 * alive (and get copied by each scavenge) until the end of the compile.
 */
export class SegmentPrograms {
  /** Flat programs of the segments of the common shape (see encodeFlat), back to back. */
  readonly program: number[] = [];
  /** Per segment: its offset in `program`, or -1 for "use `trees`" (or the identifier index). */
  readonly offsets: number[] = [];
  /** Per segment: its rule tree when it has no flat program (else a node that never holds). */
  readonly trees: RuleNode[] = [];
  /** The identity-override segments listing each identifier, in context order. */
  readonly identifierIndex = new Map<string, number[]>();
  /** Whether any segment is an identity-override segment. */
  hasIndexed = false;

  private readonly table: ConditionTable;

  constructor(table: ConditionTable) {
    this.table = table;
  }

  /** Adds segment number `index` (the next one); returns whether it is an identity-override segment. */
  add(segment: Record<string, unknown>, index: number): boolean {
    const identifiers = identifierList(segment);
    if (identifiers !== undefined) {
      this.hasIndexed = true;
      for (let i = 0; i < identifiers.length; i++) {
        const identifier = identifiers[i] as string;
        const list = this.identifierIndex.get(identifier);
        if (list === undefined) this.identifierIndex.set(identifier, [index]);
        else if (list[list.length - 1] !== index) list.push(index);
      }
      this.offsets.push(-1);
      this.trees.push(NEVER_NODE); // membership comes from the identifier index
      return true;
    }
    const tree = compileSegment(segment, this.table);
    const flat = encodeFlat(tree);
    if (flat === undefined) {
      this.offsets.push(-1);
      this.trees.push(tree);
    } else {
      this.offsets.push(this.program.length);
      for (let i = 0; i < flat.length; i++) this.program.push(flat[i] as number);
      this.trees.push(NEVER_NODE);
    }
    return false;
  }
}
