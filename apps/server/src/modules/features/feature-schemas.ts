import { Type } from 'typebox';
import { FlagValue, iso, NullableInteger, NullableString } from '../../http/wire.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { MvValueInput } from './feature-state-store.ts';
import type { MvOptionRow } from './feature-store.ts';
import type { Feature, FeatureState, MvOptionInput } from './feature-types.ts';
import {
  fromStored,
  objectToStored,
  toStored,
  toValueObject,
  type FlagValue as Value,
} from './feature-values.ts';
import type { StateChange } from './state-writer.ts';

// ---- multivariate options

export const MvOptionJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  type: Type.String({ description: 'unicode, int or bool' }),
  integer_value: NullableInteger(),
  string_value: NullableString(),
  boolean_value: Type.Union([Type.Boolean(), Type.Null()]),
  default_percentage_allocation: Type.Number(),
  feature: Type.Integer(),
  key: NullableString(),
});

export const mvOptionJson = (o: MvOptionRow) => ({
  id: o.id,
  uuid: o.uuid,
  type: o.type,
  integer_value: o.integer_value,
  string_value: o.string_value,
  boolean_value: o.boolean_value,
  default_percentage_allocation: o.default_percentage_allocation,
  feature: o.feature_id,
  key: o.key,
});

export const MvOptionBody = Type.Object({
  type: Type.Optional(Type.Union([Type.Literal('unicode'), Type.Literal('int'), Type.Literal('bool')])),
  string_value: Type.Optional(NullableString()),
  integer_value: Type.Optional(NullableInteger()),
  boolean_value: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  default_percentage_allocation: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  key: Type.Optional(NullableString({ maxLength: 100 })),
  feature: Type.Optional(Type.Integer()),
});

type MvOptionBodyWire = {
  type?: 'unicode' | 'int' | 'bool';
  string_value?: string | null;
  integer_value?: number | null;
  boolean_value?: boolean | null;
  default_percentage_allocation?: number;
  key?: string | null;
};

export function mvOptionInput(b: MvOptionBodyWire): MvOptionInput {
  return {
    type: b.type ?? (b.integer_value != null ? 'int' : b.boolean_value != null ? 'bool' : 'unicode'),
    stringValue: b.string_value ?? null,
    integerValue: b.integer_value ?? null,
    booleanValue: b.boolean_value ?? null,
    defaultPercentageAllocation: b.default_percentage_allocation ?? 100,
    key: b.key ?? null,
  };
}

export function mvOptionPatch(b: MvOptionBodyWire): Partial<MvOptionInput> {
  const out: Partial<MvOptionInput> = {};
  if (b.type !== undefined) out.type = b.type;
  if (b.string_value !== undefined) out.stringValue = b.string_value;
  if (b.integer_value !== undefined) out.integerValue = b.integer_value;
  if (b.boolean_value !== undefined) out.booleanValue = b.boolean_value;
  if (b.default_percentage_allocation !== undefined)
    out.defaultPercentageAllocation = b.default_percentage_allocation;
  if (b.key !== undefined) out.key = b.key;
  return out;
}

// ---- feature states

const MvValueJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  multivariate_feature_option: Type.Integer(),
  percentage_allocation: Type.Number(),
});

const stateFields = {
  id: Type.Integer(),
  uuid: Type.String(),
  feature: Type.Integer(),
  environment: Type.Integer(),
  identity: NullableInteger(),
  feature_segment: NullableInteger(),
  enabled: Type.Boolean(),
  multivariate_feature_state_values: Type.Array(MvValueJson),
  created_at: Type.String(),
  updated_at: Type.String(),
  live_from: Type.String(),
  version: Type.Integer(),
  change_request: Type.Null(),
  environment_feature_version: Type.Null(),
};

/** `environments/{key}/featurestates/` and identity overrides: the value as plain JSON. */
export const StateJson = Type.Object({ ...stateFields, feature_state_value: FlagValue() });

/** `features/featurestates/`: the value as Flagsmith's nested FeatureStateValue object. */
export const StateObjectJson = Type.Object({
  ...stateFields,
  feature_state_value: Type.Object({
    type: Type.String(),
    string_value: NullableString(),
    integer_value: NullableInteger(),
    boolean_value: Type.Union([Type.Boolean(), Type.Null()]),
  }),
});

function stateBase(s: FeatureState) {
  return {
    id: s.id,
    uuid: s.uuid,
    feature: s.feature_id,
    environment: s.environment_id,
    identity: s.identity_id,
    feature_segment: s.feature_segment_id,
    enabled: s.enabled,
    multivariate_feature_state_values: s.mvValues.map((v) => ({
      id: v.id,
      uuid: v.uuid,
      multivariate_feature_option: v.multivariate_option_id,
      percentage_allocation: v.percentage_allocation,
    })),
    created_at: iso(s.created_at),
    updated_at: iso(s.updated_at),
    live_from: iso(s.created_at),
    version: 1,
    change_request: null,
    environment_feature_version: null,
  };
}

