import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { loadMigrationFiles } from '../src/platform/db/migration-files.ts';
import { migrate } from '../src/platform/db/migrator.ts';
import { createLogger } from '../src/platform/logger.ts';
import { startServer } from '../src/server.ts';
import { countAllRows, fillFixture } from './support/fixture/fill.ts';
import { SKIP_TABLES } from './support/fixture/profile.ts';
import { createTestDatabase, describeEachBackend, type TestDatabase } from './support/test-databases.ts';

/**
 * Every migration N is applied to a database that holds production-like data at schema N-1, never only to an
 * empty one (Flagsmith's January 2021 outage passed on every empty database). The steps chain: apply N, check
 * that no row was lost or invented, top the fixture up at schema N (new tables get rows; new columns stay as old
 * rows would have them in production), apply N+1, and so on. A new migration file is a new step here with no
 * new test code. A migration that moves rows on purpose says so in a comment:
 *   -- vexil:rows-change <table> [<table> ...]
 */
const files = loadMigrationFiles();

describeEachBackend('migrations on production-like data', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(backend, { migrated: false });
  });
  afterAll(() => t.dispose());

  for (const [index, file] of files.entries()) {
    const previous = files[index - 1];
    it(`applies ${file.name} onto data at ${previous ? previous.name : 'an empty schema'} keeping every row`, async () => {
      const before = await countAllRows(t.database);
      await migrate(t.database, files, { upTo: file.id });
      const after = await countAllRows(t.database);
      const allowed = declaredRowChanges(file.sql);
      for (const [table, count] of Object.entries(before)) {
        if (SKIP_TABLES.has(table) || allowed.has(table)) continue;
        expect(after[table], `${file.name} changed the row count of ${table}`).toBe(count);
      }
      const report = await fillFixture(t.database, file.id);
      for (const [table, r] of Object.entries(report)) {
        expect(r.before + r.inserted, `fixture rows in ${table}`).toBeGreaterThan(0);
      }
    });
  }

  it('ends with every table populated at production-like volume and a server that is ready on it', async () => {
    const counts = await countAllRows(t.database);
    const empty = Object.entries(counts).filter(([table, n]) => n === 0 && !SKIP_TABLES.has(table));
    expect(empty).toEqual([]);
    expect(counts.organisations).toBeGreaterThanOrEqual(24);

    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const server = await startServer(config, { database: t.database, logger: createLogger('silent') });
    try {
      const res = await fetch(`${server.url}/health/readiness`);
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
    } finally {
      await server.close();
    }
  });
});

function declaredRowChanges(sql: string): Set<string> {
  const tables = new Set<string>();
  for (const m of sql.matchAll(/--\s*vexil:rows-change\s+([\w\s,]+)/g)) {
    for (const name of (m[1] ?? '').split(/[\s,]+/)) if (name) tables.add(name);
  }
  return tables;
}
