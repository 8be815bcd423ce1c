import { type Kysely, sql } from 'kysely';
import type { Schema, TaskState } from '../../platform/db/schema.ts';

/**
 * Deletes up to `batch` tasks in the given finished states that finished before `olderThanHours` ago, and returns
 * how many it deleted. Housekeeping calls it until a batch comes back short: each batch is its own short
 * statement, so deleting a million rows never holds a long lock, never bloats one transaction, and on PGlite
 * lets other queries in between batches. SKIP LOCKED: two housekeepers (or an admin re-run) never wait on
 * each other. Uses vexil_tasks_finished_idx.
 */
export async function deleteFinishedTasks(
  db: Kysely<Schema>,
  args: { states: readonly TaskState[]; olderThanHours: number; batch: number },
): Promise<number> {
  const result = await sql`
    WITH doomed AS (
      SELECT id FROM vexil_tasks
      WHERE state = ANY(${args.states}::text[])
        AND finished_at < now() - make_interval(hours => ${args.olderThanHours}::int)
      ORDER BY finished_at
      LIMIT ${args.batch}
      FOR UPDATE SKIP LOCKED
    )
    DELETE FROM vexil_tasks t USING doomed WHERE t.id = doomed.id`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
