import type { Database, SqlSession } from './database.ts';
import type { MigrationFile } from './migration-files.ts';

/**
 * Applies plain-SQL migrations, up only, each in its own transaction, under an advisory lock.
 *
 * Why so strict: in January 2021 Flagsmith edited a migration that had already been applied. The database
 * believed it was current, so nothing ran, and only production data exposed it. Here the database records each
 * migration's SHA-256, and any difference between what was applied and what the code holds stops the start.
 */

/** Key of the session advisory lock held while migrating ('VEXL', 1): concurrent starters queue behind it. */
const LOCK = 'pg_advisory_lock(1447385164, 1)';
const UNLOCK = 'pg_advisory_unlock(1447385164, 1)';

export interface AppliedMigration {
  id: number;
  name: string;
  checksum: string;
  applied_at: Date;
}

export type MigrationProblem =
  | { kind: 'changed'; name: string; appliedChecksum: string; fileChecksum: string }
  | { kind: 'unknown'; name: string; appliedChecksum: string }
  | { kind: 'out-of-order'; name: string; after: string };

export class MigrationIntegrityError extends Error {
  readonly problems: readonly MigrationProblem[];
  constructor(problems: readonly MigrationProblem[]) {
    super(
      `Refusing to start: the database and the migrations folder disagree.\n${problems.map(describeProblem).join('\n')}`,
    );
    this.name = 'MigrationIntegrityError';
    this.problems = problems;
  }
}

export class MigrationFailedError extends Error {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    super(`Migration ${file} failed and was rolled back: ${(cause as Error).message ?? String(cause)}`, {
      cause,
    });
    this.name = 'MigrationFailedError';
    this.file = file;
  }
}

export function describeProblem(p: MigrationProblem): string {
  switch (p.kind) {
    case 'changed':
      return (
        `  - migrations/${p.name} has changed since it was applied (applied sha256 ${p.appliedChecksum}, ` +
        `file sha256 ${p.fileChecksum}). Migrations are immutable: restore the file and add a new one.`
      );
    case 'unknown':
      return (
        `  - the database has applied ${p.name} (sha256 ${p.appliedChecksum}) but this code has no such file. ` +
        'Run the code that added it (is this an older release?); migrations are immutable: add a new one instead of deleting.'
      );
    case 'out-of-order':
      return (
        `  - migrations/${p.name} is not applied but ${p.after} (a later number) is. ` +
        'Renumber it after the newest applied migration.'
      );
  }
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  problems: MigrationProblem[];
}

/** Compares what the database applied with the files. Pure, so every rule is unit-tested without a database. */
export function compareMigrations(
  applied: readonly AppliedMigration[],
  files: readonly MigrationFile[],
): MigrationStatus {
  const byName = new Map(files.map((f) => [f.name, f]));
  const appliedNames = new Set(applied.map((a) => a.name));
  const problems: MigrationProblem[] = [];
  for (const a of applied) {
    const file = byName.get(a.name);
    if (!file) problems.push({ kind: 'unknown', name: a.name, appliedChecksum: a.checksum });
    else if (file.checksum !== a.checksum) {
      problems.push({
        kind: 'changed',
        name: a.name,
        appliedChecksum: a.checksum,
        fileChecksum: file.checksum,
      });
    }
  }
  const pending = files.filter((f) => !appliedNames.has(f.name)).sort((a, b) => a.id - b.id);
  const newestApplied = applied.reduce<AppliedMigration | undefined>(
    (m, a) => (!m || a.id > m.id ? a : m),
    undefined,
  );
  for (const p of pending) {
    if (newestApplied && p.id < newestApplied.id)
      problems.push({ kind: 'out-of-order', name: p.name, after: newestApplied.name });
  }
  return { applied: [...applied].sort((a, b) => a.id - b.id), pending, problems };
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS vexil_migrations (
    id integer PRIMARY KEY,
    name text NOT NULL UNIQUE,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    duration_ms integer NOT NULL
  )`;

async function readApplied(session: SqlSession): Promise<AppliedMigration[]> {
  const exists = await session.query<{ t: string | null }>(
    `SELECT to_regclass('vexil_migrations')::text AS t`,
  );
  if (!exists[0]?.t) return [];
  return session.query<AppliedMigration>(
    'SELECT id, name, checksum, applied_at FROM vexil_migrations ORDER BY id',
  );
}

/** Reads the status without changing anything (db:status, db:check, readiness). */
export function migrationStatus(
  database: Database,
  files: readonly MigrationFile[],
): Promise<MigrationStatus> {
  return database.withSession(async (session) => compareMigrations(await readApplied(session), files));
}

export interface MigrateOptions {
  /** Told before and after each file, for logs. */
  onApply?: (event: { name: string; phase: 'start' | 'done'; durationMs?: number }) => void;
  /** Apply only up to this id (the data-migration test applies 1..N-1, loads data, then N). */
  upTo?: number;
}

/**
 * Verifies integrity, then applies pending migrations in order. Throws MigrationIntegrityError before touching
 * anything if the folder and the database disagree, and MigrationFailedError (after rolling back) if a file fails.
 */
export async function migrate(
  database: Database,
  files: readonly MigrationFile[],
  options: MigrateOptions = {},
): Promise<MigrationFile[]> {
  return database.withSession(async (session) => {
    await session.query(`SELECT ${LOCK}`);
    try {
      // Read under the lock: a concurrent starter may have applied some while we waited.
      await session.exec(CREATE_TABLE);
      const status = compareMigrations(await readApplied(session), files);
      if (status.problems.length > 0) throw new MigrationIntegrityError(status.problems);
      const todo = status.pending.filter((f) => options.upTo === undefined || f.id <= options.upTo);
      for (const file of todo) {
        options.onApply?.({ name: file.name, phase: 'start' });
        const started = performance.now();
        await session.exec('BEGIN');
        try {
          await session.exec(file.sql);
          await session.query(
            'INSERT INTO vexil_migrations (id, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)',
            [file.id, file.name, file.checksum, Math.round(performance.now() - started)],
          );
          await session.exec('COMMIT');
        } catch (err) {
          await session.exec('ROLLBACK').catch(() => {});
          throw new MigrationFailedError(file.name, err);
        }
        options.onApply?.({
          name: file.name,
          phase: 'done',
          durationMs: Math.round(performance.now() - started),
        });
      }
      return todo;
    } finally {
      await session.query(`SELECT ${UNLOCK}`).catch(() => {});
    }
  });
}
