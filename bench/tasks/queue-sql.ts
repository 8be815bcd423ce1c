import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../apps/server/src/platform/db/schema.ts';

/** Inserts trivial tasks in one statement, then wakes processors the way an enqueue does. */
export async function insertNoops(db: Kysely<Schema>, count: number): Promise<void> {
  await sql`INSERT INTO vexil_tasks (type, payload, max_attempts)
    SELECT 'bench.noop', '{}', 3 FROM generate_series(1, ${count})`.execute(db);
  await sql`SELECT pg_notify('vexil_tasks', '')`.execute(db);
}

/** True once no bench task is queued or running. */
export async function drained(db: Kysely<Schema>): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM vexil_tasks WHERE type = 'bench.noop' AND state IN ('queued', 'running')`.execute(
    db,
  );
  return rows[0]?.n === 0;
}
