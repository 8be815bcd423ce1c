import { type Static, type TSchema, Type } from 'typebox';

/**
 * The parts of a Flagsmith environment document (spec §2.1, what GET /api/v1/environment-document/ returns) that
 * an import reads. Extra fields are allowed and ignored, so a document can be posted exactly as downloaded.
 */
const Scalar = Type.Unsafe<string | number | boolean | null>({
  type: ['string', 'number', 'boolean', 'null'],
});
const Id = Type.Unsafe<number | null>({ type: ['integer', 'null'] });

const MvValue = Type.Object({
  id: Type.Optional(Id),
  percentage_allocation: Type.Number({ minimum: 0, maximum: 100 }),
  multivariate_feature_option: Type.Object({
    id: Type.Optional(Id),
    value: Scalar,
    key: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
  }),
});

export const DocFeatureState = Type.Object({
  feature: Type.Object({
    id: Type.Optional(Id),
    name: Type.String({ minLength: 1, maxLength: 2000 }),
    type: Type.Optional(Type.String()),
  }),
  enabled: Type.Boolean(),
  feature_state_value: Type.Optional(Scalar),
  django_id: Type.Optional(Id),
  id: Type.Optional(Id),
  feature_segment: Type.Optional(Type.Union([Type.Object({ priority: Type.Optional(Id) }), Type.Null()])),
  multivariate_feature_state_values: Type.Optional(Type.Array(MvValue)),
});

const Condition = Type.Object({
  operator: Type.String(),
  property_: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
  property: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
  value: Type.Optional(Scalar),
});

function rule(depth: number): TSchema {
  return Type.Object({
    type: Type.Union([Type.Literal('ALL'), Type.Literal('ANY'), Type.Literal('NONE')]),
    conditions: Type.Optional(Type.Array(Condition)),
    rules: Type.Optional(
      depth > 1 ? Type.Array(rule(depth - 1)) : Type.Array(Type.Unknown(), { maxItems: 0 }),
    ),
  });
}

export const DocSegment = Type.Object({
  id: Type.Optional(Id),
  name: Type.String({ minLength: 1, maxLength: 2000 }),
  rules: Type.Array(rule(8)),
  feature_states: Type.Optional(Type.Array(DocFeatureState)),
});

const Flag = Type.Optional(Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] }));

export const EnvironmentDocument = Type.Object(
  {
    api_key: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    allow_client_traits: Flag,
    hide_sensitive_data: Flag,
    hide_disabled_flags: Flag,
    use_identity_composite_key_for_hashing: Flag,
    use_identity_overrides_in_local_eval: Flag,
    project: Type.Optional(Type.Object({ segments: Type.Optional(Type.Array(DocSegment)) })),
    feature_states: Type.Array(DocFeatureState),
    identity_overrides: Type.Optional(
      Type.Array(
        Type.Object({
          identifier: Type.String({ minLength: 1, maxLength: 2000 }),
          dashboard_alias: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'] })),
          identity_features: Type.Array(DocFeatureState),
        }),
      ),
    ),
  },
  { description: 'A Flagsmith environment document, as GET /api/v1/environment-document/ returns it' },
);

export type EnvironmentDocumentWire = Static<typeof EnvironmentDocument>;
export type DocFeatureStateWire = Static<typeof DocFeatureState>;
export type DocSegmentWire = Static<typeof DocSegment>;
export interface DocRuleWire {
  type: 'ALL' | 'ANY' | 'NONE';
  conditions?: {
    operator: string;
    property_?: string | null;
    property?: string | null;
    value?: string | number | boolean | null;
  }[];
  rules?: DocRuleWire[];
}

export const ImportResult = Type.Object({
  environment: Type.String({ description: 'the client API key imported into' }),
  features_created: Type.Integer(),
  features_updated: Type.Integer(),
  multivariate_options_created: Type.Integer(),
  segments_created: Type.Integer(),
  segments_updated: Type.Integer(),
  segment_overrides: Type.Integer(),
  identities_created: Type.Integer(),
  identity_overrides: Type.Integer(),
  duration_ms: Type.Integer(),
});
export type ImportResultWire = Static<typeof ImportResult>;
