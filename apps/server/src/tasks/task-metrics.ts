import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueStats, QueueStatsRow } from './queue-stats.ts';

export type RunOutcomeLabel = 'succeeded' | 'failed' | 'timed_out' | 'out_of_memory' | 'crashed' | 'aborted';

export interface TaskMetrics {
  runs: Counter<'type' | 'outcome'>;
  runDuration: Histogram<'type' | 'outcome'>;
  parked: Counter<'type'>;
  leaseExpiries: Counter<'type'>;
  enqueued: Counter<'type' | 'result'>;
}

/**
 * The task metrics, on the server's registry. Depth and age are read from QueueStats at scrape time (cached for a
 * few seconds), so any role can expose them; the counters and histogram count what this process did.
 * Names follow vexil_{domain}_{entity}_{unit}.
 */
export function createTaskMetrics(registry: Registry, stats: QueueStats): TaskMetrics {
  statsGauge(registry, stats, {
    name: 'vexil_tasks_queue_depth',
    help: 'Unfinished tasks by type and state (queued = due now, delayed = run_at in the future, running, parked)',
    value: (r) => r.depth,
  });
  statsGauge(registry, stats, {
    name: 'vexil_tasks_oldest_age_seconds',
    help: 'Age of the oldest task by type and state: since due (queued), since started (running), since parked',
    value: (r) => (r.oldest_age_seconds === null ? undefined : Math.max(0, r.oldest_age_seconds)),
  });
  return {
    runs: new Counter({
      name: 'vexil_tasks_runs_total',
      help: 'Task runs finished by this process, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    runDuration: new Histogram({
      name: 'vexil_tasks_run_duration_seconds',
      help: 'Wall-clock duration of task runs in this process, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    parked: new Counter({
      name: 'vexil_tasks_parked_total',
      help: 'Tasks this process moved to the dead letter (parked) after their last attempt',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    leaseExpiries: new Counter({
      name: 'vexil_tasks_lease_expiries_total',
      help: 'Running tasks this process took back because their lease expired (their process died or stalled)',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    enqueued: new Counter({
      name: 'vexil_tasks_enqueued_total',
      help: 'Enqueue calls in this process by type and result (inserted, coalesced); counts rolled-back ones too',
      labelNames: ['type', 'result'] as const,
      registers: [registry],
    }),
  };
}

/** A gauge per (type, state) of the queue stats, refreshed at scrape time. */
function statsGauge(
  registry: Registry,
  stats: QueueStats,
  spec: { name: string; help: string; value: (row: QueueStatsRow) => number | undefined },
) {
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: ['type', 'state'] as const,
    registers: [registry],
    async collect() {
      // A scrape must not fail because the database is away: the gauge is then empty, the rest still reported.
      const rows = await stats.get().catch(() => []);
      this.reset();
      for (const r of rows) {
        const value = spec.value(r);
        if (value !== undefined) this.set({ type: r.type, state: r.state }, value);
      }
    },
  });
}
