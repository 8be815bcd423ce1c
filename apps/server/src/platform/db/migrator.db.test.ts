import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../../test/support/test-databases.ts';
import { loadMigrationFiles } from './migration-files.ts';
import { MigrationFailedError, MigrationIntegrityError, migrate, migrationStatus } from './migrator.ts';

describeEachBackend('migrate', (backend) => {
  let t: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    t = await createTestDatabase(backend, { migrated: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-migrations-'));
    fs.writeFileSync(path.join(dir, '0001_create_a.sql'), 'CREATE TABLE a (id int PRIMARY KEY);');
    fs.writeFileSync(
      path.join(dir, '0002_create_b.sql'),
      'CREATE TABLE b (id int PRIMARY KEY);\nINSERT INTO b VALUES (1);',
    );
  });
  afterEach(async () => {
    await t.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = async () =>
    (
      await sql<{
        t: string;
      }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`.execute(
        t.database.db,
      )
    ).rows.map((r) => r.t);

  it('applies every file once, records name and checksum, and does nothing the second time', async () => {
    const files = loadMigrationFiles(dir);
    expect((await migrate(t.database, files)).map((f) => f.name)).toEqual([
      '0001_create_a.sql',
      '0002_create_b.sql',
    ]);
    expect(await tables()).toEqual(['a', 'b', 'vexil_migrations']);
    const rows = await t.database.db
      .selectFrom('vexil_migrations')
      .select(['name', 'checksum'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual(files.map((f) => ({ name: f.name, checksum: f.checksum })));
    expect(await migrate(t.database, loadMigrationFiles(dir))).toEqual([]);
  });

  it('refuses to run when an applied file was edited, naming it with both checksums, and changes nothing', async () => {
    await migrate(t.database, loadMigrationFiles(dir));
    const before = loadMigrationFiles(dir)[0];
    fs.writeFileSync(path.join(dir, '0001_create_a.sql'), 'CREATE TABLE a (id bigint PRIMARY KEY);');
    fs.writeFileSync(path.join(dir, '0003_create_c.sql'), 'CREATE TABLE c (id int);');
    const after = loadMigrationFiles(dir);
    const error = await migrate(t.database, after).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationIntegrityError);
    const message = (error as Error).message;
    expect(message).toContain('0001_create_a.sql');
    expect(message).toContain(before?.checksum);
    expect(message).toContain(after[0]?.checksum);
    expect(message).toContain('immutable');
    expect(await tables()).not.toContain('c');
  });

  it('refuses to run when the database applied a migration the code does not have', async () => {
    await migrate(t.database, loadMigrationFiles(dir));
    fs.rmSync(path.join(dir, '0002_create_b.sql'));
    const error = await migrate(t.database, loadMigrationFiles(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationIntegrityError);
    expect((error as Error).message).toContain('has applied 0002_create_b.sql');
  });

  it('rolls back a failing migration entirely and does not record it', async () => {
    fs.writeFileSync(
      path.join(dir, '0003_broken.sql'),
      'CREATE TABLE c (id int);\nINSERT INTO nowhere VALUES (1);',
    );
    const error = await migrate(t.database, loadMigrationFiles(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as MigrationFailedError).file).toBe('0003_broken.sql');
    expect(await tables()).toEqual(['a', 'b', 'vexil_migrations']);
    const status = await migrationStatus(t.database, loadMigrationFiles(dir));
    expect(status.pending.map((f) => f.name)).toEqual(['0003_broken.sql']);
  });

  it('applies each migration exactly once when several starters race', async () => {
    const files = loadMigrationFiles(dir);
    const results = await Promise.all([1, 2, 3, 4].map(() => migrate(t.database, files)));
    expect(
      results
        .flat()
        .map((f) => f.name)
        .sort(),
    ).toEqual(['0001_create_a.sql', '0002_create_b.sql']);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM b`.execute(t.database.db);
    expect(count.rows[0]?.n).toBe(1);
  });

  it('stops at upTo when asked, leaving later files pending', async () => {
    await migrate(t.database, loadMigrationFiles(dir), { upTo: 1 });
    const status = await migrationStatus(t.database, loadMigrationFiles(dir));
    expect(status.applied.map((a) => a.name)).toEqual(['0001_create_a.sql']);
    expect(status.pending.map((f) => f.name)).toEqual(['0002_create_b.sql']);
  });
});
