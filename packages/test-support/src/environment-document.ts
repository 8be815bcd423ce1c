/** A generated document: plain JSON that tests read and mutate freely, so deliberately untyped. */
// biome-ignore lint/suspicious/noExplicitAny: test data poked at by tests; the server validates it.
export type GeneratedDocument = any;

/**
 * A Flagsmith environment document (spec §2.1) for import tests: `features` features (every fifth multivariate),
 * `segments` segments with nested rules, segment overrides spread over them with explicit and missing
 * priorities, and identity overrides. Deterministic for a given size.
 *
 * @example
 * const doc = environmentDocument({ features: 12, segments: 4, identities: 5 });
 * await fetch(`${base}/api/v1/environments/${key}/import-document/`, { method: 'POST', body: JSON.stringify(doc) });
 */
export function environmentDocument(size: {
  features: number;
  segments: number;
  identities: number;
  /** Segment overrides in all; default: each segment overrides every third feature. */
  overrides?: number;
}): GeneratedDocument {
  const features = Array.from({ length: size.features }, (_, i) => ({
    id: 1000 + i,
    name: `imported_${i}`,
    type: i % 5 === 0 ? 'MULTIVARIATE' : 'STANDARD',
  }));
  let next = 1;
  const state = (
    f: (typeof features)[number],
    value: string | number | boolean | null,
    priority?: number | null,
  ) => ({
    feature: f,
    enabled: next % 2 === 0,
    django_id: 50_000 + next,
    featurestate_uuid: `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`,
    feature_state_value: value,
    feature_segment: priority === undefined ? null : { priority },
    multivariate_feature_state_values:
      f.type === 'MULTIVARIATE'
        ? [
            {
              id: next++,
              percentage_allocation: 30,
              multivariate_feature_option: { id: 9000 + f.id, value: 'variant-a' },
            },
            {
              id: next++,
              percentage_allocation: 20,
              multivariate_feature_option: { id: 9500 + f.id, value: 7 },
            },
          ]
        : [],
  });
  // Which features segment `s` overrides: every third by default, or `overrides` pairs spread round-robin.
  const overridden = (s: number) => {
    const total = size.overrides;
    if (total === undefined) return features.filter((_, i) => (i + s) % 3 === 0);
    const out: (typeof features)[number][] = [];
    for (let k = s, j = 0; k < total; k += size.segments, j++) {
      out.push(features[(j + s * 7) % size.features] as (typeof features)[number]);
    }
    return out;
  };
  const segments = Array.from({ length: size.segments }, (_, s) => ({
    id: 100 + s,
    name: `imported_segment_${s}`,
    rules: [
      {
        type: 'ALL',
        conditions: [],
        rules: [
          {
            type: 'ANY',
            rules: [],
            conditions: [{ operator: 'EQUAL', property_: 'plan', value: `plan-${s}` }],
          },
          {
            type: 'NONE',
            rules: [],
            conditions: [{ operator: 'PERCENTAGE_SPLIT', property_: null, value: '50' }],
          },
        ],
      },
    ],
    feature_states: overridden(s).map((f, i) => state(f, `segment-${s}`, i % 2 === 0 ? s : null)),
  }));
  return {
    id: 1,
    api_key: 'flagsmithSourceKey0001',
    name: 'Imported',
    allow_client_traits: false,
    hide_sensitive_data: false,
    hide_disabled_flags: null,
    use_identity_composite_key_for_hashing: true,
    use_identity_overrides_in_local_eval: true,
    project: {
      id: 1,
      name: 'Source',
      hide_disabled_flags: false,
      segments,
      organisation: { id: 1, name: 'Org' },
    },
    feature_states: features.map((f, i) =>
      state(f, i % 3 === 0 ? `value-${i}` : i % 3 === 1 ? i : i % 2 === 0),
    ),
    identity_overrides: Array.from({ length: size.identities }, (_, i) => ({
      identifier: `imported-user-${i}`,
      identity_uuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      environment_api_key: 'flagsmithSourceKey0001',
      identity_traits: [],
      identity_features: [state(features[i % size.features] as (typeof features)[number], `identity-${i}`)],
    })),
  };
}
