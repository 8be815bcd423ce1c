import { expect, it } from 'vitest';
import { describeEachBackend, withAdminClient } from '../../test/support/test-databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { CLIENT_KEY, createSdkFixture, SERVER_KEY, sdkDocument, until } from './sdk-test-fixture.ts';

/** A real outage for a pg pool: refuse new connections and kill the open ones. */
async function setConnectionsAllowed(server: TestServer, allowed: boolean) {
  const name = new URL(server.testDatabase.url as string).pathname.slice(1);
  await withAdminClient(async (client) => {
    await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    }
  });
}

describeEachBackend('SDK API while the database is down', (backend) => {
  it('keeps serving the last documents, queues identity writes, reports degraded, and writes them on return', async () => {
    const server = await startTestServer(backend, {
      VEXIL_ROLES: 'sdk',
      VEXIL_SDK_REFRESH_INTERVAL_MS: '100',
      VEXIL_SDK_STALE_AFTER_SECONDS: '1',
      VEXIL_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    try {
      const fixture = await createSdkFixture(server.database);
      await fixture.writeDocument(sdkDocument(fixture.environmentId), 1);
      const get = (key: string) =>
        fetch(`${server.url}/api/v1/flags/`, { headers: { 'x-environment-key': key } });
      const before = await (await get(CLIENT_KEY)).text();
      expect((await get(SERVER_KEY)).status).toBe(200);

      if (backend === 'pglite') await server.testDatabase.database.close();
      else await setConnectionsAllowed(server, false);

      const during = await get(CLIENT_KEY);
      expect(during.status).toBe(200);
      expect(await during.text()).toBe(before);
      const identify = await fetch(`${server.url}/api/v1/identities/`, {
        method: 'POST',
        headers: { 'x-environment-key': SERVER_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          identifier: 'during-outage',
          traits: [{ trait_key: 'plan', trait_value: 'beta' }],
        }),
      });
      expect(identify.status).toBe(200);
      const body = (await identify.json()) as { flags: Array<{ feature_state_value: unknown }> };
      expect(body.flags[0]?.feature_state_value).toBe('beta-banner');
      // An increment's answer is the stored total: with no database it is refused at once, never queued.
      const increment = () =>
        fetch(`${server.url}/api/v1/traits/increment-value/`, {
          method: 'POST',
          headers: { 'x-environment-key': SERVER_KEY, 'content-type': 'application/json' },
          body: JSON.stringify({ identifier: 'during-outage', trait_key: 'visits', increment_by: 1 }),
        });
      const refused = await increment();
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({
        detail: 'The database is unavailable; the increment was not applied. Retry shortly.',
      });
      await until(async () => {
        const report = (await (await fetch(`${server.url}/health/readiness`)).json()) as {
          checks: Record<string, { status: string }>;
        };
        return (
          report.checks.sdk_documents?.status === 'degraded' && report.checks.sdk_canary?.status === 'ok'
        );
      }, 'sdk_documents degraded while the canary still passes');

      if (backend === 'postgres') {
        await setConnectionsAllowed(server, true);
        await until(async () => {
          const row = await server.database.db
            .selectFrom('traits')
            .innerJoin('identities', 'identities.id', 'traits.identity_id')
            .where('identities.identifier', '=', 'during-outage')
            .select('string_value')
            .executeTakeFirst();
          return row?.string_value === 'beta';
        }, 'the queued identity write to reach the database');
        const applied = await increment();
        expect(applied.status).toBe(200);
        expect(await applied.json()).toEqual({
          trait_key: 'visits',
          trait_value: 1,
          identifier: 'during-outage',
        });
      }
    } finally {
      await server.close();
      await server.testDatabase.dispose().catch(() => {});
    }
  });
});
