import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import {
  fireDueSchedules,
  msUntilNextSchedule,
  recordScheduledTask,
  registerSchedules,
} from './sql/schedules.ts';
import type { TaskQueue } from './task-queue.ts';
import type { TaskRegistry } from './task-registry.ts';

/** A recurring task: its type (defined with coalesce: 'key') runs at every epoch-aligned occurrence. */
export interface Schedule {
  type: string;
  everySeconds: number;
  /** Shifts the occurrences: everySeconds 86400 with offsetSeconds 3600 is daily at 01:00 UTC. */
  offsetSeconds?: number;
  /** Merged with `{ scheduledFor: <ISO time of the occurrence> }` into each occurrence's payload. */
  payload?: Record<string, unknown>;
}

/** Occurrences are enqueued with this key, so a run slower than its interval never piles up occurrences. */
const SCHEDULE_KEY = 'schedule';

/** Checks the schedules against the registry and records them (processor start). */
export async function setUpSchedules(
  db: Kysely<Schema>,
  registry: TaskRegistry,
  schedules: readonly Schedule[],
): Promise<void> {
  for (const s of schedules) {
    if (!registry.get(s.type)?.coalesce) {
      throw new Error(
        `schedule ${s.type}: the task type must be registered and defined with coalesce: 'key'`,
      );
    }
  }
  await registerSchedules(
    db,
    schedules.map((s) => ({
      type: s.type,
      everySeconds: s.everySeconds,
      offsetSeconds: s.offsetSeconds ?? 0,
      payload: s.payload ?? {},
    })),
  );
}

/**
 * Enqueues the due occurrences of `types` and returns the milliseconds until the next one (null if none), all in
 * one transaction: see fireDueSchedules and msUntilNextSchedule for why that makes each occurrence run once.
 */
export function fireSchedules(
  db: Kysely<Schema>,
  queue: TaskQueue,
  types: readonly string[],
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    for (const fired of await fireDueSchedules(trx, types)) {
      const task = await queue.enqueue(trx, {
        type: fired.type,
        payload: { ...fired.payload, scheduledFor: fired.scheduled_for.toISOString() },
        key: SCHEDULE_KEY,
      });
      await recordScheduledTask(trx, fired.type, task.id);
    }
    return msUntilNextSchedule(trx, types);
  });
}
