// The evaluation context (shared/flagsmith-schemas/evaluation-context.json, spec §2.2).

/**
 * A trait or feature value: the JSON scalars.
 *
 * @example
 * ```ts
 * const values: ContextScalar[] = ['beta', 30, 1.5, true, null];
 * ```
 */
export type ContextScalar = string | number | boolean | null;

/**
 * The environment being evaluated. `name` is visible to conditions as `$.environment.name`.
 *
 * @example
 * ```ts
 * const environment: EnvironmentContext = { key: 'n9fbf9h3v4fFgH3U3ngWhb', name: 'Production' };
 * ```
 */
export interface EnvironmentContext {
  /** The client-side environment key; part of the default identity key. */
  readonly key: string;
  readonly name: string;
}

/**
 * The identity being evaluated.
 *
 * @example
 * ```ts
 * const identity: IdentityContext = { identifier: 'user-123', traits: { plan: 'beta' } };
 * ```
 */
export interface IdentityContext {
  /** The identifier as shown in Flagsmith (`$.identity.identifier`). */
  readonly identifier: string;
  /**
   * The hashing key for percentage splits and multivariate bucketing (`$.identity.key`). When empty or missing,
   * the engine uses `"<environment key>_<identifier>"` (spec §3.2). Never recomputed when set.
   */
  readonly key?: string;
  readonly traits?: Readonly<Record<string, ContextScalar>>;
}

/**
 * One multivariate variant of a feature.
 *
 * @example
 * ```ts
 * const variant: FeatureValue = { value: 'bar', weight: 30, priority: 3402, key: 'variant_bar' };
 * ```
 */
export interface FeatureValue {
  readonly value: ContextScalar;
  /** Percentage (0–100) of identities that get this variant. */
  readonly weight: number;
  /** Variants are laid out by ascending priority (lower first). */
  readonly priority: number;
  /** Stable variant key, reported as the flag's `variant`; omitted when the variant has none. */
  readonly key?: string;
}

/**
 * A feature, or a segment's override of it.
 *
 * @example
 * ```ts
 * const feature: FeatureContext = { key: '78978', name: 'new_ui', enabled: true, value: 'on', metadata: { id: 15058 } };
 * ```
 */
export interface FeatureContext {
  /** Multivariate hashing seed (the feature state's django_id or UUID). */
  readonly key: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly value: ContextScalar;
  readonly variants?: readonly FeatureValue[];
  /**
   * Segment-override priority: lower wins, missing is weakest (spec §3.1). Identity overrides use -Infinity,
   * which JSON cannot carry (JSON.stringify writes null): keep contexts in memory, or restore it after parsing.
   */
  readonly priority?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * The fourteen condition operators.
 *
 * @example
 * ```ts
 * const operator: ConditionOperator = 'PERCENTAGE_SPLIT';
 * ```
 */
export type ConditionOperator =
  | 'EQUAL'
  | 'GREATER_THAN'
  | 'LESS_THAN'
  | 'LESS_THAN_INCLUSIVE'
  | 'CONTAINS'
  | 'GREATER_THAN_INCLUSIVE'
  | 'NOT_CONTAINS'
  | 'NOT_EQUAL'
  | 'REGEX'
  | 'PERCENTAGE_SPLIT'
  | 'MODULO'
  | 'IS_SET'
  | 'IS_NOT_SET'
  | 'IN';

/**
 * A segment condition. `property` is a trait key or a `$.` JSONPath over the context.
 *
 * @example
 * ```ts
 * const byPlan: SegmentCondition = { property: 'plan', operator: 'IN', value: ['beta', 'pro'] };
 * const byVersion: SegmentCondition = { property: 'app_version', operator: 'GREATER_THAN', value: '2.0.0:semver' };
 * ```
 */
export type SegmentCondition =
  | { readonly property: string; readonly operator: ConditionOperator; readonly value: string }
  | { readonly property: string; readonly operator: 'IN'; readonly value: readonly string[] };

/**
 * A rule: its type applies to its conditions and, separately, to its sub-rules; both parts must hold.
 *
 * @example
 * ```ts
 * const rule: SegmentRule = { type: 'NONE', conditions: [{ property: 'country', operator: 'EQUAL', value: 'FR' }] };
 * ```
 */
export interface SegmentRule {
  readonly type: 'ALL' | 'ANY' | 'NONE';
  readonly conditions?: readonly SegmentCondition[];
  readonly rules?: readonly SegmentRule[];
}

/**
 * A segment: matches when it has rules and all of them hold.
 *
 * @example
 * ```ts
 * const segment: SegmentContext = {
 *   key: '16',
 *   name: 'beta users',
 *   rules: [{ type: 'ALL', conditions: [{ property: 'plan', operator: 'EQUAL', value: 'beta' }] }],
 *   overrides: [{ key: '81027', name: 'new_ui', enabled: true, value: 'on', priority: 0 }],
 * };
 * ```
 */
export interface SegmentContext {
  /** Hashing key for PERCENTAGE_SPLIT conditions. */
  readonly key: string;
  readonly name: string;
  readonly rules: readonly SegmentRule[];
  readonly overrides?: readonly FeatureContext[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Everything the engine evaluates: an environment, optionally an identity, segments and features.
 *
 * @example
 * ```ts
 * const context: EvaluationContext = {
 *   environment: { key: 'n9fbf9h3v4fFgH3U3ngWhb', name: 'Production' },
 *   identity: { identifier: 'user-123', traits: { plan: 'beta' } },
 *   features: { new_ui: { key: '78978', name: 'new_ui', enabled: false, value: 'off' } },
 * };
 * getEvaluationResult(context);
 * ```
 */
export interface EvaluationContext {
  readonly environment: EnvironmentContext;
  readonly identity?: IdentityContext | null;
  readonly segments?: Readonly<Record<string, SegmentContext>>;
  readonly features?: Readonly<Record<string, FeatureContext>>;
}
