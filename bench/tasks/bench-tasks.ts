/**
 * Task processor benchmark (docs/tasks.md#benchmark): throughput of trivial tasks with one and two processor
 * processes, on Postgres and on PGlite, and a processor's peak RSS while the queue holds 100,000 tasks.
 *
 *   npm run bench:tasks -w @vexil/bench [-- --tasks 10000 --backlog 100000 --no-append]
 *
 * Appends a dated entry to bench/RESULTS.md. Postgres: BENCH_POSTGRES_URL (default the test server); a private
 * database is created and dropped. Run on an otherwise idle machine: numbers on a shared one are lower bounds.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrationFiles } from '../../apps/server/src/platform/db/migration-files.ts';
import { migrate } from '../../apps/server/src/platform/db/migrator.ts';
import { openPostgres } from '../../apps/server/src/platform/db/open-postgres.ts';
import type { ProcessorJob } from './processor-process.ts';
import { drained, insertNoops } from './queue-sql.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const TASKS = flag('--tasks', 10_000);
const BACKLOG = flag('--backlog', 100_000);
const CONCURRENCY = 2;

interface Child {
  process: ChildProcess;
  events: Array<Record<string, unknown>>;
  next(event: string): Promise<Record<string, unknown>>;
}

function spawnProcessor(job: ProcessorJob): Child {
  const child = spawn(process.execPath, [path.join(HERE, 'processor-process.ts'), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('{"event"')) events.push(JSON.parse(line) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    }
  });
  const next = async (event: string) => {
    for (;;) {
      const found = events.find((e) => e.event === event);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`processor exited (${child.exitCode}) before ${event}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { process: child, events, next };
}

async function stop(children: Child[]) {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.process.once('exit', () => resolve());
          c.process.kill('SIGTERM');
        }),
    ),
  );
}

/** A private, migrated Postgres database for one run, dropped afterwards. */
async function withPostgres<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const name = `vexil_bench_${Math.floor(Date.now() / 1000)}_${randomBytes(3).toString('hex')}`;
  const admin = await openPostgres({ url: ADMIN_URL, poolSize: 1 });
  await admin.withSession((s) => s.exec(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  try {
    const database = await openPostgres({ url: url.toString(), poolSize: 2 });
    await migrate(database, loadMigrationFiles());
    await database.close();
    return await fn(url.toString());
  } finally {
    await admin.withSession((s) => s.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    await admin.close();
  }
}

/** Kilobytes → megabytes, from /proc/<pid>/status (VmHWM is the peak resident set since the process began). */
function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

async function throughputPostgres(processes: number) {
  return withPostgres(async (url) => {
    const children = Array.from({ length: processes }, () =>
      spawnProcessor({ database: url, concurrency: CONCURRENCY }),
    );
    await Promise.all(children.map((c) => c.next('ready')));
    const database = await openPostgres({ url, poolSize: 1 });
    const started = performance.now();
    await insertNoops(database.db, TASKS);
    while (!(await drained(database.db))) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    await database.close();
    await stop(children);
    return { backend: 'postgres', processes, seconds };
  });
}

async function throughputPglite() {
  const child = spawnProcessor({
    database: 'pglite',
    concurrency: CONCURRENCY,
    tasks: TASKS,
    reportDrained: true,
  });
  const { seconds } = (await child.next('drained')) as { seconds: number };
  await stop([child]);
  return { backend: 'pglite', processes: 1, seconds };
}

async function backlogMemory(backend: 'postgres' | 'pglite') {
  const run = async (job: ProcessorJob, untilDrained: (child: Child) => Promise<unknown>) => {
    const child = spawnProcessor(job);
    await child.next('ready');
    const pid = child.process.pid as number;
    const atStart = memory(pid).rssMb;
    const started = performance.now();
    await untilDrained(child);
    const seconds = (performance.now() - started) / 1000;
    const { peakMb } = memory(pid);
    await stop([child]);
    return { backend, queued: BACKLOG, atStartMb: atStart, peakMb, seconds };
  };
  if (backend === 'pglite') {
    return run({ database: 'pglite', concurrency: CONCURRENCY, preload: BACKLOG, reportDrained: true }, (c) =>
      c.next('drained'),
    );
  }
  return withPostgres(async (url) => {
    const database = await openPostgres({ url, poolSize: 1 });
    await insertNoops(database.db, BACKLOG);
    try {
      return await run({ database: url, concurrency: CONCURRENCY }, async () => {
        while (!(await drained(database.db))) await new Promise((r) => setTimeout(r, 200));
      });
    } finally {
      await database.close();
    }
  });
}

const loadBefore = os.loadavg()[0] ?? 0;
const throughput = [await throughputPostgres(1), await throughputPostgres(2), await throughputPglite()];
const backlog = [await backlogMemory('postgres'), await backlogMemory('pglite')];

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim()
  ? ' (uncommitted changes)'
  : '';
const lines = [
  '',
  `## ${new Date().toISOString().slice(0, 10)}: task processor throughput and backlog memory`,
  '',
  `Commit ${commit}${dirty}. Command: \`npm run bench:tasks -w @vexil/bench -- --tasks ${TASKS} --backlog ${BACKLOG}\`.`,
  `Machine "node-svc" (${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, shared with other`,
  `work: 1-minute load average ${loadBefore.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end), Node ${process.version}.`,
  `Trivial tasks (\`bench.noop\`), ${CONCURRENCY} worker threads per process, Postgres ${ADMIN_URL.replace(/\/[^/]*$/, '')}.`,
  '',
  '| database | processes | tasks | seconds | tasks/s |',
  '| --- | --- | --- | --- | --- |',
  ...throughput.map(
    (r) =>
      `| ${r.backend} | ${r.processes} | ${TASKS} | ${r.seconds.toFixed(1)} | ${Math.round(TASKS / r.seconds)} |`,
  ),
  '| pglite | 2 | n/a: the embedded database serves one process (data-dir lock) | | |',
  '',
  '| database | queued at start | RSS at start (MB) | peak RSS while draining (MB) | drain seconds |',
  '| --- | --- | --- | --- | --- |',
  ...backlog.map(
    (r) => `| ${r.backend} | ${r.queued} | ${r.atStartMb} | ${r.peakMb} | ${r.seconds.toFixed(1)} |`,
  ),
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
if (!argv.includes('--no-append')) fs.appendFileSync(path.join(HERE, '..', 'RESULTS.md'), lines.join('\n'));
