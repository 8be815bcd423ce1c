import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { MasterApiKeyAuthenticator, storeMasterApiKey } from '../auth/index.ts';
import { organisationStore } from './organisation-store.ts';

export type BootstrapOutcome = 'created' | 'already-present' | 'skipped-not-empty' | 'not-configured';

/**
 * First start with an empty database and VEXIL_BOOTSTRAP_API_KEY set: create organisation "Default" and a master
 * API key with exactly that value, so automation can drive the admin API from the first second.
 * Idempotent: restarts find the key and do nothing. Runs under a transaction-level advisory lock so that
 * several processes starting together create one organisation, not several.
 */
export async function bootstrap(
  database: Database,
  apiKey: string | undefined,
  logger: Logger,
): Promise<BootstrapOutcome> {
  if (!apiKey) return 'not-configured';
  const outcome = await database.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(1447385164, 2)`.execute(trx);
    if ((await organisationStore.count(trx)) > 0) {
      const known = await new MasterApiKeyAuthenticator(trx).authenticate(apiKey);
      return known ? 'already-present' : 'skipped-not-empty';
    }
    const organisation = await organisationStore.insert(trx, { name: 'Default' });
    await storeMasterApiKey(trx, { organisationId: organisation.id, name: 'Bootstrap key', key: apiKey });
    return 'created';
  });
  if (outcome === 'created') logger.info('bootstrap: created organisation "Default" and its master API key');
  if (outcome === 'skipped-not-empty') {
    logger.warn('bootstrap: VEXIL_BOOTSTRAP_API_KEY ignored because the database already has organisations');
  }
  return outcome;
}
