/**
 * Where a processor's memory goes while it drains a backlog: process.memoryUsage() every 5 s, then after a GC.
 * Complements bench-tasks.ts, whose peak RSS counts the whole process (V8's reserved heap, worker threads and,
 * on PGlite, the embedded database's WebAssembly memory).
 *
 *   node --expose-gc bench/tasks/memory-trace.ts postgres|pglite [tasks=40000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Database } from '../../apps/server/src/platform/db/database.ts';
import { loadMigrationFiles } from '../../apps/server/src/platform/db/migration-files.ts';
import { migrate } from '../../apps/server/src/platform/db/migrator.ts';
import { openPglite } from '../../apps/server/src/platform/db/open-pglite.ts';
import { openPostgres } from '../../apps/server/src/platform/db/open-postgres.ts';
import { startTaskProcessor, TaskQueue, TaskRegistry } from '../../apps/server/src/tasks/index.ts';
import { noopTask } from './noop-task.ts';
import { drained, insertNoops } from './queue-sql.ts';

const backend = process.argv[2] === 'pglite' ? 'pglite' : 'postgres';
const count = Number(process.argv[3] ?? 40_000);
const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `vexil_bench_trace_${process.pid}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-trace-'));

async function open(): Promise<Database> {
  if (backend === 'pglite') return openPglite({ dataDir });
  const admin = await openPostgres({ url: adminUrl, poolSize: 1 });
  await admin.withSession((s) => s.exec(`CREATE DATABASE ${name}`));
  await admin.close();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return openPostgres({ url: url.toString() });
}

const database = await open();
try {
  await migrate(database, loadMigrationFiles());
  await insertNoops(database.db, count);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const show = (label: string) => {
    const m = process.memoryUsage();
    console.log(
      `${label.padEnd(12)} rss ${mb(m.rss)} MB, heap used ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB`,
    );
  };
  show('queued');
  const registry = new TaskRegistry([noopTask], { timeoutMs: 60_000, memoryLimitMb: 64, maxAttempts: 3 });
  const processor = await startTaskProcessor({
    database,
    registry,
    queue: new TaskQueue(registry),
    logger: pino({ level: 'warn' }),
    concurrency: 2,
    pollIntervalMs: 1_000,
    leaseMs: 30_000,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    drainTimeoutMs: 1_000,
  });
  for (let s = 5; !(await drained(database.db)); s += 5) {
    await new Promise((r) => setTimeout(r, 5_000));
    show(`t=${s}s`);
  }
  (globalThis as { gc?: () => void }).gc?.();
  show('drained, gc');
  await processor.stop();
} finally {
  await database.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (backend === 'postgres') {
    const admin = await openPostgres({ url: adminUrl, poolSize: 1 });
    await admin.withSession((s) => s.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  }
}
