import type { SegmentResult } from '../result/evaluation-result.ts';
import type { CheapSegmentPass } from './cheap-segment-pass.ts';
import type { RuleNode } from './compile-segments.ts';
import type { EvaluationState } from './evaluation-state.ts';
import { before, type Candidate, type IndexedOverride, identifierText } from './index-overrides.ts';
import { holds, holdsFlat } from './rule-evaluation.ts';
import type { SegmentPrograms } from './segment-programs.ts';

/** What a SegmentMatcher is built from. */
export interface SegmentMatcherParts {
  readonly programs: SegmentPrograms;
  /** Each segment's entry in `segments` of a result. */
  readonly results: readonly SegmentResult[];
  /** The property slot of `$.identity.identifier` (-1: no identity-override segment). */
  readonly identifierSlot: number;
  readonly indexedOverrides: ReadonlyMap<number, readonly IndexedOverride[]>;
  readonly cheapPass: CheapSegmentPass | undefined;
  /** The per-segment memo of the evaluation scratch (±epoch: matches or not in that evaluation). */
  readonly memo: number[];
}

/**
 * Which segments an identity belongs to, each decided at most once per evaluation and recorded in the memo: first
 * what can be decided before the flags are walked (the cheap pass, the identifier index), then the rest on demand.
 */
export class SegmentMatcher {
  /** The number of segments. */
  readonly count: number;
  private readonly program: readonly number[];
  private readonly offsets: readonly number[];
  private readonly trees: readonly RuleNode[];
  private readonly results: readonly SegmentResult[];
  private readonly identifierSlot: number;
  private readonly identifierIndex: ReadonlyMap<string, readonly number[]>;
  private readonly indexedOverrides: ReadonlyMap<number, readonly IndexedOverride[]>;
  private readonly cheapPass: CheapSegmentPass | undefined;
  private readonly memo: number[];

  constructor(parts: SegmentMatcherParts) {
    this.program = parts.programs.program;
    this.offsets = parts.programs.offsets;
    this.trees = parts.programs.trees;
    this.identifierIndex = parts.programs.identifierIndex;
    this.count = this.trees.length;
    this.results = parts.results;
    this.identifierSlot = parts.identifierSlot;
    this.indexedOverrides = parts.indexedOverrides;
    this.cheapPass = parts.cheapPass;
    this.memo = parts.memo;
  }

  /**
   * Decides what can be decided before the walk: the segments their cheap conditions decide (see
   * CheapSegmentPass) and the identity-override segments listing this identifier. Returns the best identity
   * override per feature name.
   */
  decideEarly(state: EvaluationState): Map<string, Candidate> | undefined {
    this.cheapPass?.(state.conditionResults, this.memo, state.epoch);
    return this.indexedBest(state);
  }

  /** The best identity-override candidate per feature name, from the segments that list this identifier. */
  indexedBest(state: EvaluationState): Map<string, Candidate> | undefined {
    if (this.identifierSlot < 0) return undefined;
    const value = state.value(this.identifierSlot);
    const identifier = identifierText(value);
    const hits = identifier === undefined ? undefined : this.identifierIndex.get(identifier);
    if (hits === undefined) return undefined;
    const best = new Map<string, Candidate>();
    const memo = this.memo;
    for (const segment of hits) {
      memo[segment] = state.epoch;
      for (const { name, candidate } of this.indexedOverrides.get(segment) ?? []) {
        const current = best.get(name);
        if (current === undefined || before(candidate, current)) best.set(name, candidate);
      }
    }
    return best;
  }

  /** Whether segment `index` matches in this evaluation (evaluated at most once). */
  matches(state: EvaluationState, index: number): boolean {
    const known = this.memo[index];
    if (known === state.epoch) return true;
    if (known === -state.epoch) return false;
    return this.evaluate(state, index);
  }

  /** Evaluates segment `index`, not yet known in this evaluation, and records the result in the memo. */
  evaluate(state: EvaluationState, index: number): boolean {
    const offset = this.offsets[index] as number;
    const result =
      offset >= 0 ? holdsFlat(this.program, offset, state) : holds(this.trees[index] as RuleNode, state);
    this.memo[index] = result ? state.epoch : -state.epoch;
    return result;
  }

  /** Every segment the identity of `state` (a current evaluation) belongs to, in context order. */
  matching(state: EvaluationState): SegmentResult[] {
    const matched: SegmentResult[] = [];
    for (let index = 0; index < this.count; index++) {
      if (this.matches(state, index)) matched.push(this.results[index] as SegmentResult);
    }
    return matched;
  }
}