export const stateJson = (s: FeatureState) => ({ ...stateBase(s), feature_state_value: fromStored(s) });
export const stateObjectJson = (s: FeatureState) => ({
  ...stateBase(s),
  feature_state_value: toValueObject(s),
});

const MvValueBody = Type.Object({
  id: Type.Optional(Type.Integer()),
  multivariate_feature_option: Type.Integer(),
  percentage_allocation: Type.Number({ minimum: 0, maximum: 100 }),
});

/** A state change as clients send it; extra fields (the rest of a GET response sent back) are ignored. */
export const StateBody = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  feature_state_value: Type.Optional(
    Type.Unknown({
      description: 'plain value (string, integer, boolean, null) or {type, string_value, ...}',
    }),
  ),
  multivariate_feature_state_values: Type.Optional(Type.Array(MvValueBody, { maxItems: 100 })),
});

type StateBodyWire = {
  enabled?: boolean;
  feature_state_value?: unknown;
  multivariate_feature_state_values?: {
    multivariate_feature_option: number;
    percentage_allocation: number;
  }[];
};

/** Reads a value in either wire form (plain JSON, or the nested object `features/featurestates/` uses). */
export function parseValue(v: unknown) {
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) throw ValidationError.field('feature_state_value', 'Expected a value, not a list.');
    return objectToStored(v as Record<string, never>);
  }
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return toStored(v as Value);
  throw ValidationError.field('feature_state_value', 'Invalid value.');
}

export function stateChange(b: StateBodyWire): StateChange {
  const change: StateChange = {};
  if (b.enabled !== undefined) change.enabled = b.enabled;
  if (b.feature_state_value !== undefined) change.value = parseValue(b.feature_state_value);
  if (b.multivariate_feature_state_values !== undefined) {
    change.mvValues = b.multivariate_feature_state_values.map(
      (v): MvValueInput => ({
        optionId: v.multivariate_feature_option,
        percentageAllocation: v.percentage_allocation,
      }),
    );
  }
  return change;
}

// ---- features

export const FeatureJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  type: Type.String({ description: 'STANDARD or MULTIVARIATE' }),
  default_enabled: Type.Boolean(),
  initial_value: NullableString(),
  created_date: Type.String(),
  description: NullableString(),
  tags: Type.Array(Type.Integer()),
  multivariate_options: Type.Array(MvOptionJson),
  is_archived: Type.Boolean(),
  owners: Type.Array(
    Type.Object({
      id: Type.Integer(),
      email: Type.String(),
      first_name: Type.String(),
      last_name: Type.String(),
    }),
  ),
  group_owners: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
  project: Type.Integer(),
  is_server_key_only: Type.Boolean(),
  metadata: Type.Array(Type.Unknown()),
  num_segment_overrides: NullableInteger({ description: 'in the environment given by ?environment=' }),
  num_identity_overrides: NullableInteger({ description: 'in the environment given by ?environment=' }),
  environment_feature_state: Type.Union([StateJson, Type.Null()]),
});

export function featureJson(
  f: Feature,
  extra: {
    state?: FeatureState | undefined;
    counts?: { segments: number; identities: number } | undefined;
  } = {},
) {
  return {
    id: f.id,
    uuid: f.uuid,
    name: f.name,
    type: f.type,
    default_enabled: f.default_enabled,
    initial_value: f.initial_value,
    created_date: iso(f.created_date),
    description: f.description,
    tags: f.tags,
    multivariate_options: f.options.map(mvOptionJson),
    is_archived: f.is_archived,
    owners: f.owners,
    group_owners: [],
    project: f.project_id,
    is_server_key_only: f.is_server_key_only,
    metadata: [],
    num_segment_overrides: extra.counts?.segments ?? null,
    num_identity_overrides: extra.counts?.identities ?? null,
    environment_feature_state: extra.state ? stateJson(extra.state) : null,
  };
}

const featureFields = {
  type: Type.Optional(Type.Union([Type.Literal('STANDARD'), Type.Literal('MULTIVARIATE')])),
  initial_value: Type.Optional(
    Type.Unknown({ description: 'string (typed by content), or a number/boolean' }),
  ),
  default_enabled: Type.Optional(Type.Boolean()),
  description: Type.Optional(NullableString({ maxLength: 20_000 })),
  is_archived: Type.Optional(Type.Boolean()),
  is_server_key_only: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Type.Array(Type.Integer(), { maxItems: 100 })),
  owners: Type.Optional(Type.Array(Type.Integer(), { maxItems: 100 })),
  multivariate_options: Type.Optional(Type.Array(MvOptionBody, { maxItems: 100 })),
  project: Type.Optional(Type.Integer()),
};
const FeatureName = Type.String({ minLength: 1, maxLength: 2000 });
export const FeatureCreateBody = Type.Object({ ...featureFields, name: FeatureName });
export const FeaturePatchBody = Type.Object({ ...featureFields, name: Type.Optional(FeatureName) });

/** `initial_value` is a string in Flagsmith's model; a JSON number or boolean is taken as its text. */
export function initialValueOf(v: unknown): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw ValidationError.field('initial_value', 'Expected a string.');
}
