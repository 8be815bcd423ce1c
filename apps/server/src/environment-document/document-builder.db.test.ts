import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileEnvironment, type EnvironmentDocument, IDENTITY_OVERRIDES_SEGMENT_NAME } from '@vexil/engine';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminClient } from '../../test/support/admin-client.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { buildEnvironmentDocument } from './document-builder.ts';
import { FragmentCache } from './fragment-cache.ts';

const KEY = 'builder-bootstrap-key-0123456789';
const SHARED_TOOLS = fileURLToPath(new URL('../../../../../shared/tools/', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: documents are JSON, compared through the normalizations below.
type Json = any;

/**
 * A gen-env-doc document. Its environment defaults and identity overrides carry `id` but no `django_id`, so an
 * engine would hash them by `featurestate_uuid`; the import takes `id` as the hashing seed (as for Flagsmith
 * documents older than django_id), so the reference here is the document with `django_id = id` filled in.
 */
function generated(args: string[]): Json {
  const doc = JSON.parse(
    execFileSync(process.execPath, [`${SHARED_TOOLS}gen-env-doc.mjs`, ...args]).toString(),
  );
  const seed = (s: Json) => {
    s.django_id ??= s.id;
  };
  for (const s of doc.feature_states) seed(s);
  for (const i of doc.identity_overrides) for (const s of i.identity_features) seed(s);
  for (const segment of doc.project.segments) for (const s of segment.feature_states) seed(s);
  return doc;
}

/**
 * What must survive import then build. Ids differ (ours are new rows) and so does ordering, so states are keyed
 * by feature name, segments by name and identities by identifier; multivariate values by option value. The
 * hashing seed (django_id) must survive: bucketing depends on it. gen-env-doc gives segment overrides no
 * priority (ties in document order); we store them 0..n-1 in that order, so each feature's list of overriding
 * segments, strongest first, must be the same.
 */
function normalize(doc: Json) {
  const state = (s: Json) => ({
    enabled: s.enabled,
    value: s.feature_state_value,
    seed: s.django_id ?? s.id,
    mv: (s.multivariate_feature_state_values ?? [])
      .map((v: Json) => `${v.multivariate_feature_option.value}=${v.percentage_allocation}`)
      .sort(),
  });
  const byFeature = (list: Json[]) => Object.fromEntries(list.map((s: Json) => [s.feature.name, state(s)]));
  const rules = (list: Json[]): Json[] =>
    list.map((r) => ({
      type: r.type,
      conditions: (r.conditions ?? []).map((c: Json) => ({
        operator: c.operator,
        property_: c.property_ ?? null,
        value: c.value ?? null,
      })),
      rules: rules(r.rules ?? []),
    }));
  const overriddenBy = new Map<string, { segment: string; priority: number; order: number }[]>();
  let order = 0;
  for (const s of doc.project.segments) {
    for (const fs of s.feature_states ?? []) {
      const list = overriddenBy.get(fs.feature.name) ?? [];
      list.push({ segment: s.name, priority: fs.feature_segment?.priority ?? Infinity, order: order++ });
      overriddenBy.set(fs.feature.name, list);
    }
  }
  return {
    features: byFeature(doc.feature_states),
    segments: Object.fromEntries(
      doc.project.segments.map((s: Json) => [
        s.name,
        { rules: rules(s.rules), overrides: byFeature(s.feature_states ?? []) },
      ]),
    ),
    segmentOrder: Object.fromEntries(
      [...overriddenBy.entries()].map(([f, list]) => [
        f,
        list.sort((a, b) => a.priority - b.priority || a.order - b.order).map((x) => x.segment),
      ]),
    ),
    identities: Object.fromEntries(
      (doc.identity_overrides ?? []).map((i: Json) => [i.identifier, byFeature(i.identity_features)]),
    ),
  };
}

/**
 * The reference document with our ids: percentage splits hash the segment id and the environment key (through
 * the identity's composite key), so a re-homed environment can only be compared once those are ours. Feature ids
 * show in flag metadata.
 */
function withOurIds(original: Json, ours: Json): Json {
  const copy = structuredClone(original);
  const segmentId = new Map(ours.project.segments.map((s: Json) => [s.name, s.id]));
  const featureId = new Map(ours.feature_states.map((s: Json) => [s.feature.name, s.feature.id]));
  const states = [
    ...copy.feature_states,
    ...copy.project.segments.flatMap((s: Json) => s.feature_states),
    ...copy.identity_overrides.flatMap((i: Json) => i.identity_features),
  ];
  for (const s of states) s.feature.id = featureId.get(s.feature.name);
  for (const s of copy.project.segments) s.id = segmentId.get(s.name);
  copy.api_key = ours.api_key;
  return copy;
}

describeEachBackend('environment document builder', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_BOOTSTRAP_API_KEY: KEY });
  });
  afterAll(() => server.dispose());

  it('round-trips a gen-env-doc document: same content, same engine results for every identity', async () => {
    const api = adminClient(server.url, `Api-Key ${KEY}`);
    const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    const project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'P', organisation: org });
    const env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
    const original = generated([
      '--features',
      '60',
      '--segments',
      '40',
      '--overrides',
      '300',
      '--identity-overrides',
      '30',
    ]);
    await api.ok(200, 'POST', `/api/v1/environments/${env.api_key}/import-document/`, original);

    const built = await buildEnvironmentDocument(server.database.db, env.id);
    if (!built) throw new Error('environment not found');
    const doc = JSON.parse(built.document);
    expect(built.counts).toEqual({
      featureStates: 60,
      segments: 40,
      segmentOverrides: 300,
      identityOverrides: 30,
    });
    expect(normalize(doc)).toEqual(normalize(original));
    // Fields the spec requires that the normalization above does not look at.
    expect(doc).toMatchObject({
      id: env.id,
      api_key: env.api_key,
      name: 'E',
      use_identity_overrides_in_local_eval: true,
      project: { id: project.id, server_key_only_feature_ids: [], organisation: { id: org } },
    });
    expect(doc.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(doc.identity_overrides[0]).toMatchObject({
      environment_api_key: env.api_key,
      identity_traits: [],
      composite_key: `${env.api_key}_${doc.identity_overrides[0].identifier}`,
    });
    const current = await server.database.db
      .selectFrom('environments')
      .select('data_version')
      .where('id', '=', env.id)
      .executeTakeFirstOrThrow();
    expect(built.dataVersion).toBe(Number(current.data_version));

    const identities: { identifier: string; traits: Record<string, unknown> }[] = JSON.parse(
      execFileSync(process.execPath, [`${SHARED_TOOLS}gen-identities.mjs`, '400', '3']).toString(),
    );
    const ours = compileEnvironment(doc as EnvironmentDocument);
    const theirs = compileEnvironment(withOurIds(original, doc) as EnvironmentDocument);
    let segmentMatches = 0;
    let overridden = 0;
    for (const identity of identities) {
      const input = { identifier: identity.identifier, traits: identity.traits as never };
      const a = ours.evaluate(input);
      const b = theirs.evaluate(input);
      expect(a.flags).toEqual(b.flags);
      segmentMatches += a.segments.length;
      overridden += Object.values(a.flags).filter(
        (f) => f.reason === `TARGETING_MATCH; segment=${IDENTITY_OVERRIDES_SEGMENT_NAME}`,
      ).length;
    }
    // The comparison covered segment overrides and identity overrides, not only defaults.
    expect(segmentMatches).toBeGreaterThan(100);
    expect(overridden).toBeGreaterThan(0);
    expect(ours.evaluate().flags).toEqual(theirs.evaluate().flags);
  });

  it('with a warm fragment cache, writes the same bytes as a cold build after each kind of change', async () => {
    const api = adminClient(server.url, `Api-Key ${KEY}`);
    const org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    const project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'Cached', organisation: org });
    const env = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E', project: project.id });
    const original = generated(['--features', '40', '--segments', '30', '--overrides', '200']);
    await api.ok(200, 'POST', `/api/v1/environments/${env.api_key}/import-document/`, original);
    const db = server.database.db;
    const cache = new FragmentCache();
    const build = async (withCache: boolean) => {
      const built = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => buildEnvironmentDocument(trx, env.id, withCache ? cache : undefined));
      return built?.document as string;
    };
    const one = async <T>(query: string) =>
      (await sql.raw<T>(query.replaceAll('$env', String(env.id))).execute(db)).rows[0] as T;
    // A segment override with multivariate values, another override, and the segment of a third.
    const mv = await one<{ state: number; value: number; option: number }>(`
      SELECT fs.id AS state, v.id AS value, v.multivariate_option_id AS option FROM feature_states fs
      JOIN feature_state_mv_values v ON v.feature_state_id = fs.id
      WHERE fs.environment_id = $env AND fs.feature_segment_id IS NOT NULL ORDER BY fs.id LIMIT 1`);
    const other = await one<{ state: number; fseg: number; feature: number; segment: number }>(`
      SELECT fs.id AS state, fseg.id AS fseg, fs.feature_id AS feature, fseg.segment_id AS segment
      FROM feature_states fs JOIN feature_segments fseg ON fseg.id = fs.feature_segment_id
      WHERE fs.environment_id = $env AND fs.id <> ${mv.state} ORDER BY fs.id DESC LIMIT 1`);

    const cold = await build(false);
    expect(await build(true)).toBe(cold);
    expect(cache.misses).toBeGreaterThan(0);
    // [change, whether the segments it did not touch still come from the cache]: an edit of a feature or an
    // option re-reads every segment, by design (fingerprints take those tables whole).
    const changes: [string, boolean][] = [
      [
        `UPDATE feature_states SET value_type = 'unicode', string_value = 'new "value" \\ é' WHERE id = ${mv.state}`,
        true,
      ],
      [`UPDATE feature_segments SET priority = priority + 50 WHERE id = ${other.fseg}`, true],
      [`UPDATE feature_state_mv_values SET percentage_allocation = 12.5 WHERE id = ${mv.value}`, true],
      [`DELETE FROM feature_state_mv_values WHERE id = ${mv.value}`, true],
      [`DELETE FROM feature_states WHERE id = ${other.state}`, true],
      [
        `DELETE FROM feature_states WHERE feature_segment_id IN (
           SELECT id FROM feature_segments WHERE segment_id = ${other.segment})`,
        true,
      ],
      [`UPDATE features SET name = name || '_renamed' WHERE id = ${other.feature}`, false],
      [
        `UPDATE multivariate_options SET type = 'unicode', string_value = 'another option' WHERE id = ${mv.option}`,
        false,
      ],
    ];
    let previous = cold;
    for (const [change, reuses] of changes) {
      await sql.raw(change).execute(db);
      const hits = cache.hits;
      const warm = await build(true);
      const fresh = await build(false);
      // The change shows, and the cached build has it too.
      expect(fresh, change).not.toBe(previous);
      expect(warm, change).toBe(fresh);
      if (reuses) expect(cache.hits, change).toBeGreaterThan(hits);
      previous = fresh;
    }
  });

  it('returns undefined for an environment that does not exist', async () => {
    expect(await buildEnvironmentDocument(server.database.db, 987_654)).toBeUndefined();
  });
});
