import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProject } from '../../test/support/insert-project.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import {
  bannerDefaultFlag,
  CLIENT_KEY,
  createSdkFixture,
  type SdkFixture,
  SERVER_KEY,
  sdkCaller,
  sdkDocument,
  until,
} from './sdk-test-fixture.ts';

interface Flag {
  id: number | null;
  feature: {
    id: number;
    name: string;
    type: string;
    created_date: string | null;
    description: string | null;
  };
  feature_state_value: unknown;
  enabled: boolean;
  environment: number | null;
  variant?: string | null;
}

describeEachBackend('SDK API', (backend) => {
  let server: TestServer;
  let fixture: SdkFixture;
  const call = sdkCaller(() => server.http);

  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_ROLES: 'sdk', VEXIL_SDK_REFRESH_INTERVAL_MS: '100' });
    fixture = await createSdkFixture(server.database);
    await fixture.writeDocument(sdkDocument(fixture.environmentId), 1);
  });
  afterAll(() => server.dispose());

  describe('GET /api/v1/flags/', () => {
    it('serves the environment defaults with Core fields, hiding server-key-only features from client keys', async () => {
      const res = await call('GET', '/api/v1/flags/', CLIENT_KEY);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-flagsmith-document-updated-at']).toBe('1795255200.123000');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const flags = res.json() as Flag[];
      expect(flags.map((f) => f.feature.name)).toEqual(['banner', 'colour']);
      expect(flags[0]).toEqual(bannerDefaultFlag(fixture.environmentId));
      // No identity, no bucketing: the multivariate feature shows its control value.
      expect(flags[1]?.feature_state_value).toBe('red');
      const server = (await call('GET', '/api/v1/flags/', SERVER_KEY)).json() as Flag[];
      expect(server.map((f) => f.feature.name)).toEqual(['banner', 'colour', 'secret']);
    });

    it('answers ?feature= with one flag (case-insensitive) or Core 404', async () => {
      const one = await call('GET', '/api/v1/flags/?feature=BANNER', CLIENT_KEY);
      expect(one.statusCode).toBe(200);
      expect((one.json() as Flag).feature.name).toBe('banner');
      const missing = await call('GET', '/api/v1/flags/?feature=secret', CLIENT_KEY);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ detail: 'Given feature not found' });
    });

    it('refuses missing and unknown keys with Core 403 bodies', async () => {
      const missing = await call('GET', '/api/v1/flags/', undefined);
      expect(missing.statusCode).toBe(403);
      expect(missing.json()).toEqual({ detail: 'Invalid or missing Environment key' });
      const unknown = await call('GET', '/api/v1/flags/', 'noSuchKey');
      expect(unknown.statusCode).toBe(403);
      expect(unknown.json()).toEqual({ detail: 'Invalid or missing Environment Key' });
    });

    it('answers CORS preflight like Flagsmith', async () => {
      const res = await server.http.inject({
        method: 'OPTIONS',
        url: '/api/v1/flags/',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(String(res.headers['access-control-allow-headers'])).toContain('x-environment-key');
    });
  });

  describe('/api/v1/identities/', () => {
    it('evaluates segment overrides, identity overrides and variants for a transient identity', async () => {
      const res = await call('POST', '/api/v1/identities/', CLIENT_KEY, {
        identifier: 'u1',
        traits: [{ trait_key: 'plan', trait_value: 'beta' }],
        transient: true,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { identifier: string; flags: Flag[]; traits: unknown[] };
      expect(body.identifier).toBe('u1');
      expect(body.flags.map((f) => [f.feature.name, f.enabled, f.feature_state_value, f.variant])).toEqual([
        ['banner', true, 'beta-banner', null],
        ['colour', true, 'blue', 'blue_variant'],
      ]);
      expect(body.traits).toEqual([{ id: null, trait_key: 'plan', trait_value: 'beta', transient: true }]);
      const vip = (await call('GET', '/api/v1/identities/?identifier=vip', CLIENT_KEY)).json() as {
        flags: Flag[];
      };
      expect(vip.flags[0]?.feature_state_value).toBe('vip-banner');
    });

    it('persists traits: stores, updates and deletes them, and serves them on the next request', async () => {
      const first = await call('POST', '/api/v1/identities/', SERVER_KEY, {
        identifier: 'stored-user',
        traits: [
          { trait_key: 'plan', trait_value: 'beta' },
          { trait_key: 'age', trait_value: 30 },
          { trait_key: 'session', trait_value: 'x', transient: true },
        ],
      });
      expect(first.statusCode).toBe(200);
      const db = server.database.db;
      const stored = async () =>
        db
          .selectFrom('traits')
          .innerJoin('identities', 'identities.id', 'traits.identity_id')
          .where('identities.identifier', '=', 'stored-user')
          .select(['trait_key', 'string_value', 'integer_value'])
          .orderBy('trait_key')
          .execute();
      await until(async () => (await stored()).length === 2, 'traits written');
      expect(await stored()).toEqual([
        { trait_key: 'age', string_value: null, integer_value: 30 },
        { trait_key: 'plan', string_value: 'beta', integer_value: null },
      ]);
      // No traits sent: the stored ones decide the segment.
      const again = (await call('GET', '/api/v1/identities/?identifier=stored-user', SERVER_KEY)).json() as {
        flags: Flag[];
        traits: Array<{ trait_key: string }>;
      };
      expect(again.flags[0]?.feature_state_value).toBe('beta-banner');
      expect(again.traits.map((t) => t.trait_key)).toEqual(['plan', 'age']);
      await call('POST', '/api/v1/identities/', SERVER_KEY, {
        identifier: 'stored-user',
        traits: [
          { trait_key: 'plan', trait_value: null },
          { trait_key: 'age', trait_value: 31 },
        ],
      });
      await until(async () => (await stored()).length === 1, 'trait deleted');
      expect(await stored()).toEqual([{ trait_key: 'age', string_value: null, integer_value: 31 }]);
    });

    it('answers a missing identifier with Core 200 detail, and rejects over-long trait values per trait', async () => {
      const missing = await call('GET', '/api/v1/identities/', CLIENT_KEY);
      expect(missing.statusCode).toBe(200);
      expect(missing.json()).toEqual({ detail: 'Missing identifier' });
      const long = await call('POST', '/api/v1/identities/', CLIENT_KEY, {
        identifier: 'u',
        traits: [
          { trait_key: 'ok', trait_value: 1 },
          { trait_key: 'big', trait_value: 'x'.repeat(2001) },
        ],
      });
      expect(long.statusCode).toBe(400);
      expect(long.json()).toEqual({
        traits: [{}, { trait_value: ['Value string is too long. Must be less than 2000 character'] }],
      });
    });

    it('GET with ?feature= answers one flag with its variant', async () => {
      const res = await call(
        'GET',
        '/api/v1/identities/?identifier=u2&feature=colour&transient=1',
        CLIENT_KEY,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ feature: { name: 'colour' }, variant: 'blue_variant' });
    });
  });

  describe('GET /api/v1/flags/{feature_id}/multivariate-options/', () => {
    const options = (id: string, key: string | undefined) =>
      call('GET', `/api/v1/flags/${id}/multivariate-options/`, key);

    it("answers the environment default's value and every option's typed value in id order", async () => {
      const res = await options('2', CLIENT_KEY);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.json()).toEqual({
        control_value: 'red',
        options: [{ value: true }, { value: 'blue' }, { value: 7 }],
      });
      expect((await options('1', CLIENT_KEY)).json()).toEqual({
        control_value: 'default-banner',
        options: [],
      });
      const preflight = await server.http.inject({
        method: 'OPTIONS',
        url: '/api/v1/flags/2/multivariate-options/',
      });
      expect(preflight.statusCode).toBe(200);
      expect(preflight.headers['access-control-allow-headers']).toContain('x-environment-key');
    });

    it('shows a server-key-only feature to server keys only', async () => {
      expect((await options('3', SERVER_KEY)).json()).toEqual({ control_value: 42, options: [] });
      const client = await options('3', CLIENT_KEY);
      expect(client.statusCode).toBe(404);
      expect(client.json()).toEqual({ detail: 'Not found.' });
    });

    it("answers 404 for an unknown feature and for another project's, 400 naming a bad id, 403 without a key", async () => {
      const projectId = await insertProject(server.database, 'other');
      await server.database.db
        .insertInto('features')
        .values({ id: 50, name: 'elsewhere', project_id: projectId })
        .execute();
      await server.database.db
        .insertInto('multivariate_options')
        .values({ feature_id: 50, type: 'unicode', string_value: 'not yours' })
        .execute();
      for (const id of ['50', '999', '12345678901234567890123']) {
        const res = await options(id, SERVER_KEY);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ detail: 'Not found.' });
      }
      for (const id of ['abc', '-1', '1.5', '2e3']) {
        const res = await options(id, SERVER_KEY);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ feature_id: ['A valid integer is required.'] });
      }
      const anonymous = await options('2', undefined);
      expect(anonymous.statusCode).toBe(403);
      expect(anonymous.json()).toEqual({ detail: 'Invalid or missing Environment key' });
    });
  });

  describe('/api/v1/traits/', () => {
    it('sets a trait, bulk-sets and deletes (null), and serves the stored traits to the identity', async () => {
      const one = await call('POST', '/api/v1/traits/', SERVER_KEY, {
        identity: { identifier: 'trait-user' },
        trait_key: 'plan',
        trait_value: 'beta',
      });
      expect(one.statusCode).toBe(200);
      expect(one.json()).toEqual({
        identity: { identifier: 'trait-user' },
        trait_key: 'plan',
        trait_value: 'beta',
      });
      const bulk = await call('PUT', '/api/v1/traits/bulk/', SERVER_KEY, [
        { identity: { identifier: 'trait-user' }, trait_key: 'age', trait_value: 40 },
        { identity: { identifier: 'trait-user' }, trait_key: 'plan', trait_value: null },
      ]);
      expect(bulk.statusCode).toBe(200);
      const keys = async () =>
        (
          await server.database.db
            .selectFrom('traits')
            .innerJoin('identities', 'identities.id', 'traits.identity_id')
            .where('identities.identifier', '=', 'trait-user')
            .select('trait_key')
            .execute()
        ).map((r) => r.trait_key);
      await until(async () => (await keys()).join() === 'age', 'bulk traits written');
      const missing = await call('POST', '/api/v1/traits/', SERVER_KEY, { trait_key: 'x', trait_value: 1 });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ identity: ['This field is required.'] });
    });

    it("keeps an identity's stored traits when a trait is set before the identity was read", async () => {
      const env = { environment_id: fixture.environmentId, identifier: 'traits-before-read' };
      const row = await server.database.db
        .insertInto('identities')
        .values(env)
        .returning('id')
        .executeTakeFirstOrThrow();
      await server.database.db
        .insertInto('traits')
        .values({ identity_id: row.id, trait_key: 'plan', value_type: 'unicode', string_value: 'beta' })
        .execute();
      await call('POST', '/api/v1/traits/', SERVER_KEY, {
        identity: { identifier: 'traits-before-read' },
        trait_key: 'age',
        trait_value: 3,
      });
      const res = await call('GET', '/api/v1/identities/?identifier=traits-before-read', SERVER_KEY);
      const body = res.json() as { flags: Flag[]; traits: Array<{ trait_key: string }> };
      expect(body.traits.map((t) => t.trait_key).sort()).toEqual(['age', 'plan']);
      expect(body.flags[0]?.feature_state_value).toBe('beta-banner');
    });

    it('increment-value starts a missing trait at 0, adds concurrent increments up, and refuses non-integers', async () => {
      const increment = (trait_key: string, increment_by: unknown) =>
        call('POST', '/api/v1/traits/increment-value/', SERVER_KEY, {
          identifier: 'counter-user',
          trait_key,
          increment_by,
        });
      const first = await increment('logins', 5);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ trait_key: 'logins', trait_value: 5, identifier: 'counter-user' });
      const many = await Promise.all(Array.from({ length: 10 }, () => increment('logins', 2)));
      expect(many.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
      expect(many.map((r) => r.json().trait_value).sort((a, b) => a - b)).toEqual([
        7, 9, 11, 13, 15, 17, 19, 21, 23, 25,
      ]);
      expect((await increment('logins', -26)).json().trait_value).toBe(-1);
      const stored = async () =>
        server.database.db
          .selectFrom('traits')
          .innerJoin('identities', 'identities.id', 'traits.identity_id')
          .where('identities.identifier', '=', 'counter-user')
          .where('traits.trait_key', '=', 'logins')
          .select(['traits.integer_value', 'traits.value_type'])
          .executeTakeFirst();
      await until(async () => (await stored())?.integer_value === -1, 'the incremented value written');
      expect((await stored())?.value_type).toBe('int');

      await call('POST', '/api/v1/traits/', SERVER_KEY, {
        identity: { identifier: 'counter-user' },
        trait_key: 'plan',
        trait_value: 'pro',
      });
      const text = await increment('plan', 1);
      expect(text.statusCode).toBe(400);
      expect(text.json()).toEqual({ trait_key: ['Trait is not an integer.'] });
      const fraction = await increment('logins', 1.5);
      expect(fraction.statusCode).toBe(400);
      expect(JSON.stringify(fraction.json())).toContain('increment_by');
    });
  });

  describe('GET /api/v1/environment-document/', () => {
    it('needs a server key, sends the stored document with Last-Modified, and 304s when not modified', async () => {
      const client = await call('GET', '/api/v1/environment-document/', CLIENT_KEY);
      expect(client.statusCode).toBe(403);
      expect(client.json()).toEqual({ detail: 'Invalid or missing Environment key' });
      const res = await call('GET', '/api/v1/environment-document/', SERVER_KEY);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(sdkDocument(fixture.environmentId));
      expect(res.headers['last-modified']).toBe('Sat, 21 Nov 2026 10:00:00 GMT');
      const notModified = await call('GET', '/api/v1/environment-document/', SERVER_KEY, undefined, {
        'if-modified-since': String(res.headers['last-modified']),
      });
      expect(notModified.statusCode).toBe(304);
      expect(notModified.body).toBe('');
      const modified = await call('GET', '/api/v1/environment-document/', SERVER_KEY, undefined, {
        'if-modified-since': 'Sat, 21 Nov 2026 09:59:59 GMT',
      });
      expect(modified.statusCode).toBe(200);
    });
  });

  it('serves a new document version once it is stored (notice or periodic check)', async () => {
    const changed = sdkDocument(fixture.environmentId);
    (changed.feature_states[0] as { feature_state_value: unknown }).feature_state_value = 'version-2';
    await fixture.writeDocument(changed, 2, new Date('2026-11-21T11:00:00Z'));
    await until(async () => {
      const flags = (await call('GET', '/api/v1/flags/', CLIENT_KEY)).json() as Flag[];
      return flags[0]?.feature_state_value === 'version-2';
    }, 'version 2 served');
    const res = await call('GET', '/api/v1/flags/', CLIENT_KEY);
    expect(res.headers['x-flagsmith-document-updated-at']).toBe('1795258800.000000');
  });
});
