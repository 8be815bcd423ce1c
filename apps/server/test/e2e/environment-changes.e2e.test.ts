import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { EnvironmentChangeSink } from '../../src/modules/environments/index.ts';
import type { Schema } from '../../src/platform/db/schema.ts';
import { type AdminClient, adminClient } from '../support/admin-client.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const KEY = 'changes-bootstrap-key-0123456789';

/**
 * A recording sink that writes what it is told into a table with the writer's own transaction, exactly as the
 * task processor's enqueue will: what a rolled-back write reported must vanish with it.
 */
const recordingSink: EnvironmentChangeSink = {
  async environmentsChanged(trx: Kysely<Schema>, environmentIds, reason) {
    const { rows } = await sql<{ id: number; data_version: number }>`
      SELECT id, data_version FROM environments WHERE id IN (${sql.join([...environmentIds])})`.execute(trx);
    await sql`INSERT INTO test_environment_changes (environment_ids, reason, versions)
      VALUES (${JSON.stringify(environmentIds)}::jsonb, ${reason}, ${JSON.stringify(rows)}::jsonb)`.execute(
      trx,
    );
  },
};

describeEachBackend('admin writes report stale environments in their transaction', (backend) => {
  let server: TestServer;
  let api: AdminClient;
  let org: number;
  let project: { id: number };
  let e1: { id: number; api_key: string };
  let e2: { id: number; api_key: string };
  let e3: { id: number };

  beforeAll(async () => {
    server = await startTestServer(
      backend,
      { VEXIL_BOOTSTRAP_API_KEY: KEY, VEXIL_MAX_ENVIRONMENT_DOCUMENT_BYTES: '20000' },
      { environmentChangeSink: recordingSink },
    );
    await sql`CREATE TABLE test_environment_changes (id serial PRIMARY KEY, environment_ids jsonb, reason text, versions jsonb)`.execute(
      server.database.db,
    );
    api = adminClient(server.url, `Api-Key ${KEY}`);
    org = (await api.ok(200, 'GET', '/api/v1/organisations/')).results[0].id;
    project = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'P', organisation: org });
    e1 = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E1', project: project.id });
    e2 = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E2', project: project.id });
    const other = await api.ok(201, 'POST', '/api/v1/projects/', { name: 'P2', organisation: org });
    e3 = await api.ok(201, 'POST', '/api/v1/environments/', { name: 'E3', project: other.id });
  });
  afterAll(() => server.dispose());
  beforeEach(async () => {
    await sql`DELETE FROM test_environment_changes`.execute(server.database.db);
  });

  /** The environments reported since the last call, and a check that data_version was bumped before the call. */
  async function reported(): Promise<number[]> {
    const { rows } = await sql<{
      environment_ids: number[];
      versions: { id: number; data_version: number }[];
    }>`
      SELECT environment_ids, versions FROM test_environment_changes ORDER BY id`.execute(server.database.db);
    await sql`DELETE FROM test_environment_changes`.execute(server.database.db);
    for (const r of rows) expect(r.versions.every((v) => v.data_version > 0)).toBe(true);
    return [...new Set(rows.flatMap((r) => r.environment_ids))].sort((a, b) => a - b);
  }

  it('feature create, update and delete report every environment of the project', async () => {
    const before = await server.database.db
      .selectFrom('environments')
      .select(['id', 'data_version', 'updated_at'])
      .where('id', '=', e1.id)
      .executeTakeFirstOrThrow();
    const f = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'f1' });
    expect(await reported()).toEqual([e1.id, e2.id]);
    const after = await server.database.db
      .selectFrom('environments')
      .select(['data_version', 'updated_at'])
      .where('id', '=', e1.id)
      .executeTakeFirstOrThrow();
    expect(after.data_version).toBe(before.data_version + 1);
    expect(after.updated_at.getTime()).toBeGreaterThanOrEqual(before.updated_at.getTime());
    await api.ok(200, 'PATCH', `/api/v1/projects/${project.id}/features/${f.id}/`, { name: 'f1-renamed' });
    expect(await reported()).toEqual([e1.id, e2.id]);
    await api.ok(200, 'PATCH', `/api/v1/projects/${project.id}/features/${f.id}/`, {
      description: 'not in documents',
    });
    expect(await reported()).toEqual([]);
    await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/${f.id}/mv-options/`, {
      type: 'unicode',
      string_value: 'a',
      default_percentage_allocation: 10,
    });
    expect(await reported()).toEqual([e1.id, e2.id]);
    await api.ok(204, 'DELETE', `/api/v1/projects/${project.id}/features/${f.id}/`);
    expect(await reported()).toEqual([e1.id, e2.id]);
  });

  it('state, override and identity writes report only their environment; traits, tags and keys none', async () => {
    const f = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'f2' });
    const seg = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/segments/`, {
      name: 's',
      rules: [],
    });
    expect(await reported()).toEqual([e1.id, e2.id]);
    const state = (
      await api.ok(200, 'GET', `/api/v1/environments/${e1.api_key}/featurestates/?feature=${f.id}`)
    ).results[0];
    await api.ok(200, 'PATCH', `/api/v1/environments/${e1.api_key}/featurestates/${state.id}/`, {
      enabled: true,
    });
    expect(await reported()).toEqual([e1.id]);
    const override = await api.ok(
      201,
      'POST',
      `/api/v1/environments/${e2.api_key}/features/${f.id}/create-segment-override/`,
      {
        feature_segment: { segment: seg.id },
        enabled: true,
      },
    );
    expect(await reported()).toEqual([e2.id]);
    await api.ok(200, 'POST', '/api/v1/features/feature-segments/update-priorities/', [
      { id: override.feature_segment.id, priority: 0 },
    ]);
    expect(await reported()).toEqual([e2.id]);
    const identity = await api.ok(201, 'POST', `/api/v1/environments/${e1.api_key}/identities/`, {
      identifier: 'u',
    });
    await api.ok(201, 'POST', `/api/v1/environments/${e1.api_key}/identities/${identity.id}/traits/`, {
      trait_key: 'k',
      trait_value: 1,
    });
    await api.ok(201, 'POST', `/api/v1/projects/${project.id}/tags/`, { label: 't' });
    await api.ok(201, 'POST', `/api/v1/environments/${e1.api_key}/api-keys/`, { name: 'k' });
    expect(await reported()).toEqual([]);
    await api.ok(201, 'POST', `/api/v1/environments/${e1.api_key}/identities/${identity.id}/featurestates/`, {
      feature: f.id,
      enabled: true,
    });
    expect(await reported()).toEqual([e1.id]);
    await api.ok(204, 'DELETE', `/api/v1/environments/${e1.api_key}/identities/${identity.id}/`);
    expect(await reported()).toEqual([e1.id]);
    await api.ok(204, 'DELETE', `/api/v1/projects/${project.id}/segments/${seg.id}/`);
    expect(await reported()).toEqual([e1.id, e2.id]);
  });

  it('environment, project and organisation settings report their environments', async () => {
    await api.ok(200, 'PATCH', `/api/v1/environments/${e2.api_key}/`, { hide_disabled_flags: true });
    expect(await reported()).toEqual([e2.id]);
    await api.ok(200, 'PATCH', `/api/v1/projects/${project.id}/`, { hide_disabled_flags: true });
    expect(await reported()).toEqual([e1.id, e2.id]);
    await api.ok(200, 'PATCH', `/api/v1/organisations/${org}/`, { persist_trait_data: false });
    expect(await reported()).toEqual([e1.id, e2.id, e3.id]);
    const clone = await api.ok(200, 'POST', `/api/v1/environments/${e1.api_key}/clone/`, { name: 'E4' });
    expect(await reported()).toEqual([clone.id]);
    await api.ok(204, 'DELETE', `/api/v1/environments/${clone.api_key}/`);
    expect(await reported()).toEqual([clone.id]);
  });

  it('a write that fails after reporting (document too large) rolls the report back with it', async () => {
    const f = await api.ok(201, 'POST', `/api/v1/projects/${project.id}/features/`, { name: 'f3' });
    await reported();
    const state = (
      await api.ok(200, 'GET', `/api/v1/environments/${e1.api_key}/featurestates/?feature=${f.id}`)
    ).results[0];
    const version = async () =>
      (
        await server.database.db
          .selectFrom('environments')
          .select('data_version')
          .where('id', '=', e1.id)
          .executeTakeFirstOrThrow()
      ).data_version;
    const before = await version();
    const res = await api.request('PATCH', `/api/v1/environments/${e1.api_key}/featurestates/${state.id}/`, {
      feature_state_value: 'x'.repeat(19_900),
    });
    expect(res.status).toBe(400);
    expect(res.body.environment).toMatch(
      /max_environment_document_bytes is 20000 and the estimated size is \d+ bytes/,
    );
    expect(await reported()).toEqual([]);
    expect(await version()).toBe(before);
  });
});
