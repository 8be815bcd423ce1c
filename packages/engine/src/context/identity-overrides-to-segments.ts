import { compareStrings } from '../python/py-compare.ts';
import { pyStrAny } from '../python/py-str.ts';
import type { FeatureContext, SegmentContext } from './evaluation-context.ts';
import {
  featureStateName,
  featureStateToFeatureContext,
  type MetadataCache,
} from './feature-state-to-feature-context.ts';
import { isRecord } from './resolve-property.ts';

/**
 * The name of every identity-override segment (spec §3.9: reason `TARGETING_MATCH; segment=identity_overrides`).
 *
 * @example
 * ```ts
 * const overridden = flag.reason === `TARGETING_MATCH; segment=${IDENTITY_OVERRIDES_SEGMENT_NAME}`;
 * ```
 */
export const IDENTITY_OVERRIDES_SEGMENT_NAME = 'identity_overrides';

/**
 * Segment metadata `source` of identity-override segments, so consumers can tell them from API segments.
 *
 * @example
 * ```ts
 * const apiSegments = result.segments.filter((s) => s.metadata?.source !== IDENTITY_OVERRIDES_SOURCE);
 * ```
 */
export const IDENTITY_OVERRIDES_SOURCE = 'identity_overrides';

/**
 * Flagsmith parity (spec §2.3, Python SDK and flag_engine mappers): identity overrides become synthetic segments.
 * Identities whose overrides (sorted by feature name) have the same feature id, name, enabled and value share one
 * segment `identity_overrides` whose only rule is `$.identity.identifier IN [identifiers]` (an array, so
 * identifiers may contain commas). Each override has priority -Infinity (it beats every segment override), key ""
 * and no variants, and metadata `{id: feature.id}`. Segment keys `identity_overrides.<n>` are not integer-like, so
 * these segments come after the API segments in iteration order.
 */
export function identityOverridesToSegments(
  identityOverrides: unknown,
  metadata: MetadataCache,
): Record<string, SegmentContext> {
  const groups = new Map<string, { identifiers: string[]; overrides: FeatureContext[] }>();
  for (const identity of Array.isArray(identityOverrides) ? identityOverrides : []) {
    if (!isRecord(identity) || typeof identity.identifier !== 'string') continue;
    const states = (Array.isArray(identity.identity_features) ? identity.identity_features : [])
      .map((state) => ({ state, name: featureStateName(state) }))
      .filter((entry): entry is { state: Record<string, unknown>; name: string } => entry.name !== undefined)
      .sort((a, b) => compareStrings(a.name, b.name));
    if (states.length === 0) continue;
    const overrides = states.map(({ state, name }) =>
      featureStateToFeatureContext(state, name, {
        key: '',
        priority: Number.NEGATIVE_INFINITY,
        withVariants: false,
        metadata,
      }),
    );
    const groupKey = overrides
      .map((o) =>
        [o.metadata?.id, o.name, o.enabled, o.value].map((v) => `${typeof v}:${pyStrAny(v)}`).join('\u0000'),
      )
      .join('\u0001');
    const group = groups.get(groupKey);
    if (group) group.identifiers.push(identity.identifier);
    else groups.set(groupKey, { identifiers: [identity.identifier], overrides });
  }
  const segments: Record<string, SegmentContext> = {};
  let index = 0;
  for (const { identifiers, overrides } of groups.values()) {
    segments[`identity_overrides.${index++}`] = {
      key: '',
      name: IDENTITY_OVERRIDES_SEGMENT_NAME,
      rules: [
        {
          type: 'ALL',
          conditions: [{ property: '$.identity.identifier', operator: 'IN', value: identifiers }],
        },
      ],
      overrides,
      metadata: Object.freeze({ source: IDENTITY_OVERRIDES_SOURCE }),
    };
  }
  return segments;
}
