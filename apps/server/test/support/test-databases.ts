import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import type { Database } from '../../src/platform/db/database.ts';
import { loadMigrationFiles, type MigrationFile } from '../../src/platform/db/migration-files.ts';
import { openPglite } from '../../src/platform/db/open-pglite.ts';
import { openPostgres } from '../../src/platform/db/open-postgres.ts';

/** Every database test runs on both: the embedded database users get by default, and real Postgres. */
export type Backend = 'pglite' | 'postgres';
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];

/** An existing database on the test Postgres server we may connect to in order to create others. */
export const POSTGRES_ADMIN_URL =
  process.env.VEXIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `describe` once per backend, with the backend in the title. */
export function describeEachBackend(title: string, body: (backend: Backend) => void) {
  for (const backend of BACKENDS) describe(`${title} [${backend}]`, () => body(backend));
}

/** Names derived from the migrations' checksums: a changed migration gets a fresh template, never a stale one. */
export function templateKey(files: readonly MigrationFile[] = loadMigrationFiles()): string {
  return createHash('sha256')
    .update(files.map((f) => `${f.name}:${f.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
}

export const pgTemplateName = (key: string) => `vexil_tpl_${key}`;
export const pgliteTemplatePath = (key: string) => path.join(os.tmpdir(), `vexil-pglite-template-${key}.tar`);
export const pgliteEmptyPath = () => path.join(os.tmpdir(), 'vexil-pglite-empty.tar');

export interface TestDatabase {
  backend: Backend;
  database: Database;
  /** For Postgres: a URL to this database (to start a server process on it). */
  url: string | undefined;
  /** Closes the connection and, for Postgres, drops the database. */
  dispose(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** true (default): cloned from the fully migrated template. false: an empty database. */
  migrated?: boolean;
}

/** A private database for one test file: cloned from a template in well under a second on either backend. */
export async function createTestDatabase(
  backend: Backend,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (backend === 'pglite') {
    const file = migrated ? pgliteTemplatePath(templateKey()) : pgliteEmptyPath();
    const database = await openPglite({ dataDir: 'memory', loadDataDir: new Blob([fs.readFileSync(file)]) });
    return { backend, database, url: undefined, dispose: () => database.close() };
  }
  const name = await createPostgresDatabase(migrated ? pgTemplateName(templateKey()) : undefined);
  const url = postgresUrlFor(name);
  const database = await openPostgres({ url, poolSize: 4 });
  return {
    backend,
    database,
    url,
    async dispose() {
      await database.close();
      await dropPostgresDatabase(name);
    },
  };
}

export function postgresUrlFor(database: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `vexil_t_<unix seconds>_<random>`: the time lets global setup sweep databases left by crashed runs. */
export async function createPostgresDatabase(template?: string): Promise<string> {
  const name = `vexil_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  await withAdminClient(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
        return;
      } catch (err) {
        // Two files cloning the same template at the same instant can collide; a retry succeeds.
        if (attempt < 20 && /being accessed by other users/.test((err as Error).message)) {
          await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
          continue;
        }
        throw err;
      }
    }
  });
  return name;
}

export async function dropPostgresDatabase(name: string): Promise<void> {
  await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export async function withAdminClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
