// Wire types of the admin API (GET /api/v1/openapi.json), limited to the fields the dashboard reads.

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type FlagValue = string | number | boolean | null;

export interface User {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  last_login: string | null;
  date_joined: string;
}

export interface Organisation {
  id: number;
  name: string;
  role: string;
}

export interface Project {
  id: number;
  name: string;
  organisation: number;
  max_features_allowed: number;
  max_segments_allowed: number;
  max_segment_overrides_allowed: number;
  total_features: number;
  total_segments: number;
}

export interface Environment {
  id: number;
  name: string;
  api_key: string;
  description: string | null;
  project: number;
  allow_client_traits: boolean;
}

export interface ServerKey {
  id: number;
  key: string;
  name: string;
  active: boolean;
  created_at: string;
  expires_at: string | null;
}

export interface LimitUsage {
  name: string;
  limit: number;
  usage: number;
}

export interface Tag {
  id: number;
  label: string;
  color: string;
  description: string | null;
}

export interface MvOption {
  id: number;
  type: string;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
  default_percentage_allocation: number;
  key: string | null;
}

export interface MvStateValue {
  id?: number;
  multivariate_feature_option: number;
  percentage_allocation: number;
}

export interface FeatureState {
  id: number;
  feature: number;
  environment: number;
  identity: number | null;
  feature_segment: number | null;
  enabled: boolean;
  feature_state_value: FlagValue;
  multivariate_feature_state_values: MvStateValue[];
  updated_at: string;
}

export interface Feature {
  id: number;
  name: string;
  type: 'STANDARD' | 'MULTIVARIATE' | string;
  default_enabled: boolean;
  initial_value: string | null;
  created_date: string;
  description: string | null;
  tags: number[];
  multivariate_options: MvOption[];
  is_archived: boolean;
  is_server_key_only: boolean;
  project: number;
  num_segment_overrides: number | null;
  num_identity_overrides: number | null;
  environment_feature_state: FeatureState | null;
}

export const OPERATORS = [
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_INCLUSIVE',
  'LESS_THAN',
  'LESS_THAN_INCLUSIVE',
  'CONTAINS',
  'NOT_CONTAINS',
  'IN',
  'REGEX',
  'PERCENTAGE_SPLIT',
  'MODULO',
  'IS_SET',
  'IS_NOT_SET',
] as const;
export type Operator = (typeof OPERATORS)[number];
export type RuleType = 'ALL' | 'ANY' | 'NONE';

export interface Condition {
  operator: Operator;
  property: string | null;
  value: string | null;
  description?: string | null;
}

export interface Rule {
  type: RuleType;
  conditions: Condition[];
  rules: Rule[];
}

export interface Segment {
  id: number;
  name: string;
  description: string | null;
  project: number;
  feature: number | null;
  rules: Rule[];
  updated_at: string;
}

export interface FeatureSegment {
  id: number;
  feature: number;
  segment: number;
  environment: number;
  priority: number;
  segment_name: string;
}

export interface Identity {
  id: number;
  identifier: string;
  environment: number;
  created_date: string;
  dashboard_alias: string | null;
}

export interface Trait {
  id: number;
  trait_key: string;
  trait_value: FlagValue;
  value_type: string;
}

export interface IdentityFlag {
  feature: { id: number; name: string; type: string };
  enabled: boolean;
  feature_state_value: FlagValue;
  overridden_by: string | null;
  segment: { id: number; name: string } | null;
}

export interface AuditEntry {
  id: number;
  created_date: string;
  log: string;
  author: { id: number; email: string; first_name: string; last_name: string } | null;
  master_api_key: { id: number; prefix: string; name: string } | null;
  environment: { id: number; name: string; api_key: string } | null;
  project: { id: number; name: string } | null;
  related_object_id: number | null;
  related_object_type: string;
  is_system_event: boolean;
}

export interface AuditDetail extends AuditEntry {
  change_type: string;
  before: unknown;
  after: unknown;
  change_details: { field: string; old: unknown; new: unknown }[];
}

/** Flagsmith's SDK answer for `POST /api/v1/identities/`. */
export interface SdkIdentityResponse {
  flags: { feature: { id: number; name: string }; enabled: boolean; feature_state_value: FlagValue }[];
}
