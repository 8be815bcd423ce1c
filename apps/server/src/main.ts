import { ConfigError, loadConfig } from './config/config.ts';
import { MigrationFailedError, MigrationIntegrityError } from './platform/db/migrator.ts';
import { createLogger } from './platform/logger.ts';
import { type RunningServer, startServer } from './server.ts';

/**
 * The process entry point (`npm start`). Exit codes: 0 after a clean shutdown, 1 when it cannot start
 * (bad configuration, migrations that disagree with the database, an unreachable database).
 */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let server: RunningServer;
  try {
    server = await startServer(config, {
      logger,
      ...(process.env.VEXIL_MIGRATIONS_DIR ? { migrationsDir: process.env.VEXIL_MIGRATIONS_DIR } : {}),
    });
  } catch (err) {
    const known = err instanceof MigrationIntegrityError || err instanceof MigrationFailedError;
    logger.fatal({ err }, known ? (err as Error).message : 'could not start');
    // Also plain text on stderr: the first thing a person reads when `npm start` fails.
    process.stderr.write(`\nVexil could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let signals = 0;
  const stop = (signal: string) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

await main();
