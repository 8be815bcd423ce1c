import { type ConfigError, loadConfig } from '../config/config.ts';
import { loadMigrationFiles, MIGRATIONS_DIR } from '../platform/db/migration-files.ts';
import { describeProblem, migrate, migrationStatus } from '../platform/db/migrator.ts';
import { openDatabase } from '../platform/db/open-database.ts';
import { createLogger } from '../platform/logger.ts';

/**
 * `npm run db:status | db:check | db:migrate`, against the database the server would use (DATABASE_URL, else the
 * embedded one in VEXIL_DATA_DIR). db:check exits 1 when the folder and the database disagree, which is exactly
 * when `npm start` would refuse to start: run it before deploying.
 */
const USAGE = 'usage: db.ts status | check | migrate';
const command = process.argv[2];
if (!command || !['status', 'check', 'migrate'].includes(command)) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  process.stderr.write(`${(err as ConfigError).message}\n`);
  process.exit(1);
}
const logger = createLogger('warn');
const files = loadMigrationFiles(process.env.VEXIL_MIGRATIONS_DIR ?? MIGRATIONS_DIR);
const database = await openDatabase(config, logger);
let exitCode = 0;
try {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`database: ${database.description}`);
  if (command === 'migrate') {
    const applied = await migrate(database, files, {
      onApply: (e) => e.phase === 'done' && out(`applied ${e.name} (${e.durationMs} ms)`),
    });
    out(applied.length === 0 ? 'nothing to apply' : `applied ${applied.length} migration(s)`);
  } else {
    const status = await migrationStatus(database, files);
    if (command === 'status') {
      for (const a of status.applied)
        out(`applied  ${a.name}  ${a.applied_at.toISOString()}  sha256 ${a.checksum.slice(0, 12)}`);
      for (const p of status.pending) out(`pending  ${p.name}`);
      out(`${status.applied.length} applied, ${status.pending.length} pending`);
    }
    if (status.problems.length > 0) {
      process.stderr.write(`${status.problems.map(describeProblem).join('\n')}\n`);
      exitCode = 1;
    } else if (command === 'check') {
      out(
        `ok: ${status.applied.length} applied migration(s) match their files; ${status.pending.length} pending`,
      );
    }
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
