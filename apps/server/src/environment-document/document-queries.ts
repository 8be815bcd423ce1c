import { type Kysely, sql } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';

// The builder's SQL. Every list is read in keyset-paginated pages of at most PAGE rows (the rows cross a thread
// boundary when the builder runs in a task), and every child list is fetched for a whole page of parents at once,
// so the number of queries grows with pages, never with rows.

/** Rows per query. */
export const PAGE = 2_000;

/** ISO-8601 with microseconds and offset, the way Flagsmith's pydantic dump writes datetimes (spec §2.1). */
const iso = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')`;

export interface HeaderRow {
  id: number;
  api_key: string;
  name: string;
  allow_client_traits: boolean;
  hide_sensitive_data: boolean;
  hide_disabled_flags: boolean | null;
  use_identity_composite_key_for_hashing: boolean;
  use_identity_overrides_in_local_eval: boolean;
  updated_at: string;
  updated_at_ts: Date;
  data_version: number;
  project_id: number;
  project_name: string;
  project_hide_disabled_flags: boolean;
  enable_realtime_updates: boolean;
  organisation_id: number;
  organisation_name: string;
  feature_analytics: boolean;
  stop_serving_flags: boolean;
  persist_trait_data: boolean;
}

export async function readHeader(db: Kysely<Schema>, environmentId: number): Promise<HeaderRow | undefined> {
  const { rows } = await sql<HeaderRow>`
    SELECT e.id, e.api_key, e.name, e.allow_client_traits, e.hide_sensitive_data, e.hide_disabled_flags,
      e.use_identity_composite_key_for_hashing, e.use_identity_overrides_in_local_eval,
      ${iso('e.updated_at')} AS updated_at, e.updated_at AS updated_at_ts, e.data_version,
      p.id AS project_id, p.name AS project_name, p.hide_disabled_flags AS project_hide_disabled_flags,
      p.enable_realtime_updates,
      o.id AS organisation_id, o.name AS organisation_name, o.feature_analytics, o.stop_serving_flags,
      o.persist_trait_data
    FROM environments e
    JOIN projects p ON p.id = e.project_id
    JOIN organisations o ON o.id = p.organisation_id
    WHERE e.id = ${environmentId}`.execute(db);
  const row = rows[0];
  return row && { ...row, data_version: Number(row.data_version) };
}

