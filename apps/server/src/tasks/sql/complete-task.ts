import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

/** Identifies one run of one task: a claim made by `owner` as attempt number `attempt`. */
export interface RunFence {
  id: number;
  attempt: number;
  owner: string;
}

/**
 * Marks runs succeeded, many in one statement (the processor batches completions that arrive while the previous
 * batch is being written). The WHERE is a fence: a run whose lease this process lost meanwhile (it stalled past
 * lease_expires_at and another process took the task back) no longer matches and is not written, so a late
 * finisher can never overwrite the newer run's state. Returns the ids that were written.
 */
export async function completeTasks(
  db: Kysely<Schema>,
  owner: string,
  runs: ReadonlyArray<Omit<RunFence, 'owner'>>,
): Promise<Set<number>> {
  if (runs.length === 0) return new Set();
  const { rows } = await sql<{ id: number }>`
    UPDATE vexil_tasks t
    SET state = 'succeeded', finished_at = now(), lease_expires_at = NULL
    FROM unnest(${runs.map((r) => r.id)}::bigint[], ${runs.map((r) => r.attempt)}::int[]) AS run(id, attempt)
    WHERE t.id = run.id AND t.attempts = run.attempt AND t.state = 'running' AND t.claimed_by = ${owner}
    RETURNING t.id`.execute(db);
  return new Set(rows.map((r) => r.id));
}

/**
 * The heartbeat: extends the leases of this process's running tasks and returns the ids still held. A task missing
 * from the answer was taken back (this process stalled past its lease): its run must be stopped, since another
 * process may already be running it.
 */
export async function extendLeases(
  db: Kysely<Schema>,
  args: { owner: string; ids: readonly number[]; leaseMs: number },
): Promise<Array<{ id: number; attempts: number }>> {
  if (args.ids.length === 0) return [];
  const { rows } = await sql<{ id: number; attempts: number }>`
    UPDATE vexil_tasks
    SET lease_expires_at = now() + make_interval(secs => ${args.leaseMs}::float8 / 1000.0)
    WHERE id = ANY(${args.ids}::bigint[]) AND state = 'running' AND claimed_by = ${args.owner}
    RETURNING id, attempts`.execute(db);
  return rows;
}
