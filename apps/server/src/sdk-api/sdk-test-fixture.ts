// Test support for the SDK API tests: an environment with keys and a stored document, written straight into the
// database (the unit-level contract: whatever the pipeline stores is what the SDK API serves).

import { EnvironmentDocumentStore } from '../environment-document/index.ts';
import type { HttpServer } from '../http/server.ts';
import type { Database } from '../platform/db/database.ts';

export const CLIENT_KEY = 'sdkTestClientKey000001';
export const SERVER_KEY = 'ser.sdkTestServerKey000001';

export interface SdkFixture {
  environmentId: number;
  projectId: number;
  /** Stores `document` as version `dataVersion` (the pipeline's write, NOTIFY included). */
  writeDocument(document: unknown, dataVersion: number, updatedAt?: Date): Promise<void>;
}

/** A small document exercising what the endpoints filter on; `overrides` merges into its top level. */
export function sdkDocument(environmentId: number, overrides: Record<string, unknown> = {}) {
  const state = (id: number, name: string, enabled: boolean, value: unknown, extra: object = {}) => ({
    feature: { id, name, type: 'STANDARD' },
    enabled,
    django_id: id * 10,
    feature_segment: null,
    featurestate_uuid: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    feature_state_value: value,
    multivariate_feature_state_values: [],
    ...extra,
  });
  return {
    id: environmentId,
    api_key: CLIENT_KEY,
    name: 'Test',
    allow_client_traits: true,
    hide_sensitive_data: false,
    hide_disabled_flags: null,
    use_identity_composite_key_for_hashing: true,
    use_identity_overrides_in_local_eval: true,
    updated_at: '2026-11-21T10:00:00.123456+00:00',
    project: {
      id: 1,
      name: 'P',
      hide_disabled_flags: false,
      enable_realtime_updates: false,
      server_key_only_feature_ids: [3],
      organisation: {
        id: 1,
        name: 'O',
        feature_analytics: false,
        stop_serving_flags: false,
        persist_trait_data: true,
      },
      segments: [
        {
          id: 16,
          name: 'beta',
          rules: [
            {
              type: 'ALL',
              rules: [],
              conditions: [{ operator: 'EQUAL', property_: 'plan', value: 'beta' }],
            },
          ],
          feature_states: [
            state(1, 'banner', true, 'beta-banner', { feature_segment: { priority: 0 }, django_id: 99 }),
          ],
        },
      ],
    },
    feature_states: [
      state(1, 'banner', false, 'default-banner'),
      {
        ...state(2, 'colour', true, 'red'),
        feature: { id: 2, name: 'colour', type: 'MULTIVARIATE' },
        multivariate_feature_state_values: [
          {
            id: 1,
            percentage_allocation: 100,
            multivariate_feature_option: { id: 5, value: 'blue', key: 'blue_variant' },
          },
        ],
      },
      state(3, 'secret', true, 42),
    ],
    identity_overrides: [
      {
        identifier: 'vip',
        environment_api_key: CLIENT_KEY,
        identity_uuid: '10000000-0000-4000-8000-000000000001',
        identity_traits: [],
        identity_features: [state(1, 'banner', true, 'vip-banner')],
      },
    ],
    ...overrides,
  };
}

/** Core's flag object for the fixture's `banner` environment default, with the details the features table holds. */
export function bannerDefaultFlag(environmentId: number) {
  return {
    id: 10,
    feature: {
      id: 1,
      name: 'banner',
      created_date: '2026-01-02T03:04:05.678000Z',
      description: 'about banner',
      initial_value: 'init',
      default_enabled: false,
      type: 'STANDARD',
    },
    feature_state_value: 'default-banner',
    environment: environmentId,
    identity: null,
    feature_segment: null,
    enabled: false,
  };
}

/** Organisation, project, environment (with CLIENT_KEY), a server key and the feature rows behind the document. */
export async function createSdkFixture(database: Database): Promise<SdkFixture> {
  const db = database.db;
  const org = await db
    .insertInto('organisations')
    .values({ name: 'o' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const project = await db
    .insertInto('projects')
    .values({ name: 'p', organisation_id: org.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  const env = await db
    .insertInto('environments')
    .values({ name: 'e', project_id: project.id, api_key: CLIENT_KEY })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('environment_api_keys')
    .values({ environment_id: env.id, key: SERVER_KEY, name: 'k' })
    .execute();
  for (const [id, name] of [
    [1, 'banner'],
    [2, 'colour'],
    [3, 'secret'],
  ] as const) {
    await db
      .insertInto('features')
      .values({
        id,
        name,
        project_id: project.id,
        description: `about ${name}`,
        initial_value: 'init',
        created_date: new Date('2026-01-02T03:04:05.678Z'),
      })
      .execute();
  }
  // Options are per feature (not in the document's environment states): colour's, out of id order on purpose.
  await db
    .insertInto('multivariate_options')
    .values([
      { id: 6, feature_id: 2, type: 'int', integer_value: 7, default_percentage_allocation: 0 },
      { id: 5, feature_id: 2, type: 'unicode', string_value: 'blue', key: 'blue_variant' },
      { id: 4, feature_id: 2, type: 'bool', boolean_value: true, default_percentage_allocation: 0 },
    ])
    .execute();
  const store = new EnvironmentDocumentStore(db);
  return {
    environmentId: env.id,
    projectId: project.id,
    async writeDocument(document, dataVersion, updatedAt = new Date('2026-11-21T10:00:00.123Z')) {
      await db.transaction().execute((trx) =>
        store.write(trx, {
          environmentId: env.id,
          dataVersion,
          dataUpdatedAt: updatedAt,
          document: JSON.stringify(document),
          buildMs: 1,
        }),
      );
    },
  };
}

/** Polls `check` until it holds (errors count as "not yet"); throws naming `what` after ~10 s. */
export async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 400; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * SDK requests through `http.inject`, with the environment key (when given) and a JSON body (when given). `http`
 * is read per call, since test servers start in `beforeAll`.
 */
export function sdkCaller(http: () => HttpServer) {
  return (
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    key: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    http().inject({
      method,
      url,
      headers: { ...(key ? { 'x-environment-key': key } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
}
