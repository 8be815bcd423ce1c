import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import {
  conditionsOf,
  defaultStatePage,
  type HeaderRow,
  type MvRow,
  mvValuesOf,
  overriddenIdentityPage,
  overrideFingerprints,
  overridesOf,
  PAGE,
  readHeader,
  rulesOf,
  type StateRow,
  segmentPage,
  serverKeyOnlyFeatureIds,
} from './document-queries.ts';
import type { FragmentCache } from './fragment-cache.ts';

/** A built document: the JSON text (serialized once, stored and served as is) and what it was built from. */
export interface BuiltDocument {
  environmentId: number;
  /** environments.data_version read in the same snapshot as everything in the document. */
  dataVersion: number;
  dataUpdatedAt: Date;
  document: string;
  counts: { featureStates: number; segments: number; segmentOverrides: number; identityOverrides: number };
}

type Json = string | number | boolean | null;

const typedValue = (r: {
  value_type: string;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
}): Json =>
  r.value_type === 'int'
    ? r.integer_value === null
      ? null
      : Number(r.integer_value)
    : r.value_type === 'bool'
      ? r.boolean_value
      : r.string_value;

/**
 * Builds the Flagsmith SDK environment document (spec §2.1) of one environment from the admin tables.
 *
 * Memory stays bounded by a page, not by the environment: each section is read in keyset pages (document-
 * queries.ts), every page's objects are turned into JSON text at once and only the text is kept; the document is
 * the concatenation of those parts, so nothing is serialized twice and no whole-document object tree exists.
 * Run it inside a REPEATABLE READ transaction so the header's data_version describes exactly what was read.
 * Returns undefined when the environment does not exist (it was deleted; its document row cascaded).
 */
export async function buildEnvironmentDocument(
  db: Kysely<Schema>,
  environmentId: number,
  cache?: FragmentCache,
): Promise<BuiltDocument | undefined> {
  const header = await readHeader(db, environmentId);
  if (!header) return undefined;
  const counts = { featureStates: 0, segments: 0, segmentOverrides: 0, identityOverrides: 0 };
  const parts: string[] = [];
  const push = (s: string) => parts.push(s);

  push(headerPrefix(header, await serverKeyOnlyFeatureIds(db, header.project_id)));
  const fingerprints = cache && (await overrideFingerprints(db, environmentId, header.project_id));

  // project.segments: a page of segments, then their rules, conditions and overrides in three queries.
  let first = true;
  for (let after = 0; ; ) {
    const segments = await segmentPage(db, header.project_id, environmentId, after, SEGMENT_PAGE);
    if (segments.length === 0) break;
    const ids = segments.map((s) => s.id);
    // Sequential on purpose: inside a transaction they share one connection anyway.
    const rules = await rulesOf(db, ids);
    const conditions = await conditionsOf(db, ids);
    const own = await segmentOverrides(
      db,
      environmentId,
      ids,
      cache && fingerprints && { cache, fingerprints },
    );
    const ruleTrees = buildRules(rules, conditions);
    for (const s of segments) {
      const overrides = own.get(s.id);
      counts.segments++;
      counts.segmentOverrides += overrides?.count ?? 0;
      push(
        `${first ? '' : ','}{"id":${s.id},"name":${JSON.stringify(s.name)},"rules":${JSON.stringify(
          ruleTrees.get(s.id) ?? [],
        )},"feature_states":[${overrides?.text ?? ''}]}`,
      );
      first = false;
    }
    // A short page is the last one: not asking again saves a round trip through the worker's database proxy.
    if (segments.length < SEGMENT_PAGE) break;
    after = ids[ids.length - 1] as number;
  }
  push(']},"feature_states":[');

  first = true;
  for (let after = 0; ; ) {
    const page = await defaultStatePage(db, environmentId, after);
    if (page.length === 0) break;
    const states = await featureStates(db, page);
    for (const row of page) {
      push(`${first ? '' : ','}${states.get(row.id)}`);
      first = false;
    }
    counts.featureStates += page.length;
    if (page.length < PAGE) break;
    after = (page[page.length - 1] as StateRow).feature_id;
  }
  push('],"identity_overrides":[');

  // Flagsmith leaves identity overrides out of the document unless the environment opts in (spec §2.1).
  first = true;
  for (let after = 0; header.use_identity_overrides_in_local_eval; ) {
    const identities = await overriddenIdentityPage(db, environmentId, after);
    if (identities.length === 0) break;
    const overrides = await overridesOf(
      db,
      environmentId,
      'identity',
      identities.map((i) => i.id),
    );
    const states = await featureStates(db, overrides);
    const byIdentity = groupBy(overrides, (o) => o.identity_id as number);
    for (const i of identities) {
      const own = (byIdentity.get(i.id) ?? []).map((o) => states.get(o.id));
      counts.identityOverrides += own.length;
      push(
        `${first ? '' : ','}{"identifier":${JSON.stringify(i.identifier)},"environment_api_key":${JSON.stringify(
          header.api_key,
        )},"created_date":${JSON.stringify(i.created_date)},"identity_features":[${own.join(
          ',',
        )}],"identity_traits":[],"identity_uuid":${JSON.stringify(i.uuid)},"django_id":${i.id},"dashboard_alias":${JSON.stringify(
          i.dashboard_alias,
        )},"composite_key":${JSON.stringify(`${header.api_key}_${i.identifier}`)}}`,
      );
      first = false;
    }
    if (identities.length < PAGE) break;
    after = (identities[identities.length - 1] as { id: number }).id;
  }
  push(']}');

  return {
    environmentId,
    dataVersion: header.data_version,
    dataUpdatedAt: header.updated_at_ts,
    document: parts.join(''),
    counts,
  };
}

