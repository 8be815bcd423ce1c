import { type Composed, compose } from './compose.ts';
import type { Config } from './config/config.ts';
import type { EnvironmentChangeSink } from './modules/environments/index.ts';
import { bootstrap } from './modules/organisations/index.ts';
import type { Database } from './platform/db/database.ts';
import { loadMigrationFiles, MIGRATIONS_DIR } from './platform/db/migration-files.ts';
import { migrate } from './platform/db/migrator.ts';
import { openDatabase } from './platform/db/open-database.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { createMetrics } from './platform/metrics.ts';
import { ShutdownStack } from './platform/shutdown.ts';

export interface RunningServer extends Composed {
  /** Where it listens, e.g. http://127.0.0.1:8000 */
  url: string;
  database: Database;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish, stops background work, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** An already open database (tests pass a cloned template); otherwise opened from config and closed on close(). */
  database?: Database;
  migrationsDir?: string;
  /** Where admin writes report stale environment documents (tests pass a recording fake). */
  environmentChangeSink?: EnvironmentChangeSink;
}

/**
 * Starts a server: open the database, verify and apply migrations, bootstrap, compose, listen.
 * Throws (without listening) if the migrations folder and the database disagree.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const shutdown = new ShutdownStack();
  const onCloseError = (name: string, err: unknown) =>
    logger.error({ err, name }, 'error while shutting down');
  try {
    const database = options.database ?? (await openDatabase(config, logger));
    if (!options.database) shutdown.push('database', () => database.close());
    logger.info({ database: database.description }, 'database opened');

    const migrations = loadMigrationFiles(options.migrationsDir ?? MIGRATIONS_DIR);
    const applied = await migrate(database, migrations, {
      onApply: (e) => {
        if (e.phase === 'done') logger.info({ migration: e.name, ms: e.durationMs }, 'migration applied');
      },
    });
    logger.info({ applied: applied.length, total: migrations.length }, 'migrations verified');

    await bootstrap(database, config.bootstrapApiKey, logger);

    const metrics = createMetrics();
    const composed = await compose({
      config,
      database,
      migrations,
      logger,
      metrics,
      shutdown,
      ...(options.environmentChangeSink ? { environmentChangeSink: options.environmentChangeSink } : {}),
    });
    shutdown.push('http', () => composed.http.close());
    const address = await composed.http.listen({ port: config.port, host: config.host });
    const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
    logger.info({ url, roles: [...config.roles] }, 'listening');
    return { ...composed, url, database, logger, close: () => shutdown.close(onCloseError) };
  } catch (err) {
    await shutdown.close(onCloseError);
    throw err;
  }
}