export async function serverKeyOnlyFeatureIds(db: Kysely<Schema>, projectId: number): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT id FROM features WHERE project_id = ${projectId} AND is_server_key_only ORDER BY id`.execute(db);
  return rows.map((r) => r.id);
}

export interface SegmentRow {
  id: number;
  name: string;
}

/**
 * A page of the segments the document lists: every project segment that is not feature-specific, plus the
 * feature-specific ones with an override in this environment (spec §2.1).
 */
export async function segmentPage(
  db: Kysely<Schema>,
  projectId: number,
  environmentId: number,
  afterId: number,
  limit: number,
): Promise<SegmentRow[]> {
  const { rows } = await sql<SegmentRow>`
    SELECT s.id, s.name FROM segments s
    WHERE s.project_id = ${projectId} AND s.id > ${afterId}
      AND (s.feature_id IS NULL OR EXISTS (SELECT 1 FROM feature_segments x
           WHERE x.segment_id = s.id AND x.environment_id = ${environmentId}))
    ORDER BY s.id LIMIT ${limit}`.execute(db);
  return rows;
}

export interface RuleRow {
  id: number;
  segment_id: number;
  parent_rule_id: number | null;
  type: string;
}

export async function rulesOf(db: Kysely<Schema>, segmentIds: readonly number[]): Promise<RuleRow[]> {
  if (segmentIds.length === 0) return [];
  const { rows } = await sql<RuleRow>`
    SELECT id, segment_id, parent_rule_id, type FROM segment_rules
    WHERE segment_id IN (${sql.join(segmentIds)})
    ORDER BY segment_id, position, id`.execute(db);
  return rows;
}

export interface ConditionRow {
  rule_id: number;
  operator: string;
  property: string | null;
  value: string | null;
}

export async function conditionsOf(
  db: Kysely<Schema>,
  segmentIds: readonly number[],
): Promise<ConditionRow[]> {
  if (segmentIds.length === 0) return [];
  const { rows } = await sql<ConditionRow>`
    SELECT rule_id, operator, property, value FROM segment_conditions
    WHERE segment_id IN (${sql.join(segmentIds)})
    ORDER BY rule_id, position, id`.execute(db);
  return rows;
}

export interface StateRow {
  id: number;
  uuid: string;
  enabled: boolean;
  value_type: string;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
  hashing_seed: number;
  feature_id: number;
  feature_name: string;
  feature_type: string;
  /** Segment overrides only. */
  segment_id: number | null;
  priority: number | null;
  /** Identity overrides only. */
  identity_id: number | null;
}

const STATE_SELECT = sql`
  SELECT fs.id, fs.uuid, fs.enabled, fs.value_type, fs.string_value, fs.integer_value, fs.boolean_value,
    fs.hashing_seed, f.id AS feature_id, f.name AS feature_name, f.type AS feature_type,
    fseg.segment_id, fseg.priority, fs.identity_id
  FROM feature_states fs
  JOIN features f ON f.id = fs.feature_id
  LEFT JOIN feature_segments fseg ON fseg.id = fs.feature_segment_id`;

/** A page of the environment defaults (one per feature), by feature id. */
export async function defaultStatePage(
  db: Kysely<Schema>,
  environmentId: number,
  afterFeatureId: number,
): Promise<StateRow[]> {
  const { rows } = await sql<StateRow>`${STATE_SELECT}
    WHERE fs.environment_id = ${environmentId} AND fs.identity_id IS NULL AND fs.feature_segment_id IS NULL
      AND fs.feature_id > ${afterFeatureId}
    ORDER BY fs.feature_id LIMIT ${PAGE}`.execute(db);
  return rows;
}

/**
 * The overrides of this environment for a page of segments or of identities, grouped by owner, then by feature.
 * (Segment priority is in each row; the builder writes it as feature_segment.priority.)
 */
export async function overridesOf(
  db: Kysely<Schema>,
  environmentId: number,
  owner: 'segment' | 'identity',
  ids: readonly number[],
): Promise<StateRow[]> {
  if (ids.length === 0) return [];
  const column = sql.ref(owner === 'segment' ? 'fseg.segment_id' : 'fs.identity_id');
  const { rows } = await sql<StateRow>`${STATE_SELECT}
    WHERE fs.environment_id = ${environmentId} AND ${column} IN (${sql.join(ids)})
    ORDER BY ${column}, fs.feature_id`.execute(db);
  return rows;
}

/**
 * 64-bit hash of a row version: its id and xmin (the transaction that wrote it; a new one on every UPDATE), salted
 * per table so that rows of two tables with the same id written by one transaction do not hash alike.
 */
const version = (alias: string, salt: number) =>
  sql.raw(`hashint8extended(${alias}.id, ${alias}.xmin::text::bigint * 8 + ${salt})`);

/**
 * For every segment with overrides in this environment: a fingerprint of every row its overrides' JSON is written
 * from. Per segment, the count of its override states and the sum of (id, xmin) hashes of those states, their
 * feature_segments rows and their multivariate values; for all segments alike, the same over the project's features
 * and multivariate options (rarely edited: an edit there re-reads every segment, and keeps this query to two
 * joins). Any insert, update or delete of one of those rows gives a new xmin or another set of ids, so another
 * fingerprint (up to a 64-bit hash collision); fragment-cache.ts reuses a segment's serialized overrides only while
 * its fingerprint is unchanged. A snapshot sees only committed row versions, so equal fingerprints mean the same
 * row versions. Segments without overrides are absent. One short row per segment, for the whole environment.
 */
export async function overrideFingerprints(
  db: Kysely<Schema>,
  environmentId: number,
  projectId: number,
): Promise<Map<number, string>> {
  // Two flat joins added up per segment, not a per-state aggregate of multivariate values joined in: with stale
  // planner statistics (a freshly imported environment) that join became a nested loop over the aggregate. Sums
  // (numeric, so no overflow) rather than bit_xor, which needs Postgres 14.
  const { rows } = await sql<{ segment_id: number; fingerprint: string }>`
    SELECT segment_id, count(*) FILTER (WHERE state) || ':' || sum(hash)::text || ':' || (
      SELECT coalesce(sum(${version('f', 3)}), 0) + coalesce((
        SELECT sum(${version('o', 5)}) FROM multivariate_options o
        JOIN features fo ON fo.id = o.feature_id WHERE fo.project_id = ${projectId}), 0)
      FROM features f WHERE f.project_id = ${projectId})::text AS fingerprint
    FROM (
      SELECT fseg.segment_id, true AS state, ${version('fs', 1)} # ${version('fseg', 2)} AS hash
      FROM feature_segments fseg
      JOIN feature_states fs ON fs.feature_segment_id = fseg.id
      WHERE fseg.environment_id = ${environmentId}
      UNION ALL
      SELECT fseg.segment_id, false, ${version('v', 4)} # hashint8extended(v.feature_state_id, 6)
      FROM feature_segments fseg
      JOIN feature_states fs ON fs.feature_segment_id = fseg.id
      JOIN feature_state_mv_values v ON v.feature_state_id = fs.id
      WHERE fseg.environment_id = ${environmentId}
    ) parts
    GROUP BY segment_id`.execute(db);
  return new Map(rows.map((r) => [Number(r.segment_id), r.fingerprint]));
}

export interface IdentityRow {
  id: number;
  uuid: string;
  identifier: string;
  dashboard_alias: string | null;
  created_date: string;
}

/** A page of the identities that have at least one override in the environment. */
export async function overriddenIdentityPage(
  db: Kysely<Schema>,
  environmentId: number,
  afterId: number,
): Promise<IdentityRow[]> {
  const { rows } = await sql<IdentityRow>`
    SELECT i.id, i.uuid, i.identifier, i.dashboard_alias, ${iso('i.created_date')} AS created_date
    FROM identities i
    WHERE i.environment_id = ${environmentId} AND i.id > ${afterId}
      AND EXISTS (SELECT 1 FROM feature_states x WHERE x.identity_id = i.id)
    ORDER BY i.id LIMIT ${PAGE}`.execute(db);
  return rows;
}

export interface MvRow {
  id: number;
  uuid: string;
  feature_state_id: number;
  percentage_allocation: number;
  option_id: number;
  option_key: string | null;
  value_type: string;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
}

export async function mvValuesOf(db: Kysely<Schema>, stateIds: readonly number[]): Promise<MvRow[]> {
  if (stateIds.length === 0) return [];
  const { rows } = await sql<MvRow>`
    SELECT v.id, v.uuid, v.feature_state_id, v.percentage_allocation, o.id AS option_id, o.key AS option_key,
      o.type AS value_type, o.string_value, o.integer_value, o.boolean_value
    FROM feature_state_mv_values v
    JOIN multivariate_options o ON o.id = v.multivariate_option_id
    WHERE v.feature_state_id IN (${sql.join(stateIds)})
    ORDER BY v.feature_state_id, v.id`.execute(db);
  return rows;
}
