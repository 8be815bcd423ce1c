import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface LegacyFlag {
  feature: { name: string };
  feature_state_value: unknown;
  enabled: boolean;
}

describeEachBackend('SDK API deprecated paths', (backend) => {
  let server: TestServer;
  let fixture: SdkFixture;
  const call = sdkCaller(() => server.http);
  const setTrait = (identifier: string, traitKey: string, body: unknown, key = SERVER_KEY) =>
    call('POST', `/api/v1/identities/${identifier}/traits/${traitKey}`, key, body);
  const storedTrait = (identifier: string, traitKey: string) =>
    server.database.db
      .selectFrom('traits')
      .innerJoin('identities', 'identities.id', 'traits.identity_id')
      .where('identities.identifier', '=', identifier)
      .where('traits.trait_key', '=', traitKey)
      .select(['traits.id', 'traits.string_value'])
      .executeTakeFirst();

  beforeAll(async () => {
    server = await startTestServer(backend, { VEXIL_ROLES: 'sdk', VEXIL_SDK_REFRESH_INTERVAL_MS: '100' });
    fixture = await createSdkFixture(server.database);
    // The document's segment 16, with the description only the database has.
    await server.database.db
      .insertInto('segments')
      .values({ id: 16, name: 'beta', description: 'Beta testers', project_id: fixture.projectId })
      .execute();
    await fixture.writeDocument(sdkDocument(fixture.environmentId), 1);
  });
  afterAll(() => server.dispose());

  describe('GET /api/v1/identities/<identifier>/', () => {
    it("answers Core's flags (no variant), traits and segments, and creates the identity", async () => {
      const res = await call('GET', '/api/v1/identities/legacy-plain/', CLIENT_KEY);
      expect(res.statusCode).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      const body = res.json() as { flags: LegacyFlag[]; traits: unknown[]; segments: unknown[] };
      expect(Object.keys(body)).toEqual(['flags', 'traits', 'segments']);
      // Client key: the server-key-only feature is left out, as on /identities/.
      expect(body.flags.map((f) => [f.feature.name, f.feature_state_value])).toEqual([
        ['banner', 'default-banner'],
        ['colour', 'blue'],
      ]);
      expect(body.flags[0]).toEqual(bannerDefaultFlag(fixture.environmentId));
      expect(body.traits).toEqual([]);
      expect(body.segments).toEqual([]);
      await until(
        async () =>
          (await server.database.db
            .selectFrom('identities')
            .where('identifier', '=', 'legacy-plain')
            .select('id')
            .executeTakeFirst()) !== undefined,
        'the identity created',
      );
      const server_ = (await call('GET', '/api/v1/identities/legacy-plain/', SERVER_KEY)).json() as {
        flags: LegacyFlag[];
      };
      expect(server_.flags.map((f) => f.feature.name)).toEqual(['banner', 'colour', 'secret']);
    });

    it('refuses a missing key with 403', async () => {
      const res = await call('GET', '/api/v1/identities/legacy-plain/', undefined);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ detail: 'Invalid or missing Environment key' });
    });
  });

  describe('POST /api/v1/identities/<identifier>/traits/<key>', () => {
    it('sets a trait that the identity route then evaluates, lists and segments by', async () => {
      const set = await setTrait('legacy-beta', 'plan', { trait_value: 'beta' });
      expect(set.statusCode).toBe(200);
      expect(set.json()).toEqual({ id: null, trait_key: 'plan', trait_value: 'beta', transient: false });
      await until(
        async () => (await storedTrait('legacy-beta', 'plan'))?.string_value === 'beta',
        'trait stored',
      );
      const res = await call('GET', '/api/v1/identities/legacy-beta/', CLIENT_KEY);
      const body = res.json() as { flags: LegacyFlag[]; traits: unknown[]; segments: unknown[] };
      expect(body.flags[0]?.feature_state_value).toBe('beta-banner');
      expect(body.traits).toEqual([
        expect.objectContaining({ trait_key: 'plan', trait_value: 'beta', transient: false }),
      ]);
      expect(body.segments).toEqual([{ id: 16, name: 'beta', description: 'Beta testers' }]);
      const again = await setTrait('legacy-beta', 'plan', { trait_value: 'gold' });
      expect(again.json()).toMatchObject({ trait_key: 'plan', trait_value: 'gold', transient: false });
      await until(
        async () => (await storedTrait('legacy-beta', 'plan'))?.string_value === 'gold',
        'trait changed',
      );
    });

    it('refuses a body without trait_value, and names a too long key or value', async () => {
      const missing = await setTrait('legacy-bad', 'plan', {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ detail: 'Trait value not provided' });
      const longKey = await setTrait('legacy-bad', 'k'.repeat(201), { trait_value: 1 });
      expect(longKey.statusCode).toBe(400);
      expect(Object.keys(longKey.json())).toEqual(['trait_key']);
      // An identifier of the largest size is a path parameter like any other; one more character is refused.
      const longest = await setTrait('i'.repeat(2000), 'plan', { trait_value: 1 });
      expect(longest.statusCode).toBe(200);
      const longIdentifier = await call('GET', `/api/v1/identities/${'i'.repeat(2001)}/`, SERVER_KEY);
      expect(longIdentifier.statusCode).toBe(400);
      expect(Object.keys(longIdentifier.json())).toEqual(['identifier']);
      const longValue = await setTrait('legacy-bad', 'plan', { trait_value: 'x'.repeat(2001) });
      expect(longValue.statusCode).toBe(400);
      expect(Object.keys(longValue.json())).toEqual(['trait_value']);
    });

    it('refuses client keys once the environment disallows client traits', async () => {
      expect((await setTrait('legacy-client', 'plan', { trait_value: 'a' }, CLIENT_KEY)).statusCode).toBe(
        200,
      );
      await fixture.writeDocument(sdkDocument(fixture.environmentId, { allow_client_traits: false }), 2);
      await until(
        async () =>
          (await setTrait('legacy-client', 'plan', { trait_value: 'b' }, CLIENT_KEY)).statusCode === 400,
        'version 2 served',
      );
      const refused = await setTrait('legacy-client', 'plan', { trait_value: 'b' }, CLIENT_KEY);
      expect(refused.json()).toEqual({ non_field_errors: ['Setting traits not allowed with client key.'] });
      expect((await setTrait('legacy-client', 'plan', { trait_value: 'b' })).statusCode).toBe(200);
    });
  });
});
