import { describe, expect, it } from 'vitest';
import { checksumOf, loadMigrationFiles, type MigrationFile } from './migration-files.ts';
import { lintMigrations } from './migration-linter.ts';

const BASE = 'CREATE TABLE features (id int PRIMARY KEY, name text, project_id int);';
const files = (...sqls: string[]): MigrationFile[] =>
  sqls.map((sql, i) => ({
    id: i + 1,
    name: `${String(i + 1).padStart(4, '0')}_m.sql`,
    sql,
    checksum: checksumOf(sql),
  }));

/** Lints `sql` as a migration that runs after one creating `features`, which may therefore hold data. */
const lintAfterBase = async (sql: string) => (await lintMigrations(files(BASE, sql))).map((f) => f.rule);

describe('lintMigrations', () => {
  it('passes the repository migrations', async () => {
    expect(await lintMigrations(loadMigrationFiles())).toEqual([]);
  });

  it.each([
    ['ALTER TABLE features ADD COLUMN owner int NOT NULL', 'not-null-column-without-default'],
    ['ALTER TABLE features ADD COLUMN u uuid DEFAULT gen_random_uuid()', 'table-rewriting-default'],
    ['ALTER TABLE features ADD COLUMN n serial', 'table-rewriting-default'],
    ['ALTER TABLE features ALTER COLUMN name SET NOT NULL', 'set-not-null-without-data-step'],
    ['ALTER TABLE features ADD CONSTRAINT u UNIQUE (name)', 'unique-without-data-step'],
    ['CREATE UNIQUE INDEX features_name ON features (name)', 'unique-without-data-step'],
    ['ALTER TABLE features ADD CONSTRAINT c CHECK (length(name) < 10)', 'constraint-without-not-valid'],
    [
      'ALTER TABLE features ADD CONSTRAINT f FOREIGN KEY (project_id) REFERENCES features (id)',
      'constraint-without-not-valid',
    ],
    ['ALTER TABLE features ALTER COLUMN project_id TYPE bigint', 'column-type-change'],
    ['ALTER TABLE features RENAME COLUMN name TO title', 'rename'],
    ['ALTER TABLE features RENAME TO flags', 'rename'],
    ['ALTER TABLE features DROP COLUMN name', 'drop-column'],
    ['DROP TABLE features', 'drop-table'],
    ['BEGIN; CREATE TABLE x (id int); COMMIT;', 'transaction-control'],
    ['CREATE INDEX CONCURRENTLY features_name ON features (name)', 'concurrently-in-transaction'],
    ['ALTER TABLE features ADD COLUMN', 'syntax-error'],
  ])('rejects on a populated table: %s', async (sql, rule) => {
    expect(await lintAfterBase(sql)).toContain(rule);
  });

  it.each([
    'ALTER TABLE features ADD COLUMN owner int NOT NULL DEFAULT 0',
    'ALTER TABLE features ADD COLUMN created timestamptz NOT NULL DEFAULT now()',
    'ALTER TABLE features ADD COLUMN note text',
    "UPDATE features SET name = 'x' WHERE name IS NULL; ALTER TABLE features ALTER COLUMN name SET NOT NULL",
    'DELETE FROM features a USING features b WHERE a.name = b.name AND a.id > b.id; CREATE UNIQUE INDEX f_name ON features (name)',
    'ALTER TABLE features ADD CONSTRAINT c CHECK (length(name) < 10) NOT VALID',
    'CREATE INDEX features_name ON features (name)',
    'CREATE TABLE tags (id int PRIMARY KEY, label text NOT NULL UNIQUE); ALTER TABLE tags ADD COLUMN x int NOT NULL',
  ])('accepts: %s', async (sql) => {
    expect(await lintAfterBase(sql)).toEqual([]);
  });

  it('accepts anything on a table created earlier in the same migration', async () => {
    const findings = await lintMigrations(
      files(`${BASE} ALTER TABLE features ALTER COLUMN name SET NOT NULL;`),
    );
    expect(findings).toEqual([]);
  });

  it('honours a reviewed exception that gives a reason, and only for the named rule', async () => {
    const sql =
      '-- vexil-lint-ignore: drop-column nothing has read it since release 0.3\nALTER TABLE features DROP COLUMN name;';
    expect(await lintAfterBase(sql)).toEqual([]);
    expect(await lintAfterBase(`${sql}\nALTER TABLE features ALTER COLUMN id TYPE bigint;`)).toEqual([
      'column-type-change',
    ]);
  });

  it('rejects an exception without a reason', async () => {
    expect(
      await lintAfterBase('-- vexil-lint-ignore: drop-column\nALTER TABLE features DROP COLUMN name;'),
    ).toContain('bad-lint-ignore');
  });

  it('names the file and the line of the offending statement', async () => {
    const [f] = await lintMigrations(
      files(BASE, '-- a comment\n\n-- another\nALTER TABLE features ADD COLUMN x int NOT NULL;'),
    );
    expect(f).toMatchObject({ file: '0002_m.sql', line: 4, rule: 'not-null-column-without-default' });
    expect(f?.message).toContain('features.x');
  });
});
