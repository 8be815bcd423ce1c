import { sql } from 'kysely';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database } from '../platform/db/database.ts';
import type { TaskLogListener } from '../tasks/index.ts';
import { REBUILD_TASK, REBUILT_MESSAGE } from './document-tasks.ts';

/**
 * Document pipeline metrics. Rebuilds run in worker threads and report through their one log line per rebuild,
 * which the processor hands to `onTaskLog` here in the main thread. Staleness is read from the tables at scrape
 * time, so every role reports it, whoever runs the rebuilds.
 */
export function createDocumentMetrics(registry: Registry, database: Database) {
  const rebuilds = new Counter({
    name: 'vexil_environment_document_rebuilds_total',
    help: 'Environment document rebuilds by this process; stored=false when a newer document was already there',
    labelNames: ['stored'] as const,
    registers: [registry],
  });
  const buildSeconds = new Histogram({
    name: 'vexil_environment_document_build_seconds',
    help: 'Time to build one environment document from SQL (snapshot read and serialization)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const bytes = new Histogram({
    name: 'vexil_environment_document_bytes',
    help: 'Size of each built environment document in bytes',
    buckets: [1e3, 1e4, 1e5, 5e5, 1e6, 2.5e6, 5e6, 1e7, 2.5e7],
    registers: [registry],
  });
  new Gauge({
    name: 'vexil_environment_documents_behind',
    help: 'Environments whose stored document is missing or older than their data (the reconciler heals these)',
    registers: [registry],
    async collect() {
      // A scrape must not fail because the database is away.
      const rows = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM environments e
        LEFT JOIN environment_documents d ON d.environment_id = e.id
        WHERE d.environment_id IS NULL OR d.data_version < e.data_version`
        .execute(database.db)
        .then((r) => r.rows)
        .catch(() => undefined);
      this.reset();
      if (rows?.[0]) this.set(Number(rows[0].n));
    },
  });

  const onTaskLog: TaskLogListener = ({ type, message, fields }) => {
    if (type !== REBUILD_TASK || message !== REBUILT_MESSAGE) return;
    rebuilds.inc({ stored: String(fields.stored === true) });
    if (typeof fields.buildMs === 'number') buildSeconds.observe(fields.buildMs / 1000);
    if (typeof fields.bytes === 'number') bytes.observe(fields.bytes);
  };
  return { onTaskLog };
}
