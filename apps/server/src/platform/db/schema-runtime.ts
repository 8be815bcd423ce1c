import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './schema-columns.ts';

/**
 * The tables of the runtime machinery rather than the admin domain: migrations, health checks, task queue,
 * environment documents and analytics counts. Part of `Schema` (schema.ts).
 */
export interface MigrationsTable {
  id: number;
  name: string;
  checksum: string;
  applied_at: CreatedAt;
  duration_ms: number;
}

export interface HealthChecksTable {
  instance_id: string;
  checked_at: ColumnType<Date, Date | string, Date | string>;
}

/** One row per environment: its latest SDK environment document (migration 0040). */
export interface EnvironmentDocumentsTable {
  environment_id: number;
  data_version: ColumnType<number, number, number>;
  data_updated_at: Timestamp;
  document: string;
  size_bytes: number;
  build_ms: number;
  built_at: Timestamp;
}

/** SDK analytics counts per environment, feature, hour and client labels (migration 0050). */
export interface FeatureEvaluationCountsTable {
  environment_id: number;
  feature_name: string;
  period_start: Timestamp;
  client_application_name: Generated<string>;
  client_application_version: Generated<string>;
  user_agent: Generated<string>;
  /** bigint: pg returns it as a string. */
  count: ColumnType<string | number, number, number>;
}

/** Lifecycle of a task row; see migrations/0030_create_task_queue.sql and docs/tasks.md. */
export type TaskState = 'queued' | 'running' | 'succeeded' | 'parked' | 'cancelled' | 'superseded';

export interface TasksTable {
  id: Generated<number>;
  type: string;
  payload: ColumnType<unknown, string, string>;
  priority: Generated<number>;
  run_at: ColumnType<Date, Date | string | undefined, Date | string>;
  state: ColumnType<TaskState, TaskState | undefined, TaskState>;
  coalesce_key: string | null;
  merged_count: Generated<number>;
  attempts: Generated<number>;
  max_attempts: number;
  claimed_by: string | null;
  lease_expires_at: Date | null;
  last_error: string | null;
  created_at: CreatedAt;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface TaskSchedulesTable {
  type: string;
  every_seconds: number;
  offset_seconds: Generated<number>;
  payload: ColumnType<Record<string, unknown>, string | undefined, string>;
  next_run_at: Date;
  last_fired_at: Date | null;
  last_task_id: number | null;
}
