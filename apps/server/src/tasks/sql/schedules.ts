import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

export interface ScheduleSpec {
  type: string;
  everySeconds: number;
  offsetSeconds: number;
  payload: Record<string, unknown>;
}

/**
 * The first occurrence strictly after now(): occurrences are the instants t with (t − offset) divisible by
 * `every` (epoch seconds), so every process computes the same ones without coordinating.
 */
function nextOccurrence(every: RawBuilder<unknown>, offset: RawBuilder<unknown>): RawBuilder<Date> {
  return sql<Date>`to_timestamp((floor((extract(epoch FROM now()) - ${offset}) / ${every}) + 1) * ${every} + ${offset})`;
}

/**
 * Records the schedules this process runs. Called by every processor at start: the last writer's payload wins,
 * and next_run_at is only recomputed when the interval or offset changed, so restarts never skip or add runs.
 */
export async function registerSchedules(db: Kysely<Schema>, specs: readonly ScheduleSpec[]): Promise<void> {
  for (const s of specs) {
    const every = sql`${s.everySeconds}::int`;
    const offset = sql`${s.offsetSeconds}::int`;
    await sql`
      INSERT INTO vexil_task_schedules (type, every_seconds, offset_seconds, payload, next_run_at)
      VALUES (${s.type}, ${every}, ${offset}, ${JSON.stringify(s.payload)}::jsonb, ${nextOccurrence(every, offset)})
      ON CONFLICT (type) DO UPDATE SET
        payload = EXCLUDED.payload,
        every_seconds = EXCLUDED.every_seconds,
        offset_seconds = EXCLUDED.offset_seconds,
        next_run_at = CASE
          WHEN vexil_task_schedules.every_seconds = EXCLUDED.every_seconds
           AND vexil_task_schedules.offset_seconds = EXCLUDED.offset_seconds
          THEN vexil_task_schedules.next_run_at
          ELSE EXCLUDED.next_run_at END`.execute(db);
  }
}

export interface FiredSchedule {
  type: string;
  payload: Record<string, unknown>;
  /** The occurrence being run (the newest missed one is not tracked: missed occurrences collapse into this one). */
  scheduled_for: Date;
}

/**
 * Claims the due occurrences of the given schedules by moving next_run_at to the first occurrence after now().
 *
 * Exactly once across processes: FOR UPDATE SKIP LOCKED lets one process take a due row while the others step
 * over it; the others' next look sees next_run_at in the future. Jumping to the first occurrence after now(),
 * rather than adding one interval, is what makes occurrences missed while every process was down run once, not
 * once each. MUST run in the same transaction as the enqueue of the occurrences it returns, so a crash between
 * the two loses nothing and runs nothing twice.
 */
export async function fireDueSchedules(
  db: Kysely<Schema>,
  types: readonly string[],
): Promise<FiredSchedule[]> {
  if (types.length === 0) return [];
  const { rows } = await sql<FiredSchedule>`
    WITH due AS (
      SELECT type, next_run_at FROM vexil_task_schedules
      WHERE type = ANY(${types}::text[]) AND next_run_at <= now()
      FOR UPDATE SKIP LOCKED
    )
    UPDATE vexil_task_schedules s
    SET next_run_at = ${nextOccurrence(sql.ref('s.every_seconds'), sql.ref('s.offset_seconds'))},
        last_fired_at = now()
    FROM due
    WHERE s.type = due.type
    RETURNING s.type, s.payload, due.next_run_at AS scheduled_for`.execute(db);
  return rows;
}

export async function recordScheduledTask(db: Kysely<Schema>, type: string, taskId: number): Promise<void> {
  await db
    .updateTable('vexil_task_schedules')
    .set({ last_task_id: taskId })
    .where('type', '=', type)
    .execute();
}

/**
 * Milliseconds until the earliest next occurrence among the given schedules (database clock), for a timer.
 * Call it in the transaction that fired the due ones: now() is the transaction's start there, the same instant
 * fireDueSchedules compared against, so nothing can turn due unseen in between.
 */
export async function msUntilNextSchedule(
  db: Kysely<Schema>,
  types: readonly string[],
): Promise<number | null> {
  if (types.length === 0) return null;
  const { rows } = await sql<{ ms: number | null }>`
    SELECT (extract(epoch FROM min(next_run_at) - now()) * 1000)::float8 AS ms
    FROM vexil_task_schedules WHERE type = ANY(${types}::text[])`.execute(db);
  return rows[0]?.ms ?? null;
}
