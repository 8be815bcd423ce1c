/**
 * One benchmark processor process. Reads its job from argv (JSON) and prints JSON lines on stdout:
 * {"event":"ready"} once claiming and, when asked to insert tasks itself (PGlite: nobody else can reach its
 * database), {"event":"drained","seconds":...} once they are all done. It stops on SIGTERM.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadMigrationFiles } from '../../apps/server/src/platform/db/migration-files.ts';
import { migrate } from '../../apps/server/src/platform/db/migrator.ts';
import { openPglite } from '../../apps/server/src/platform/db/open-pglite.ts';
import { openPostgres } from '../../apps/server/src/platform/db/open-postgres.ts';
import { startTaskProcessor, TaskQueue, TaskRegistry } from '../../apps/server/src/tasks/index.ts';
import { noopTask } from './noop-task.ts';
import { drained, insertNoops } from './queue-sql.ts';

export interface ProcessorJob {
  /** Postgres URL, or 'pglite' for an embedded database in a fresh temporary folder owned by this process. */
  database: string;
  concurrency: number;
  /** Insert this many before starting the processor (the memory run). */
  preload?: number;
  /** Insert this many once the processor runs (PGlite throughput). */
  tasks?: number;
  /** Report when no bench task is left (PGlite: only this process can tell). */
  reportDrained?: boolean;
}

const job = JSON.parse(process.argv[2] ?? '{}') as ProcessorJob;
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

// On disk, as `npm start` runs it without DATABASE_URL: an in-memory PGlite would count the data as our RSS.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-bench-'));
const database =
  job.database === 'pglite' ? await openPglite({ dataDir }) : await openPostgres({ url: job.database });
if (job.database === 'pglite') await migrate(database, loadMigrationFiles());
if (job.preload) await insertNoops(database.db, job.preload);

const registry = new TaskRegistry([noopTask], { timeoutMs: 60_000, memoryLimitMb: 64, maxAttempts: 3 });
const processor = await startTaskProcessor({
  database,
  registry,
  queue: new TaskQueue(registry),
  logger: pino({ level: 'warn' }),
  concurrency: job.concurrency,
  pollIntervalMs: 1_000,
  leaseMs: 30_000,
  backoff: { baseMs: 1_000, maxMs: 60_000 },
  drainTimeoutMs: 5_000,
});
say({ event: 'ready' });

if (job.reportDrained) {
  const started = performance.now();
  if (job.tasks) await insertNoops(database.db, job.tasks);
  while (!(await drained(database.db))) await new Promise((r) => setTimeout(r, 50));
  say({ event: 'drained', seconds: (performance.now() - started) / 1000 });
}

process.on('SIGTERM', () => {
  void processor
    .stop()
    .then(() => database.close())
    .then(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    .then(() => process.exit(0));
});
