import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

/** 'delayed' is a queued task whose run_at is still in the future: waiting on purpose, not backed up. */
export type StatsState = 'queued' | 'delayed' | 'running' | 'parked';

export interface QueueStatsRow {
  type: string;
  state: StatsState;
  depth: number;
  /** Seconds since the oldest row became due (queued), started (running) or was parked; null for delayed. */
  oldest_age_seconds: number | null;
}

/**
 * Depth and age per type and state of every unfinished task, aggregated in the database so the answer has a
 * row per (type, state) however many tasks wait: this is what keeps metrics and readiness cheap in memory even
 * with millions queued. Finished rows are excluded by the state filter (vexil_tasks_state_idx).
 */
export async function queueStats(db: Kysely<Schema>): Promise<QueueStatsRow[]> {
  const { rows } = await sql<QueueStatsRow>`
    SELECT type, s AS state, count(*)::int AS depth,
           CASE WHEN s = 'delayed' THEN NULL ELSE extract(epoch FROM now() - min(since))::float8 END
             AS oldest_age_seconds
    FROM (
      SELECT type,
             CASE WHEN state = 'queued' AND run_at > now() THEN 'delayed' ELSE state END AS s,
             CASE state WHEN 'queued' THEN run_at WHEN 'running' THEN started_at ELSE finished_at END AS since
      FROM vexil_tasks
      WHERE state IN ('queued', 'running', 'parked')
    ) unfinished
    GROUP BY type, s`.execute(db);
  return rows;
}
