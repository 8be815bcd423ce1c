import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMasterApiKey, storeMasterApiKey } from '../../src/modules/auth/index.ts';
import { createRunsTable, TEST_TASKS_MODULE, waitFor } from '../support/task-helpers.ts';
import { describeEachBackend } from '../support/test-databases.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const KEY = 'tasks-admin-e2e-bootstrap-key';

interface TaskJson {
  id: number;
  state: string;
  attempts: number;
  last_error: string | null;
  key: string | null;
}
interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: TaskJson[];
}

describeEachBackend('task admin API, readiness and metrics', (backend) => {
  let server: TestServer;
  const call = async (path: string, init: RequestInit & { key?: string } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Api-Key ${init.key ?? KEY}` },
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const task = async (id: number) => (await call(`/api/v1/vexil/tasks/${id}/`)).body as TaskJson;
  const enqueue = (payload: object, extra: { runAt?: Date; key?: string; maxAttempts?: number } = {}) =>
    server.taskQueue.enqueue(server.database.db, {
      type: extra.key ? 'test.keyed' : 'test.record',
      payload,
      ...extra,
    });

  beforeAll(async () => {
    server = await startTestServer(backend, {
      VEXIL_BOOTSTRAP_API_KEY: KEY,
      LOG_LEVEL: 'fatal', // parked tasks log errors here on purpose
      NODE_ENV: 'test',
      VEXIL_TEST_TASK_MODULES: TEST_TASKS_MODULE,
      VEXIL_TASKS_POLL_INTERVAL_MS: '100',
      VEXIL_TASKS_BACKOFF_BASE_MS: '50',
      VEXIL_TASKS_DEGRADED_DEPTH: '3',
    });
    await createRunsTable(server.database.db);
  });
  afterAll(() => server.dispose());

  describe('authentication', () => {
    it('answers 401 without a key and 403 for a master key that is not an admin key', async () => {
      expect((await fetch(`${server.url}/api/v1/vexil/tasks/`)).status).toBe(401);
      const key = generateMasterApiKey();
      const org = await server.database.db.selectFrom('organisations').select('id').executeTakeFirstOrThrow();
      await storeMasterApiKey(server.database.db, {
        organisationId: org.id,
        name: 'ro',
        key,
        isAdmin: false,
      });
      expect((await call('/api/v1/vexil/tasks/', { key })).status).toBe(403);
    });
  });

  it('shows a parked task with its last error, and re-runs it from the dead letter', async () => {
    await sql`INSERT INTO test_flags VALUES ('broken')`.execute(server.database.db);
    const { id } = await enqueue({ failWhileFlag: 'broken' }, { maxAttempts: 1 });
    await waitFor(async () => (await task(id)).state === 'parked', 'the task to be parked');

    const parked = (await call('/api/v1/vexil/tasks/?state=parked')).body as Page;
    expect(parked.results.map((t) => t.id)).toContain(id);
    expect(await task(id)).toMatchObject({
      state: 'parked',
      attempts: 1,
      last_error: expect.stringContaining('flag broken is set'),
    });

    await sql`DELETE FROM test_flags`.execute(server.database.db); // the operator fixed the cause
    const rerun = await call(`/api/v1/vexil/tasks/${id}/rerun/`, { method: 'POST' });
    expect(rerun).toMatchObject({ status: 200, body: { id, state: 'queued', attempts: 0 } });
    await waitFor(async () => (await task(id)).state === 'succeeded', 'the re-run to succeed');
    expect(await task(id)).toMatchObject({ attempts: 1, last_error: expect.stringContaining('flag broken') });

    expect((await call(`/api/v1/vexil/tasks/${id}/rerun/`, { method: 'POST' })).status).toBe(409);
    expect((await call('/api/v1/vexil/tasks/999999/')).status).toBe(404);
  });

  it('cancels a queued task, and refuses a re-run while a task with the same key is queued', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const a = await enqueue({}, { runAt: later, key: 'env-9' });
    expect(await call(`/api/v1/vexil/tasks/${a.id}/cancel/`, { method: 'POST' })).toMatchObject({
      status: 200,
      body: { state: 'cancelled' },
    });
    expect((await call(`/api/v1/vexil/tasks/${a.id}/cancel/`, { method: 'POST' })).status).toBe(409);
    await enqueue({}, { runAt: later, key: 'env-9' });
    expect(await call(`/api/v1/vexil/tasks/${a.id}/rerun/`, { method: 'POST' })).toMatchObject({
      status: 409,
      body: { detail: expect.stringContaining('same key is already queued') },
    });
  });

  it('lists by state and type, paginated like Flagsmith ({count, next, previous, results})', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await enqueue({ i }, { runAt: later })).id);
    const first = (await call('/api/v1/vexil/tasks/?state=queued&type=test.record&page_size=2')).body as Page;
    expect(first.count).toBe(5);
    expect(first.results.map((t) => t.id)).toEqual([ids[4], ids[3]]);
    expect(first.previous).toBeNull();
    expect(first.next).toBe(
      `${server.url}/api/v1/vexil/tasks/?state=queued&type=test.record&page=2&page_size=2`,
    );
    const last = (await call('/api/v1/vexil/tasks/?state=queued&type=test.record&page_size=2&page=3'))
      .body as Page;
    expect(last.results.map((t) => t.id)).toEqual([ids[0]]);
    expect(last.next).toBeNull();
    expect(last.previous).toContain('page=2');
    expect((await call('/api/v1/vexil/tasks/?state=queued&type=test.record&page_size=2&page=4')).status).toBe(
      404,
    );
    expect((await call('/api/v1/vexil/tasks/?state=nonsense')).status).toBe(400);
  });

  it('reports queue depth and age as metrics, and readiness degraded (still 200) over the depth threshold', async () => {
    // A type no process knows: due, never claimed, like a queue that backs up.
    await sql`INSERT INTO vexil_tasks (type, payload, max_attempts, run_at)
      SELECT 'test.unknown', '{}', 1, now() - interval '1 minute' FROM generate_series(1, 5)`.execute(
      server.database.db,
    );
    const readiness = await waitFor(async () => {
      const res = await fetch(`${server.url}/health/readiness`);
      const body = (await res.json()) as {
        status: string;
        checks: Record<string, { status: string; detail?: string }>;
      };
      return body.status === 'degraded' && { res, body };
    }, 'readiness to turn degraded');
    expect(readiness.res.status).toBe(200);
    expect(readiness.body.checks.task_queue?.detail).toContain('test.unknown: 5 due');

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('vexil_tasks_queue_depth{type="test.unknown",state="queued"} 5');
    expect(metrics).toMatch(/vexil_tasks_oldest_age_seconds\{type="test.unknown",state="queued"\} (5\d|6\d)/);
    expect(metrics).toMatch(/vexil_tasks_runs_total\{type="test.record",outcome="succeeded"\} \d+/);
    expect(metrics).toContain('vexil_tasks_run_duration_seconds_bucket');
    expect(metrics).toMatch(/vexil_tasks_parked_total\{type="test.record"\} \d+/);
    await sql`DELETE FROM vexil_tasks WHERE type = 'test.unknown'`.execute(server.database.db);
  });
});
