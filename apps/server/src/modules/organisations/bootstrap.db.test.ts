import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../../test/support/test-databases.ts';
import { createLogger } from '../../platform/logger.ts';
import { MasterApiKeyAuthenticator } from '../auth/index.ts';
import { bootstrap } from './bootstrap.ts';

const KEY = 'the-bootstrap-key-value-0123456789';
const logger = createLogger('silent');

describeEachBackend('bootstrap', (backend) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(backend);
  });
  afterEach(() => t.dispose());

  it('creates organisation "Default" and a master key with exactly the given value, stored only hashed', async () => {
    expect(await bootstrap(t.database, KEY, logger)).toBe('created');
    const orgs = await t.database.db.selectFrom('organisations').select(['id', 'name']).execute();
    expect(orgs.map((o) => o.name)).toEqual(['Default']);
    const keys = await t.database.db.selectFrom('master_api_keys').selectAll().execute();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.key_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(keys)).not.toContain(KEY);
    const principal = await new MasterApiKeyAuthenticator(t.database.db).authenticate(KEY);
    expect(principal).toMatchObject({ kind: 'master-api-key', organisationId: orgs[0]?.id, isAdmin: true });
    expect(await new MasterApiKeyAuthenticator(t.database.db).authenticate(`${KEY}x`)).toBeNull();
  });

  it('is idempotent: a restart with the same key changes nothing', async () => {
    await bootstrap(t.database, KEY, logger);
    expect(await bootstrap(t.database, KEY, logger)).toBe('already-present');
    expect(await t.database.db.selectFrom('organisations').selectAll().execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('master_api_keys').selectAll().execute()).toHaveLength(1);
  });

  it('creates one organisation when several processes start at once', async () => {
    const outcomes = await Promise.all([1, 2, 3].map(() => bootstrap(t.database, KEY, logger)));
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(await t.database.db.selectFrom('organisations').selectAll().execute()).toHaveLength(1);
  });

  it('leaves a database that already has organisations alone', async () => {
    await t.database.db.insertInto('organisations').values({ name: 'Existing' }).execute();
    expect(await bootstrap(t.database, KEY, logger)).toBe('skipped-not-empty');
    expect(await t.database.db.selectFrom('master_api_keys').selectAll().execute()).toHaveLength(0);
  });

  it('does nothing without a key', async () => {
    expect(await bootstrap(t.database, undefined, logger)).toBe('not-configured');
    expect(await t.database.db.selectFrom('organisations').selectAll().execute()).toHaveLength(0);
  });
});
