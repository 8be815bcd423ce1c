// The evaluation result (shared/flagsmith-schemas/evaluation-result.json, spec §2.2).

import type { ContextScalar } from '../context/evaluation-context.ts';

/**
 * The evaluated state of one feature for one context.
 *
 * @example
 * ```ts
 * const flag: FlagResult = { name: 'mv_feature', enabled: true, value: 'baz', reason: 'SPLIT; weight=30', variant: 'variant_baz' };
 * ```
 */
export interface FlagResult {
  readonly name: string;
  readonly enabled: boolean;
  readonly value: ContextScalar;
  /** `DEFAULT`, `TARGETING_MATCH; segment=<name>` or `SPLIT; weight=<weight>` (spec §3.9). */
  readonly reason: string;
  /** The variant key, `"control"` when the identity fell outside every variant, null otherwise (spec §3.7). */
  readonly variant: string | null;
  /** The metadata of the feature context that decided the flag (omitted when absent or empty). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * A segment the context belongs to.
 *
 * @example
 * ```ts
 * const segment: SegmentResult = { name: 'beta', metadata: { source: 'api', id: 16 } };
 * ```
 */
export interface SegmentResult {
  readonly name: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Every flag (keyed by feature name) and every matched segment, in context order.
 *
 * @example
 * ```ts
 * const { flags, segments }: EvaluationResult = getEvaluationResult(context);
 * flags.new_ui?.enabled;
 * segments.map((segment) => segment.name);
 * ```
 */
export interface EvaluationResult {
  readonly flags: Readonly<Record<string, FlagResult>>;
  readonly segments: readonly SegmentResult[];
}
