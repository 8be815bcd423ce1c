import type { Check } from '../health/readiness.ts';
import type { QueueStats } from './queue-stats.ts';

export interface QueueThresholds {
  /** Due tasks of one type above this: degraded. */
  depth: number;
  /** The oldest due task of one type waiting longer than this: degraded. */
  ageSeconds: number;
}

/**
 * The `task_queue` readiness check, registered as non-critical by processes that run the tasks role: a backed-up
 * queue is reported as degraded, which alerts without taking the process out of rotation (restarting processors
 * does not drain a queue). In July 2023 the queue sat over its threshold for ten hours; this is the signal.
 */
export function taskQueueCheck(stats: QueueStats, thresholds: QueueThresholds): Check {
  return async () => {
    const rows = await stats.get();
    const total = (state: string) => rows.filter((r) => r.state === state).reduce((n, r) => n + r.depth, 0);
    const counts = {
      queued: total('queued'),
      delayed: total('delayed'),
      running: total('running'),
      parked: total('parked'),
    };
    const over = rows
      .filter(
        (r) =>
          r.state === 'queued' &&
          (r.depth > thresholds.depth || (r.oldest_age_seconds ?? 0) > thresholds.ageSeconds),
      )
      .map((r) => `${r.type}: ${r.depth} due, oldest waiting ${Math.round(r.oldest_age_seconds ?? 0)} s`);
    if (over.length > 0) {
      return {
        status: 'degraded',
        detail: `task queue over its thresholds (${thresholds.depth} tasks or ${thresholds.ageSeconds} s): ${over.join('; ')}`,
        ...counts,
      };
    }
    return { status: 'ok', ...counts };
  };
}
