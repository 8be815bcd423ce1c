import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Flag, Id, Timestamp, Uuid } from './schema-columns.ts';
import type {
  EnvironmentDocumentsTable,
  FeatureEvaluationCountsTable,
  HealthChecksTable,
  MigrationsTable,
  TaskSchedulesTable,
  TasksTable,
} from './schema-runtime.ts';

export type {
  EnvironmentDocumentsTable,
  FeatureEvaluationCountsTable,
  HealthChecksTable,
  MigrationsTable,
  TaskSchedulesTable,
  TaskState,
  TasksTable,
} from './schema-runtime.ts';

/**
 * Kysely's view of the tables. Each migration that adds or changes a table updates this file (or schema-runtime.ts)
 * in the same commit;
 * the typecheck and the database tests (which run real queries on the migrated schema) catch drift.
 */
export interface Schema {
  vexil_migrations: MigrationsTable;
  vexil_health_checks: HealthChecksTable;
  organisations: OrganisationsTable;
  master_api_keys: MasterApiKeysTable;
  users: UsersTable;
  user_organisations: UserOrganisationsTable;
  auth_tokens: AuthTokensTable;
  invite_links: InviteLinksTable;
  projects: ProjectsTable;
  environments: EnvironmentsTable;
  environment_api_keys: EnvironmentApiKeysTable;
  environment_documents: EnvironmentDocumentsTable;
  feature_evaluation_counts: FeatureEvaluationCountsTable;
  features: FeaturesTable;
  feature_owners: FeatureOwnersTable;
  multivariate_options: MultivariateOptionsTable;
  tags: TagsTable;
  feature_tags: FeatureTagsTable;
  segments: SegmentsTable;
  segment_rules: SegmentRulesTable;
  segment_conditions: SegmentConditionsTable;
  identities: IdentitiesTable;
  traits: TraitsTable;
  feature_segments: FeatureSegmentsTable;
  feature_states: FeatureStatesTable;
  feature_state_mv_values: FeatureStateMvValuesTable;
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  organisation_user_permissions: OrganisationUserPermissionsTable;
  organisation_group_permissions: OrganisationGroupPermissionsTable;
  project_user_permissions: ProjectUserPermissionsTable;
  project_group_permissions: ProjectGroupPermissionsTable;
  environment_user_permissions: EnvironmentUserPermissionsTable;
  environment_group_permissions: EnvironmentGroupPermissionsTable;
  audit_log: AuditLogTable;
  vexil_tasks: TasksTable;
  vexil_task_schedules: TaskSchedulesTable;
}

export interface OrganisationsTable {
  id: Generated<number>;
  uuid: Generated<string>;
  name: string;
  created_date: CreatedAt;
  persist_trait_data: Generated<boolean>;
  stop_serving_flags: Generated<boolean>;
  feature_analytics: Generated<boolean>;
  restrict_project_create_to_admin: Generated<boolean>;
  webhook_notification_email: string | null;
}

export interface MasterApiKeysTable {
  id: Generated<number>;
  organisation_id: number;
  name: string;
  /** The part before the first '.', or the first 8 characters: finds the row; the hash proves the key. */
  prefix: string;
  key_hash: string;
  created: CreatedAt;
  expiry_date: Date | null;
  revoked: Generated<boolean>;
  is_admin: Generated<boolean>;
}

/** Stored `'unicode' | 'int' | 'bool'` (and `'float'` for traits): Flagsmith's value types. */
export type ValueType = 'unicode' | 'int' | 'bool';
export type OrganisationRole = 'ADMIN' | 'USER';

export interface UsersTable {
  id: Id;
  uuid: Uuid;
  email: string;
  first_name: Generated<string>;
  last_name: Generated<string>;
  password_hash: string;
  is_active: Flag;
  marketing_consent_given: Flag;
  date_joined: CreatedAt;
  last_login: Date | null;
}

export interface UserOrganisationsTable {
  user_id: number;
  organisation_id: number;
  role: OrganisationRole;
  date_joined: CreatedAt;
}

export interface AuthTokensTable {
  id: Id;
  user_id: number;
  prefix: string;
  key_hash: string;
  created: CreatedAt;
}

export interface InviteLinksTable {
  id: Id;
  organisation_id: number;
  hash: string;
  role: OrganisationRole;
  date_created: CreatedAt;
  expires_at: Date | null;
}

export interface ProjectsTable {
  id: Id;
  uuid: Uuid;
  organisation_id: number;
  name: string;
  created_date: CreatedAt;
  hide_disabled_flags: Flag;
  enable_dynamo_db: Flag;
  prevent_flag_defaults: Flag;
  enable_realtime_updates: Flag;
  only_allow_lower_case_feature_names: Flag;
  feature_name_regex: string | null;
  stale_flags_limit_days: Generated<number>;
  minimum_change_request_approvals: number | null;
  max_features_allowed: number | null;
  max_segments_allowed: number | null;
  max_segment_overrides_allowed: number | null;
}

