import type { Config } from '../../config/config.ts';
import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';
import { openPglite } from './open-pglite.ts';
import { openPostgres } from './open-postgres.ts';

/** DATABASE_URL set: real Postgres through a pg pool. Unset: embedded PGlite persisted in VEXIL_DATA_DIR. */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  logger: Logger,
): Promise<Database> {
  if (config.databaseUrl) {
    return openPostgres({
      url: config.databaseUrl,
      onError: (err, where) => logger.error({ err, where }, 'database connection error'),
    });
  }
  return openPglite({ dataDir: config.dataDir });
}
