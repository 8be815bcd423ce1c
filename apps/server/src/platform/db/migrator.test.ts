import { describe, expect, it } from 'vitest';
import { checksumOf, type MigrationFile } from './migration-files.ts';
import { type AppliedMigration, compareMigrations, describeProblem } from './migrator.ts';

const file = (id: number, sql = `-- ${id}`): MigrationFile => ({
  id,
  name: `${String(id).padStart(4, '0')}_m${id}.sql`,
  sql,
  checksum: checksumOf(sql),
});
const applied = (f: MigrationFile, checksum = f.checksum): AppliedMigration => ({
  id: f.id,
  name: f.name,
  checksum,
  applied_at: new Date(),
});

describe('compareMigrations', () => {
  it('lists files the database has not applied as pending, in order', () => {
    const [a, b, c] = [file(1), file(2), file(3)] as const;
    const status = compareMigrations([applied(a)], [c, a, b]);
    expect(status.problems).toEqual([]);
    expect(status.pending.map((f) => f.id)).toEqual([2, 3]);
  });

  it('reports an applied migration whose file changed, with both checksums', () => {
    const a = file(1, 'CREATE TABLE a (id int);');
    const edited = {
      ...a,
      sql: 'CREATE TABLE a (id bigint);',
      checksum: checksumOf('CREATE TABLE a (id bigint);'),
    };
    const status = compareMigrations([applied(a)], [edited]);
    expect(status.problems).toEqual([
      { kind: 'changed', name: a.name, appliedChecksum: a.checksum, fileChecksum: edited.checksum },
    ]);
    const text = describeProblem(status.problems[0] as never);
    expect(text).toContain(a.name);
    expect(text).toContain(a.checksum);
    expect(text).toContain(edited.checksum);
    expect(text).toContain('Migrations are immutable: restore the file and add a new one');
  });

  it('reports a migration the database applied but the code does not have', () => {
    const [a, b] = [file(1), file(2)] as const;
    const status = compareMigrations([applied(a), applied(b)], [a]);
    expect(status.problems).toEqual([{ kind: 'unknown', name: b.name, appliedChecksum: b.checksum }]);
    expect(describeProblem(status.problems[0] as never)).toContain(`has applied ${b.name}`);
  });

  it('reports a pending migration numbered before one already applied', () => {
    const [a, b, c] = [file(1), file(2), file(3)] as const;
    const status = compareMigrations([applied(a), applied(c)], [a, b, c]);
    expect(status.problems).toEqual([{ kind: 'out-of-order', name: b.name, after: c.name }]);
  });

  it('is clean when everything is applied unchanged', () => {
    const files = [file(1), file(2)];
    expect(
      compareMigrations(
        files.map((f) => applied(f)),
        files,
      ),
    ).toMatchObject({ pending: [], problems: [] });
  });
});