export interface EnvironmentsTable {
  id: Id;
  uuid: Uuid;
  project_id: number;
  name: string;
  api_key: string;
  description: string | null;
  created_date: CreatedAt;
  updated_at: Timestamp;
  data_version: Generated<number>;
  allow_client_traits: Flag;
  banner_text: string | null;
  banner_colour: string | null;
  hide_disabled_flags: boolean | null;
  use_identity_composite_key_for_hashing: Flag;
  hide_sensitive_data: Flag;
  use_identity_overrides_in_local_eval: Flag;
  minimum_change_request_approvals: number | null;
}

export interface EnvironmentApiKeysTable {
  id: Id;
  environment_id: number;
  key: string;
  name: string;
  created_at: CreatedAt;
  expires_at: Date | null;
  active: Flag;
}

export interface FeaturesTable {
  id: Id;
  uuid: Uuid;
  project_id: number;
  name: string;
  type: Generated<'STANDARD' | 'MULTIVARIATE'>;
  initial_value: string | null;
  default_enabled: Flag;
  description: string | null;
  created_date: CreatedAt;
  is_archived: Flag;
  is_server_key_only: Flag;
}

export interface FeatureOwnersTable {
  feature_id: number;
  user_id: number;
}

export interface MultivariateOptionsTable {
  id: Id;
  uuid: Uuid;
  feature_id: number;
  key: string | null;
  type: Generated<ValueType>;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
  default_percentage_allocation: Generated<number>;
}

export interface TagsTable {
  id: Id;
  uuid: Uuid;
  project_id: number;
  label: string;
  color: Generated<string>;
  description: string | null;
  is_permanent: Flag;
  is_system_tag: Flag;
  type: Generated<string>;
  created_at: CreatedAt;
}

export interface FeatureTagsTable {
  feature_id: number;
  tag_id: number;
}

export interface SegmentsTable {
  id: Id;
  uuid: Uuid;
  project_id: number;
  feature_id: number | null;
  name: string;
  description: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type RuleType = 'ALL' | 'ANY' | 'NONE';

export interface SegmentRulesTable {
  id: Id;
  segment_id: number;
  parent_rule_id: number | null;
  type: RuleType;
  position: Generated<number>;
}

export interface SegmentConditionsTable {
  id: Id;
  segment_id: number;
  rule_id: number;
  operator: string;
  property: string | null;
  value: string | null;
  description: string | null;
  position: Generated<number>;
}

export interface IdentitiesTable {
  id: Id;
  uuid: Uuid;
  environment_id: number;
  identifier: string;
  created_date: CreatedAt;
  dashboard_alias: string | null;
}

export interface TraitsTable {
  id: Id;
  identity_id: number;
  trait_key: string;
  value_type: ValueType | 'float';
  string_value: string | null;
  integer_value: number | null;
  float_value: number | null;
  boolean_value: boolean | null;
  created_date: CreatedAt;
}

export interface FeatureSegmentsTable {
  id: Id;
  uuid: Uuid;
  feature_id: number;
  segment_id: number;
  environment_id: number;
  priority: Generated<number>;
  created_at: CreatedAt;
}

export interface FeatureStatesTable {
  id: Id;
  uuid: Uuid;
  feature_id: number;
  environment_id: number;
  identity_id: number | null;
  feature_segment_id: number | null;
  enabled: Flag;
  value_type: Generated<ValueType>;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
  /** Set by a trigger to the row's id when not given. */
  hashing_seed: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FeatureStateMvValuesTable {
  id: Id;
  uuid: Uuid;
  feature_state_id: number;
  multivariate_option_id: number;
  percentage_allocation: number;
}

export interface UserGroupsTable {
  id: Id;
  organisation_id: number;
  name: string;
  is_default: Flag;
  external_id: string | null;
  created_at: CreatedAt;
}

export interface UserGroupMembersTable {
  group_id: number;
  user_id: number;
  group_admin: Flag;
}

type Permissions = ColumnType<string[], string[] | undefined, string[]>;

export interface OrganisationUserPermissionsTable {
  id: Id;
  organisation_id: number;
  user_id: number;
  permissions: Permissions;
}

export interface OrganisationGroupPermissionsTable {
  id: Id;
  organisation_id: number;
  group_id: number;
  permissions: Permissions;
}

export interface ProjectUserPermissionsTable {
  id: Id;
  project_id: number;
  user_id: number;
  admin: Flag;
  permissions: Permissions;
}

export interface ProjectGroupPermissionsTable {
  id: Id;
  project_id: number;
  group_id: number;
  admin: Flag;
  permissions: Permissions;
}

export interface EnvironmentUserPermissionsTable {
  id: Id;
  environment_id: number;
  user_id: number;
  admin: Flag;
  permissions: Permissions;
}

export interface EnvironmentGroupPermissionsTable {
  id: Id;
  environment_id: number;
  group_id: number;
  admin: Flag;
  permissions: Permissions;
}

type Json = ColumnType<unknown, string | null, string | null>;

export interface AuditLogTable {
  id: Id;
  created_date: CreatedAt;
  organisation_id: number;
  project_id: number | null;
  environment_id: number | null;
  author_id: number | null;
  master_api_key_id: number | null;
  log: string;
  related_object_type: string;
  related_object_id: number | null;
  related_object_uuid: string | null;
  is_system_event: Flag;
  before: Json;
  after: Json;
}
