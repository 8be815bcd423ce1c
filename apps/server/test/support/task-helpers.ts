import { type Kysely, sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/platform/db/database.ts';
import type { Schema } from '../../src/platform/db/schema.ts';
import {
  housekeepingTask,
  startTaskProcessor,
  type TaskProcessor,
  type TaskProcessorOptions,
  TaskQueue,
  TaskRegistry,
} from '../../src/tasks/index.ts';
import { hogTask, keyedTask, recordTask, spinTask, tickTask } from '../fixtures/test-tasks.ts';
import { type Backend, createTestDatabase, type TestDatabase } from './test-databases.ts';

export { waitFor } from './wait-for.ts';

export const TEST_TASKS_MODULE = new URL('../fixtures/test-tasks.ts', import.meta.url).pathname;

export function testRegistry() {
  return new TaskRegistry([recordTask, keyedTask, hogTask, spinTask, tickTask, housekeepingTask], {
    timeoutMs: 20_000,
    memoryLimitMb: 128,
    maxAttempts: 3,
  });
}

/** Log lines a test can inspect (e.g. the one line per parked task). */
export function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

/** A processor with test-sized timings: fast polls, short leases and backoffs. */
export function startTestProcessor(
  database: Database,
  overrides: Partial<TaskProcessorOptions> = {},
): Promise<TaskProcessor> {
  const registry = overrides.registry ?? testRegistry();
  return startTaskProcessor({
    database,
    registry,
    queue: new TaskQueue(registry),
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    pollIntervalMs: 200,
    leaseMs: 2_000,
    backoff: { baseMs: 50, maxMs: 400 },
    drainTimeoutMs: 5_000,
    ...overrides,
  });
}

export async function createRunsTable(db: Kysely<Schema>) {
  await sql`CREATE TABLE IF NOT EXISTS test_task_runs (
    id serial PRIMARY KEY, task_id bigint NOT NULL, type text NOT NULL, attempt int NOT NULL, label text,
    started_at timestamptz NOT NULL, finished_at timestamptz)`.execute(db);
  await sql`CREATE TABLE IF NOT EXISTS test_flags (name text PRIMARY KEY)`.execute(db);
}

export interface RunRow {
  task_id: number;
  type: string;
  attempt: number;
  label: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export async function runs(db: Kysely<Schema>, type?: string): Promise<RunRow[]> {
  const { rows } = await sql<RunRow>`SELECT task_id, type, attempt, label, started_at, finished_at
    FROM test_task_runs WHERE ${type ?? null}::text IS NULL OR type = ${type ?? null} ORDER BY id`.execute(
    db,
  );
  return rows;
}

export async function taskStates(db: Kysely<Schema>, type?: string) {
  let q = db.selectFrom('vexil_tasks').selectAll().orderBy('id');
  if (type) q = q.where('type', '=', type);
  return q.execute();
}

/**
 * Hooks for a processor test file: a private database with test_task_runs, emptied before each test, and every
 * processor started through `start` stopped after it.
 */
export function useTaskTestDatabase(backend: Backend) {
  let t: TestDatabase;
  const started: TaskProcessor[] = [];
  beforeAll(async () => {
    t = await createTestDatabase(backend);
    await createRunsTable(t.database.db);
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await t.database.db.deleteFrom('vexil_tasks').execute();
    await t.database.db.deleteFrom('vexil_task_schedules').execute();
    await sql`DELETE FROM test_task_runs`.execute(t.database.db);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });
  return {
    get database() {
      return t.database;
    },
    get db() {
      return t.database.db;
    },
    queue: new TaskQueue(testRegistry()),
    async start(overrides: Partial<TaskProcessorOptions> = {}) {
      const processor = await startTestProcessor(t.database, overrides);
      started.push(processor);
      return processor;
    },
  };
}
