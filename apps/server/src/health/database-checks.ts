import { sql } from 'kysely';
import type { Database } from '../platform/db/database.ts';
import type { MigrationFile } from '../platform/db/migration-files.ts';
import { describeProblem, migrationStatus } from '../platform/db/migrator.ts';
import type { Check } from './readiness.ts';

/** The database answers a write and then a read of what was written (not just "SELECT 1"). */
export function databaseCheck(database: Database, instanceId: string): Check {
  return async () => {
    const stamp = new Date();
    await database.db
      .insertInto('vexil_health_checks')
      .values({ instance_id: instanceId, checked_at: stamp })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ checked_at: stamp }))
      .execute();
    const row = await database.db
      .selectFrom('vexil_health_checks')
      .select(['checked_at', sql<number>`1`.as('one')])
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    if (!row || row.checked_at.getTime() !== stamp.getTime()) {
      return { status: 'error', detail: 'wrote a health row but read back something else' };
    }
    return { status: 'ok' };
  };
}

/** No migration is pending and none was edited or removed since it was applied. */
export function migrationsCheck(database: Database, files: readonly MigrationFile[]): Check {
  return async () => {
    const status = await migrationStatus(database, files);
    if (status.problems.length > 0) {
      return { status: 'error', detail: status.problems.map(describeProblem).join(' ').trim() };
    }
    if (status.pending.length > 0) {
      return {
        status: 'error',
        detail: `pending migrations: ${status.pending.map((f) => f.name).join(', ')}`,
      };
    }
    return { status: 'ok', applied: status.applied.length };
  };
}
