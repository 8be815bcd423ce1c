// The SDK environment document (GET /api/v1/environment-document/, spec §2.1). Only the fields the engine reads
// are typed; every one is optional because the published OpenAPI schema requires only a few and documents from
// older servers or the Edge API omit some. Unknown fields are allowed and ignored.

import type { ContextScalar } from './evaluation-context.ts';

/**
 * The feature of a feature state.
 *
 * @example
 * ```ts
 * const feature: DocumentFeature = { id: 15058, name: 'string_feature', type: 'STANDARD' };
 * ```
 */
export interface DocumentFeature {
  readonly id?: number | string | null;
  readonly name?: string | null;
  readonly type?: string | null;
  readonly [field: string]: unknown;
}

/**
 * One multivariate value of a feature state: an option and the percentage of identities that get it.
 *
 * @example
 * ```ts
 * const value: DocumentMultivariateValue = {
 *   id: 3402,
 *   mv_fs_value_uuid: '42d5cdf9-8ec9-4b8d-a3ca-fd43c64d5f05',
 *   percentage_allocation: 30,
 *   multivariate_feature_option: { id: 7, value: 'bar', key: 'variant_bar' },
 * };
 * ```
 */
export interface DocumentMultivariateValue {
  readonly id?: number | null;
  readonly mv_fs_value_uuid?: string | null;
  readonly percentage_allocation?: number | null;
  readonly multivariate_feature_option?: {
    readonly id?: number | null;
    readonly value?: ContextScalar;
    readonly key?: string | null;
  } | null;
  readonly [field: string]: unknown;
}

/**
 * A feature state: an environment default, a segment override (with `feature_segment.priority`) or an identity
 * override.
 *
 * @example
 * ```ts
 * const state: DocumentFeatureState = {
 *   feature: { id: 15058, name: 'string_feature', type: 'STANDARD' },
 *   enabled: true,
 *   django_id: 81027,
 *   featurestate_uuid: 'dd77a1ab-08cf-4743-8a3b-19e730444a14',
 *   feature_state_value: 'foo',
 *   feature_segment: { priority: 0 },
 *   multivariate_feature_state_values: [],
 * };
 * ```
 */
export interface DocumentFeatureState {
  readonly feature?: DocumentFeature | null;
  readonly enabled?: boolean | null;
  /** The multivariate hashing seed; preferred over `featurestate_uuid` as the feature key (spec §2.3). */
  readonly django_id?: number | string | null;
  readonly featurestate_uuid?: string | null;
  readonly feature_state_value?: ContextScalar;
  readonly feature_segment?: { readonly priority?: number | null } | null;
  readonly multivariate_feature_state_values?: readonly DocumentMultivariateValue[] | null;
  readonly [field: string]: unknown;
}

/**
 * A segment condition as the document writes it.
 *
 * @example
 * ```ts
 * const condition: DocumentCondition = { operator: 'EQUAL', property_: 'plan', value: 'beta' };
 * ```
 */
export interface DocumentCondition {
  readonly operator?: string | null;
  /** Note the trailing underscore: the document says `property_`, the context says `property`. */
  readonly property_?: string | null;
  readonly value?: string | null;
  readonly [field: string]: unknown;
}

/**
 * A segment rule: ALL, ANY or NONE over its conditions and, separately, over its sub-rules.
 *
 * @example
 * ```ts
 * const rule: DocumentRule = {
 *   type: 'ALL',
 *   conditions: [],
 *   rules: [{ type: 'ANY', rules: [], conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'beta' }] }],
 * };
 * ```
 */
export interface DocumentRule {
  readonly type?: string | null;
  readonly rules?: readonly DocumentRule[] | null;
  readonly conditions?: readonly DocumentCondition[] | null;
  readonly [field: string]: unknown;
}

/**
 * A segment with this environment's overrides.
 *
 * @example
 * ```ts
 * const segment: DocumentSegment = { id: 16, name: 'beta', rules: [], feature_states: [] };
 * ```
 */
export interface DocumentSegment {
  readonly id?: number | string | null;
  readonly name?: string | null;
  readonly rules?: readonly DocumentRule[] | null;
  readonly feature_states?: readonly DocumentFeatureState[] | null;
  readonly [field: string]: unknown;
}

/**
 * An identity with overrides (only its identifier and overrides matter to the engine).
 *
 * @example
 * ```ts
 * const identity: DocumentIdentityOverride = { identifier: 'overridden-id', identity_features: [] };
 * ```
 */
export interface DocumentIdentityOverride {
  readonly identifier?: string | null;
  readonly identity_features?: readonly DocumentFeatureState[] | null;
  readonly [field: string]: unknown;
}

/**
 * An environment document as served by Flagsmith (or Vexil) to server-side SDKs (spec §2.1).
 *
 * @example
 * ```ts
 * const document: EnvironmentDocument = JSON.parse(await response.text());
 * compileEnvironment(document).evaluate({ identifier: 'user-123' });
 * ```
 */
export interface EnvironmentDocument {
  /** The client-side environment key. */
  readonly api_key?: string | null;
  readonly name?: string | null;
  readonly project?: {
    readonly segments?: readonly DocumentSegment[] | null;
    readonly [field: string]: unknown;
  } | null;
  readonly feature_states?: readonly DocumentFeatureState[] | null;
  readonly identity_overrides?: readonly DocumentIdentityOverride[] | null;
  readonly [field: string]: unknown;
}
