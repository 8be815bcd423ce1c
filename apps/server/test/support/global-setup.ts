import fs from 'node:fs';
import path from 'node:path';
import { loadMigrationFiles } from '../../src/platform/db/migration-files.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { openPglite } from '../../src/platform/db/open-pglite.ts';
import { openPostgres } from '../../src/platform/db/open-postgres.ts';
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  pgliteEmptyPath,
  pgliteTemplatePath,
  pgTemplateName,
  postgresUrlFor,
  templateKey,
  withAdminClient,
} from './test-databases.ts';

/**
 * Runs once per `vitest` run: makes sure a migrated template exists for each backend (named by the migrations'
 * checksums, so it is rebuilt exactly when a migration changes), and sweeps databases left by crashed runs.
 */
export async function setup() {
  const files = loadMigrationFiles();
  const key = templateKey(files);
  await Promise.all([ensurePostgresTemplate(key, files), ensurePgliteTemplates(key, files)]);
}

async function ensurePostgresTemplate(key: string, files: ReturnType<typeof loadMigrationFiles>) {
  const template = pgTemplateName(key);
  const { rows } = await withAdminClient((c) =>
    c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'vexil\\_%'`),
  );
  const cutoff = Date.now() / 1000 - 6 * 3600;
  for (const { datname } of rows) {
    const m = /^vexil_t_(\d+)_/.exec(datname);
    if (m && Number(m[1]) < cutoff) await dropPostgresDatabase(datname).catch(() => {});
  }
  if (rows.some((r) => r.datname === template)) return;
  // Build under a private name and rename when complete, so a concurrent run never clones a half-migrated template.
  const building = await createPostgresDatabase();
  const database = await openPostgres({ url: postgresUrlFor(building), poolSize: 1 });
  try {
    await migrate(database, files);
  } finally {
    await database.close();
  }
  // The server ends a backend a moment after its client disconnects, so the rename may need a few tries.
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdminClient((c) => c.query(`ALTER DATABASE ${building} RENAME TO ${template}`));
      return;
    } catch (err) {
      const message = (err as Error).message;
      if (/already exists/.test(message)) return dropPostgresDatabase(building); // a concurrent run finished first
      if (attempt > 50 || !/being accessed by other users/.test(message)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function ensurePgliteTemplates(key: string, files: ReturnType<typeof loadMigrationFiles>) {
  const templatePath = pgliteTemplatePath(key);
  const emptyPath = pgliteEmptyPath();
  // Templates of other migration sets (other branches, edited files) pile up at 40 MB each: sweep old ones.
  const dir = path.dirname(templatePath);
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (/^vexil-pglite-template-\w+\.tar$/.test(name) && file !== templatePath) {
      if (Date.now() - fs.statSync(file).mtimeMs > 86_400_000) fs.rmSync(file, { force: true });
    }
  }
  if (fs.existsSync(templatePath) && fs.existsSync(emptyPath)) return;
  const database = await openPglite({ dataDir: 'memory' });
  try {
    if (!fs.existsSync(emptyPath)) await writeAtomically(emptyPath, await database.dump());
    await migrate(database, files);
    await writeAtomically(templatePath, await database.dump());
  } finally {
    await database.close();
  }
}

async function writeAtomically(file: string, blob: Blob) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
  fs.renameSync(tmp, file);
}
