import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema, TaskState } from '../../platform/db/schema.ts';
import { type Backoff, backoffInterval } from './backoff.ts';
import type { RunFence } from './complete-task.ts';

/** Which running tasks go back: what one of three callers holds. */
export type RequeueTarget =
  /** One run that ended in an error, fenced like completeTask. */
  | { kind: 'run'; run: RunFence; error: string }
  /** Up to `limit` tasks whose lease expired: their process died or stalled. This is the reaper. */
  | { kind: 'expired'; limit: number }
  /** Tasks this process gives back unfinished at shutdown. */
  | { kind: 'released'; owner: string; ids: readonly number[] };

export interface RequeueOptions {
  /** Park the task now, whatever its attempts (a handler threw PermanentTaskError). */
  parkNow?: boolean;
  backoff: Backoff;
}

export interface RequeuedTask {
  id: number;
  type: string;
  state: Extract<TaskState, 'queued' | 'parked' | 'superseded'>;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  /** For 'superseded': the queued task with the same key that now carries this one's attempts. */
  folded_into: number | null;
}

/**
 * Sends running tasks back: to the queue after a backoff, to the dead letter ('parked') once attempts are used
 * up, or, for a coalesced task whose key already has a queued follow-up, into that follow-up ('superseded').
 *
 * Why the fold: the follow-up was enqueued after this task started, so running it does everything this one would
 * have; two queued rows with one key are impossible anyway (vexil_tasks_queued_key_idx). The follow-up inherits
 * the attempts and the backoff, so a poison key is still parked after max_attempts however many changes keep
 * arriving for it: without that, every failure would hand over to a fresh follow-up with a full set of attempts,
 * which is the July 2023 loop ("there were always new versions of the same tasks to pick up").
 *
 * Locking: the targets are locked FOR UPDATE (SKIP LOCKED for the reaper, so two reapers split the expired rows),
 * then their queued siblings by the UPDATE in `folded`. Lock order is always running row, then queued row, and a
 * claim or enqueue locks only queued rows, so no cycle can form. A follow-up enqueued by another transaction
 * between this statement's snapshot and its write surfaces as a unique violation; requeueTasks retries, and the
 * retry's snapshot sees the follow-up and folds into it.
 *
 * A release at shutdown gives the claim's attempt back and never parks: stopping was not the task's fault.
 */
export async function requeueTasks(
  db: Kysely<Schema>,
  target: RequeueTarget,
  options: RequeueOptions,
): Promise<RequeuedTask[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runRequeue(db, target, options);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505' || attempt >= 3) throw err;
    }
  }
}

async function runRequeue(db: Kysely<Schema>, target: RequeueTarget, options: RequeueOptions) {
  const released = target.kind === 'released';
  const park: RawBuilder<boolean> = released
    ? sql`false`
    : options.parkNow
      ? sql`true`
      : sql`t.attempts >= t.max_attempts`;
  const retryAt = released
    ? sql`now()`
    : sql`now() + ${backoffInterval(sql.ref('t.attempts'), options.backoff)}`;
  const { rows } = await sql<RequeuedTask>`
    WITH target AS (${targetQuery(target)}),
    decided AS (
      SELECT t.id, t.type, t.coalesce_key, t.error,
             t.attempts - ${released ? 1 : 0} AS attempts,
             ${park} AS park,
             ${retryAt} AS retry_at
      FROM target t
    ),
    folded AS (
      UPDATE vexil_tasks s
      SET attempts = GREATEST(s.attempts, d.attempts),
          last_error = COALESCE(d.error, s.last_error),
          run_at = GREATEST(s.run_at, d.retry_at)
      FROM decided d
      WHERE NOT d.park AND s.state = 'queued' AND s.type = d.type AND s.coalesce_key = d.coalesce_key
      RETURNING s.id, s.type, s.coalesce_key
    )
    UPDATE vexil_tasks t
    SET state = CASE WHEN d.park THEN 'parked' WHEN f.id IS NOT NULL THEN 'superseded' ELSE 'queued' END,
        attempts = d.attempts,
        run_at = CASE WHEN d.park OR f.id IS NOT NULL THEN t.run_at ELSE d.retry_at END,
        last_error = COALESCE(d.error, t.last_error),
        lease_expires_at = NULL,
        finished_at = CASE WHEN d.park OR f.id IS NOT NULL THEN now() END
    FROM decided d LEFT JOIN folded f ON f.type = d.type AND f.coalesce_key = d.coalesce_key
    WHERE t.id = d.id
    RETURNING t.id, t.type, t.state, t.attempts, t.max_attempts, t.last_error, f.id AS folded_into`.execute(
    db,
  );
  return rows;
}

function targetQuery(target: RequeueTarget): RawBuilder<unknown> {
  const columns = sql`id, type, coalesce_key, attempts, max_attempts`;
  switch (target.kind) {
    case 'run':
      return sql`SELECT ${columns}, ${target.error}::text AS error FROM vexil_tasks
        WHERE id = ${target.run.id} AND state = 'running'
          AND attempts = ${target.run.attempt} AND claimed_by = ${target.run.owner}
        FOR UPDATE`;
    case 'expired':
      return sql`SELECT ${columns},
          'lease expired: ' || coalesce(claimed_by, '?') || ' stopped extending it (process killed or stalled)'
            AS error
        FROM vexil_tasks
        WHERE state = 'running' AND lease_expires_at < now()
        ORDER BY lease_expires_at
        LIMIT ${target.limit}
        FOR UPDATE SKIP LOCKED`;
    case 'released':
      return sql`SELECT ${columns}, NULL::text AS error FROM vexil_tasks
        WHERE id = ANY(${target.ids}::bigint[]) AND state = 'running' AND claimed_by = ${target.owner}
        FOR UPDATE`;
  }
}
