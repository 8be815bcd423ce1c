import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/database.ts';
import { loadMigrationFiles } from '../../src/platform/db/migration-files.ts';
import { migrate } from '../../src/platform/db/migrator.ts';
import { openPglite } from '../../src/platform/db/open-pglite.ts';
import { openPostgres } from '../../src/platform/db/open-postgres.ts';
import { TaskQueue } from '../../src/tasks/index.ts';
import { spawnServer } from '../support/server-process.ts';
import { createRunsTable, runs, TEST_TASKS_MODULE, testRegistry, waitFor } from '../support/task-helpers.ts';
import {
  createPostgresDatabase,
  describeEachBackend,
  dropPostgresDatabase,
  postgresUrlFor,
} from '../support/test-databases.ts';

const KEY = 'tasks-kill-e2e-bootstrap-key';

/**
 * A worker process running only the tasks role is killed with SIGKILL in the middle of a task. Nothing tells the
 * database; the lease is the only thing that knows. A second process must take the task back when the lease
 * expires, re-run it, and finish every other task too: nothing lost.
 */
describeEachBackend('kill -9 of a task process', (backend) => {
  let tmp: string;
  let env: Record<string, string>;
  let open: () => Promise<Database>;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-kill-'));
    env = {
      NODE_ENV: 'test',
      VEXIL_TEST_TASK_MODULES: TEST_TASKS_MODULE,
      LOG_LEVEL: 'info',
      VEXIL_TASKS_LEASE_MS: '1000',
      VEXIL_TASKS_POLL_INTERVAL_MS: '200',
      VEXIL_TASKS_BACKOFF_BASE_MS: '100',
    };
    if (backend === 'pglite') {
      env.VEXIL_DATA_DIR = path.join(tmp, 'data');
      open = () => openPglite({ dataDir: env.VEXIL_DATA_DIR as string });
      cleanup = async () => fs.rmSync(tmp, { recursive: true, force: true });
    } else {
      const name = await createPostgresDatabase();
      env.DATABASE_URL = postgresUrlFor(name);
      open = () => openPostgres({ url: env.DATABASE_URL as string, poolSize: 2 });
      cleanup = async () => {
        await dropPostgresDatabase(name);
        fs.rmSync(tmp, { recursive: true, force: true });
      };
    }
  });
  // A failed test must not leave its server processes running (they would hold CPU for the rest of the run).
  const children: Array<ReturnType<typeof spawnServer>> = [];
  afterEach(async () => {
    for (const c of children.splice(0))
      if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await cleanup();
  });

  it('re-runs the killed task on another process when its lease expires, and loses nothing', async () => {
    // Before any server: migrate, and queue one task that blocks its first run plus twenty ordinary ones.
    const markers = path.join(tmp, 'markers');
    fs.mkdirSync(markers);
    const queue = new TaskQueue(testRegistry());
    let database = await open();
    await migrate(database, loadMigrationFiles());
    await createRunsTable(database.db);
    const blocked = await queue.enqueue(database.db, {
      type: 'test.record',
      payload: { blockOnAttempt: 1, markerDir: markers },
    });
    for (let i = 0; i < 20; i++)
      await queue.enqueue(database.db, { type: 'test.record', payload: { label: `${i}` } });
    await database.close();

    const first = spawnServer({ ...env, VEXIL_ROLES: 'tasks' });
    children.push(first);
    // Every step is bounded well inside the test's own timeout, and a stuck step fails naming itself with the
    // processes' output, so a rare hang in CI says where it hung.
    const outputs = () =>
      `\n--- first process ---\n${first.output().slice(-4000)}\n--- second ---\n${second?.output().slice(-4000) ?? '(not started)'}`;
    let second: ReturnType<typeof spawnServer> | undefined;
    const step = <T>(what: string, work: Promise<T>, ms = 30_000) =>
      Promise.race([
        work,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`stuck for ${ms} ms: ${what}${outputs()}`)), ms).unref(),
        ),
      ]);
    const firstUrl = await step('the first (tasks-only) process to listen', first.ready);
    // The tasks role serves health and metrics only.
    expect((await fetch(`${firstUrl}/api/v1/organisations/`)).status).toBe(404);
    expect((await fetch(`${firstUrl}/health/readiness`)).status).toBe(200);
    await step(
      'the blocking run to start',
      waitFor(
        () => fs.existsSync(path.join(markers, `started-${blocked.id}-1`)),
        'the blocking run to start',
      ),
    );
    first.child.kill('SIGKILL');
    await step('the killed process to exit', first.exited);

    second = spawnServer({ ...env, VEXIL_ROLES: 'tasks,api', VEXIL_BOOTSTRAP_API_KEY: KEY });
    children.push(second);
    const url = await step('the second process to listen after the kill', second.ready);
    // Only the test's own tasks: the recurring reconciler also succeeds on every :00 and :30 of the clock.
    const succeeded = async () => {
      const res = await fetch(`${url}/api/v1/vexil/tasks/?state=succeeded&type=test.record&page_size=100`, {
        headers: { authorization: `Api-Key ${KEY}` },
      });
      return ((await res.json()) as { count: number }).count;
    };
    await step(
      'all 21 tasks to succeed',
      waitFor(async () => (await succeeded()) === 21, 'all 21 tasks to succeed', 60_000),
      60_000,
    );
    second.child.kill('SIGTERM');
    expect(await step('the second process to stop on SIGTERM', second.exited)).toBe(0);

    database = await open();
    try {
      const tasks = await database.db
        .selectFrom('vexil_tasks')
        .selectAll()
        .where('type', '=', 'test.record')
        .execute();
      expect(tasks.every((t) => t.state === 'succeeded')).toBe(true);
      const again = tasks.find((t) => t.id === blocked.id);
      expect(again).toMatchObject({ attempts: 2, last_error: expect.stringContaining('lease expired') });
      expect(again?.claimed_by).toContain(`:${second.child.pid}:`);
      const done = await runs(database.db);
      // Every task finished at least once. Runs cut short by the kill (the blocked one, and whatever the other
      // thread was running at that instant) each have a later, finished attempt.
      for (const t of tasks) expect(done.some((r) => r.task_id === t.id && r.finished_at)).toBe(true);
      const cut = done.filter((r) => !r.finished_at);
      expect(cut).toContainEqual(expect.objectContaining({ task_id: blocked.id, attempt: 1 }));
      for (const r of cut) {
        expect(done.some((d) => d.task_id === r.task_id && d.attempt > r.attempt && d.finished_at)).toBe(
          true,
        );
      }
    } finally {
      await database.close();
    }
    expect(second.output()).toContain('lease expired');
  }, 180_000);
});