/**
 * The serialized overrides of a page of segments (absent: none). Without a cache, read and serialized. With one,
 * only the segments whose fingerprint changed since the cache saw them are read and serialized.
 */
async function segmentOverrides(
  db: Kysely<Schema>,
  environmentId: number,
  ids: readonly number[],
  cached: { cache: FragmentCache; fingerprints: Map<number, string> } | undefined,
): Promise<Map<number, { text: string; count: number }>> {
  const out = new Map<number, { text: string; count: number }>();
  const { cache, fingerprints } = cached ?? {};
  const stale: number[] = cache ? [] : [...ids];
  if (cache && fingerprints) {
    for (const id of ids) {
      const fingerprint = fingerprints.get(id);
      if (fingerprint === undefined) {
        cache.delete(environmentId, id);
        continue;
      }
      const hit = cache.get(environmentId, id, fingerprint);
      if (hit) out.set(id, hit);
      else stale.push(id);
    }
  }
  const overrides = await overridesOf(db, environmentId, 'segment', stale);
  const states = await featureStates(db, overrides);
  for (const [id, rows] of groupBy(overrides, (o) => o.segment_id as number)) {
    const entry = { text: rows.map((o) => states.get(o.id)).join(','), count: rows.length };
    out.set(id, entry);
    // A segment whose overrides changed between the two reads cannot happen: both ran in this snapshot.
    const fingerprint = fingerprints?.get(id);
    if (cache && fingerprint !== undefined) cache.set(environmentId, id, { fingerprint, ...entry });
  }
  return out;
}

/** Segments per page: each brings its rules, conditions and overrides (up to one per feature) along. */
const SEGMENT_PAGE = 250;

function headerPrefix(h: HeaderRow, serverKeyOnly: number[]): string {
  const environment = {
    id: h.id,
    api_key: h.api_key,
    name: h.name,
    allow_client_traits: h.allow_client_traits,
    hide_sensitive_data: h.hide_sensitive_data,
    hide_disabled_flags: h.hide_disabled_flags,
    use_identity_composite_key_for_hashing: h.use_identity_composite_key_for_hashing,
    use_identity_overrides_in_local_eval: h.use_identity_overrides_in_local_eval,
    updated_at: h.updated_at,
  };
  const project = {
    id: h.project_id,
    name: h.project_name,
    hide_disabled_flags: h.project_hide_disabled_flags,
    enable_realtime_updates: h.enable_realtime_updates,
    server_key_only_feature_ids: serverKeyOnly,
    organisation: {
      id: h.organisation_id,
      name: h.organisation_name,
      feature_analytics: h.feature_analytics,
      stop_serving_flags: h.stop_serving_flags,
      persist_trait_data: h.persist_trait_data,
    },
  };
  const env = JSON.stringify(environment);
  const proj = JSON.stringify(project);
  // Open the project object so that its segments can be appended page by page.
  return `${env.slice(0, -1)},"project":${proj.slice(0, -1)},"segments":[`;
}

/** Each state of `rows` as its JSON text, with its multivariate values (fetched in pages of state ids). */
async function featureStates(db: Kysely<Schema>, rows: readonly StateRow[]): Promise<Map<number, string>> {
  const mv = new Map<number, MvRow[]>();
  const ids = rows.map((r) => Number(r.id));
  for (let i = 0; i < ids.length; i += PAGE) {
    for (const v of await mvValuesOf(db, ids.slice(i, i + PAGE))) {
      const id = Number(v.feature_state_id);
      const list = mv.get(id);
      if (list) list.push(v);
      else mv.set(id, [v]);
    }
  }
  const out = new Map<number, string>();
  for (const r of rows) {
    const id = Number(r.id);
    out.set(
      id,
      JSON.stringify({
        feature: { id: r.feature_id, name: r.feature_name, type: r.feature_type },
        enabled: r.enabled,
        django_id: Number(r.hashing_seed),
        feature_segment: r.segment_id === null ? null : { priority: r.priority },
        featurestate_uuid: r.uuid,
        feature_state_value: typedValue(r),
        multivariate_feature_state_values: (mv.get(id) ?? []).map((v) => ({
          multivariate_feature_option: { value: typedValue(v), id: v.option_id, key: v.option_key },
          percentage_allocation: Number(v.percentage_allocation),
          id: Number(v.id),
          mv_fs_value_uuid: v.uuid,
        })),
      }),
    );
  }
  return out;
}

interface RuleJson {
  type: string;
  rules: RuleJson[];
  conditions: { operator: string; property_: string | null; value: string | null }[];
}

/** Rule trees per segment from flat rows (already in position order). */
function buildRules(
  rules: readonly { id: number; segment_id: number; parent_rule_id: number | null; type: string }[],
  conditions: readonly { rule_id: number; operator: string; property: string | null; value: string | null }[],
): Map<number, RuleJson[]> {
  const byId = new Map<number, RuleJson>();
  for (const r of rules) byId.set(r.id, { type: r.type, rules: [], conditions: [] });
  for (const c of conditions) {
    byId.get(c.rule_id)?.conditions.push({ operator: c.operator, property_: c.property, value: c.value });
  }
  const top = new Map<number, RuleJson[]>();
  for (const r of rules) {
    const rule = byId.get(r.id) as RuleJson;
    const parent = r.parent_rule_id === null ? undefined : byId.get(r.parent_rule_id);
    if (parent) parent.rules.push(rule);
    else {
      const list = top.get(r.segment_id);
      if (list) list.push(rule);
      else top.set(r.segment_id, [rule]);
    }
  }
  return top;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
