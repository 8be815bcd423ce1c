import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

/** The channel processors LISTEN on. The payload is '' for a task due now, or its run_at in epoch ms. */
export const TASKS_CHANNEL = 'vexil_tasks';

export interface NewTask {
  type: string;
  payloadJson: string;
  priority: number;
  /** null: the database's now(), so clocks of application hosts never matter. */
  runAt: Date | null;
  coalesceKey: string | null;
  maxAttempts: number;
}

export interface EnqueuedTask {
  id: number;
  /** true when an existing queued task with the same key absorbed this enqueue. */
  coalesced: boolean;
}

/**
 * Inserts a task and notifies processors, in one statement on the caller's executor (often its transaction).
 *
 * Coalescing is the ON CONFLICT: the unique partial index on (type, coalesce_key) WHERE state = 'queued' makes a
 * second queued row with the same key impossible, whichever process inserts it. A conflicting enqueue only moves
 * the queued task earlier and raises its priority, and counts itself in merged_count. If the queued row is being
 * claimed at that moment (locked, turning 'running'), Postgres waits for the claim to commit, re-checks, finds no
 * queued row and inserts: that new row is the one follow-up allowed while a task runs. Keys are NULL for types
 * that do not coalesce, and NULLs never conflict.
 *
 * NOTIFY is transactional: inside the caller's transaction it is delivered at commit, so a processor never wakes
 * for a task it cannot see yet, and a rolled-back enqueue wakes nobody. Identical payloads in one transaction are
 * delivered once, so a write that enqueues a hundred tasks wakes each processor once.
 */
export async function enqueueTask(db: Kysely<Schema>, task: NewTask): Promise<EnqueuedTask> {
  const { rows } = await sql<{ id: number; merged_count: number }>`
    WITH task AS (
      INSERT INTO vexil_tasks (type, payload, priority, run_at, coalesce_key, max_attempts)
      VALUES (${task.type}, ${task.payloadJson}::jsonb, ${task.priority},
              COALESCE(${task.runAt}::timestamptz, now()), ${task.coalesceKey}, ${task.maxAttempts})
      ON CONFLICT (type, coalesce_key) WHERE state = 'queued' AND coalesce_key IS NOT NULL DO UPDATE SET
        run_at = LEAST(vexil_tasks.run_at, EXCLUDED.run_at),
        priority = LEAST(vexil_tasks.priority, EXCLUDED.priority),
        merged_count = vexil_tasks.merged_count + 1
      RETURNING id, merged_count, run_at
    )
    SELECT id, merged_count,
           pg_notify(${TASKS_CHANNEL},
             CASE WHEN run_at > now() THEN (extract(epoch FROM run_at) * 1000)::bigint::text ELSE '' END)
    FROM task`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('enqueue returned no row');
  return { id: row.id, coalesced: row.merged_count > 0 };
}

/** Wakes processors after an operator made a task due (re-run); delivered at commit like an enqueue's. */
export async function notifyTasksDue(db: Kysely<Schema>): Promise<void> {
  await sql`SELECT pg_notify(${TASKS_CHANNEL}, '')`.execute(db);
}
