import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

export interface ClaimedTask {
  id: number;
  type: string;
  payload: unknown;
  /** Already incremented: this run's number. Together with id and owner it fences every later write. */
  attempts: number;
  max_attempts: number;
  coalesce_key: string | null;
}

/**
 * Claims up to `limit` due tasks of the given types for `owner`, leasing them for `leaseMs`.
 *
 * Locking, and why this shape:
 * - One statement, committed at once. The lease is a column, not a held lock: the row lock lives only for the
 *   microseconds of this UPDATE, so a claim never blocks enqueues, completions or the admin API, and on PGlite
 *   (one connection behind a mutex) it holds the database for one short statement. A claim that lasted as long as
 *   the task (graphile-worker's old strategy, Flagsmith's open transaction per batch) would pin a connection
 *   per running task and, on PGlite, stop the server.
 * - FOR UPDATE SKIP LOCKED: concurrent claimers in other processes step over rows another claimer is taking
 *   instead of queueing behind it, so N processes claim N different batches in parallel and no row is claimed
 *   twice. A row skipped here is seen again by the next claim.
 * - attempts is incremented here, at claim time. A task that kills its process (OOM of the whole process, kill -9)
 *   never reports a failure, but each claim still counted, so it reaches max_attempts and is parked by the reaper
 *   instead of crashing processes forever (the July 2023 loop).
 * - ORDER BY priority, run_at, id walks vexil_tasks_claim_idx (partial: state = 'queued'), so finished rows,
 *   however many, cost nothing; delayed rows (run_at in the future) sort after due ones of the same priority.
 * - A coalesced task is not claimed while another task with its key runs (NOT EXISTS, answered by
 *   vexil_tasks_running_key_idx); it is the follow-up and waits its turn. This cannot race: while the other task
 *   was still queued, the unique queued-key index kept this row from existing, so any snapshot that sees this row
 *   also sees the other one's claim. vexil_tasks_running_key_idx enforces it regardless.
 * - Types are filtered so that, during a rolling deploy, a process never claims a type it does not know.
 */
export interface ClaimResult {
  tasks: ClaimedTask[];
  /**
   * Only when fewer than `limit` were claimed: milliseconds until the earliest queued task that is not yet due
   * becomes due (null if none), for the processor's timer. Computed in the claim's own statement, so it shares its
   * snapshot and its now(): a task that turns due a moment after the claim is counted here, not lost until the
   * next poll. Measured on the database's clock alone, so a skewed application clock cannot make a timer spin.
   */
  msUntilNext: number | null;
}

export async function claimTasks(
  db: Kysely<Schema>,
  args: { owner: string; types: readonly string[]; limit: number; leaseMs: number },
): Promise<ClaimResult> {
  if (args.limit <= 0 || args.types.length === 0) return { tasks: [], msUntilNext: null };
  const types = sql`${args.types}::text[]`;
  const { rows } = await sql<ClaimedTask & { ms_until_next: number | null }>`
    WITH picked AS (
      SELECT t.id
      FROM vexil_tasks t
      WHERE t.state = 'queued'
        AND t.run_at <= now()
        AND t.type = ANY(${types})
        AND (t.coalesce_key IS NULL OR NOT EXISTS (
          SELECT 1 FROM vexil_tasks r
          WHERE r.state = 'running' AND r.type = t.type AND r.coalesce_key = t.coalesce_key))
      ORDER BY t.priority, t.run_at, t.id
      LIMIT ${args.limit}
      FOR UPDATE OF t SKIP LOCKED
    ),
    claimed AS (
      UPDATE vexil_tasks t
      SET state = 'running',
          attempts = t.attempts + 1,
          claimed_by = ${args.owner},
          lease_expires_at = now() + make_interval(secs => ${args.leaseMs}::float8 / 1000.0),
          started_at = now()
      FROM picked
      WHERE t.id = picked.id
      RETURNING t.id, t.type, t.payload, t.attempts, t.max_attempts, t.coalesce_key
    )
    SELECT id, type, payload, attempts, max_attempts, coalesce_key, NULL::float8 AS ms_until_next FROM claimed
    UNION ALL
    -- One extra row, only when the claim came up short (a full claim means more may be due right now).
    SELECT NULL, NULL, NULL, NULL, NULL, NULL,
           (SELECT extract(epoch FROM min(run_at) - now()) * 1000 FROM vexil_tasks
            WHERE state = 'queued' AND run_at > now() AND type = ANY(${types}))::float8
    WHERE (SELECT count(*) FROM claimed) < ${args.limit}`.execute(db);
  const tasks: ClaimedTask[] = [];
  let msUntilNext: number | null = null;
  for (const { ms_until_next, ...task } of rows) {
    if (task.id === null) msUntilNext = ms_until_next;
    else tasks.push(task);
  }
  return { tasks, msUntilNext };
}
