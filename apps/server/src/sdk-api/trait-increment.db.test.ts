import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/support/test-databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { loadConfig } from '../config/config.ts';
import { createLogger } from '../platform/logger.ts';
import { type RunningServer, startServer } from '../server.ts';
import { createSdkFixture, SERVER_KEY, sdkDocument, until } from './sdk-test-fixture.ts';

// Two SDK servers on one database, each with its own identity cache and write queue: what two processes are.
describeEachBackend('POST /api/v1/traits/increment-value/ across processes', (backend) => {
  let first: TestServer;
  let second: RunningServer;

  beforeAll(async () => {
    const env = { VEXIL_ROLES: 'sdk', VEXIL_SDK_REFRESH_INTERVAL_MS: '100' };
    first = await startTestServer(backend, env);
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env });
    second = await startServer(config, { database: first.database, logger: createLogger(config.logLevel) });
    const fixture = await createSdkFixture(first.database);
    await fixture.writeDocument(sdkDocument(fixture.environmentId), 1);
  });
  afterAll(async () => {
    await second?.close();
    await first?.dispose();
  });

  const increment = (server: RunningServer, identifier: string, trait_key: string, increment_by: unknown) =>
    server.http.inject({
      method: 'POST',
      url: '/api/v1/traits/increment-value/',
      headers: { 'x-environment-key': SERVER_KEY },
      payload: { identifier, trait_key, increment_by },
    });
  const stored = async (identifier: string, key: string) =>
    first.database.db
      .selectFrom('traits')
      .innerJoin('identities', 'identities.id', 'traits.identity_id')
      .where('identities.identifier', '=', identifier)
      .where('traits.trait_key', '=', key)
      .select(['traits.value_type', 'traits.integer_value', 'traits.string_value'])
      .executeTakeFirst();

  it('adds up concurrent increments sent through two servers, each seeing a distinct running total', async () => {
    const perServer = 15;
    const requests = [];
    for (let i = 0; i < perServer; i++) {
      requests.push(increment(first, 'shared-counter', 'clicks', 1));
      requests.push(increment(second, 'shared-counter', 'clicks', 1));
    }
    const responses = await Promise.all(requests);
    expect(responses.map((r) => r.statusCode)).toEqual(Array(2 * perServer).fill(200));
    // Each increment saw every one before it: the totals are exactly 1..30, none repeated, none skipped.
    const totals = responses.map((r) => r.json().trait_value as number).sort((a, b) => a - b);
    expect(totals).toEqual(Array.from({ length: 2 * perServer }, (_, i) => i + 1));
    expect(await stored('shared-counter', 'clicks')).toEqual({
      value_type: 'int',
      integer_value: 2 * perServer,
      string_value: null,
    });
    // The other server's cached identity was written to behind its back; its next increment still counts on.
    const next = await increment(first, 'shared-counter', 'clicks', 5);
    expect(next.json()).toEqual({
      trait_key: 'clicks',
      trait_value: 2 * perServer + 5,
      identifier: 'shared-counter',
    });
  });

  it('refuses a trait another server made a string, and keeps the value', async () => {
    expect((await increment(first, 'typed', 'level', 3)).json().trait_value).toBe(3);
    const set = await second.http.inject({
      method: 'POST',
      url: '/api/v1/traits/',
      headers: { 'x-environment-key': SERVER_KEY },
      payload: { identity: { identifier: 'typed' }, trait_key: 'level', trait_value: 'gold' },
    });
    expect(set.statusCode).toBe(200);
    // /traits/ answers before its queued write lands: wait for the database to hold it.
    await until(async () => (await stored('typed', 'level'))?.value_type === 'unicode', 'the string stored');
    // The first server's cache still says 3; the database says "gold", and the database decides.
    const refused = await increment(first, 'typed', 'level', 1);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ trait_key: ['Trait is not an integer.'] });
    expect(await stored('typed', 'level')).toMatchObject({ value_type: 'unicode', string_value: 'gold' });
  });

  it('applies a set and an increment of one server in the order they arrived', async () => {
    const set = first.http.inject({
      method: 'POST',
      url: '/api/v1/traits/',
      headers: { 'x-environment-key': SERVER_KEY },
      payload: { identity: { identifier: 'ordered' }, trait_key: 'score', trait_value: 100 },
    });
    const added = increment(first, 'ordered', 'score', 7);
    expect((await set).statusCode).toBe(200);
    expect((await added).json().trait_value).toBe(107);
    expect((await stored('ordered', 'score'))?.integer_value).toBe(107);
  });

  it('refuses a total beyond ±2^53 naming increment_by, and an increment_by that is not a safe integer', async () => {
    const big = 2 ** 53 - 10;
    expect((await increment(second, 'edge', 'n', big)).json().trait_value).toBe(big);
    const over = await increment(first, 'edge', 'n', 20);
    expect(over.statusCode).toBe(400);
    expect(Object.keys(over.json())).toEqual(['increment_by']);
    expect((await stored('edge', 'n'))?.integer_value).toBe(big);
    const huge = await increment(first, 'edge', 'm', 1e20);
    expect(huge.statusCode).toBe(400);
    expect(Object.keys(huge.json())).toEqual(['increment_by']);
    expect(await stored('edge', 'm')).toBeUndefined();
  });
});
