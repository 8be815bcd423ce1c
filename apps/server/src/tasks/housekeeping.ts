import { deleteFinishedTasks } from './sql/delete-finished-tasks.ts';
import { defineTask } from './task-definition.ts';

export interface HousekeepingPayload {
  retentionHours: number;
  parkedRetentionHours: number;
}

const BATCH = 1_000;

/**
 * Deletes finished tasks past their retention, in batches, so the queue table never grows without bound (Flagsmith
 * and Unleash both learned that one). Parked tasks are kept longer: they wait for a person. Scheduled hourly by
 * compose.ts with the retention from VEXIL_TASKS_RETENTION_HOURS and VEXIL_TASKS_PARKED_RETENTION_HOURS.
 */
export const housekeepingTask = defineTask<HousekeepingPayload>('vexil.tasks.housekeeping', {
  module: import.meta.url,
  coalesce: 'key',
  timeoutMs: 30 * 60_000,
  // Flagsmith parity: housekeeping is the lowest priority work.
  priority: 100,
  async handler(payload, { db, log }) {
    const classes = [
      { states: ['succeeded', 'cancelled', 'superseded'] as const, olderThanHours: payload.retentionHours },
      { states: ['parked'] as const, olderThanHours: payload.parkedRetentionHours },
    ];
    let deleted = 0;
    for (const c of classes) {
      for (;;) {
        const n = await deleteFinishedTasks(db, { ...c, batch: BATCH });
        deleted += n;
        if (n < BATCH) break;
      }
    }
    if (deleted > 0) log.info('deleted finished tasks past their retention', { deleted });
  },
});
