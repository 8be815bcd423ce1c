import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { taskStates, testRegistry, waitFor } from '../../test/support/task-helpers.ts';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../test/support/test-databases.ts';
import { TASKS_CHANNEL } from './sql/enqueue-task.ts';
import { MAX_PAYLOAD_BYTES, TaskQueue } from './task-queue.ts';

describeEachBackend('TaskQueue.enqueue', (backend) => {
  let t: TestDatabase;
  const queue = new TaskQueue(testRegistry());
  const db = () => t.database.db;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await db().deleteFrom('vexil_tasks').execute();
  });

  it('stores a task with the definition defaults, run_at by the database clock', async () => {
    const before = new Date(Date.now() - 5_000);
    const { id, coalesced } = await queue.enqueue(db(), { type: 'test.hog', payload: { label: 'x' } });
    expect(coalesced).toBe(false);
    const [row] = await taskStates(db());
    expect(row).toMatchObject({
      id,
      type: 'test.hog',
      state: 'queued',
      priority: 50,
      max_attempts: 2,
      attempts: 0,
    });
    expect(row?.payload).toEqual({ label: 'x' });
    expect(row?.run_at.getTime()).toBeGreaterThan(before.getTime());
  });

  it('rejects programming errors before touching the database', async () => {
    const bad = [
      { type: 'no.such.type', payload: {} },
      { type: 'test.keyed', payload: {} },
      { type: 'test.record', payload: {}, key: 'k' },
      { type: 'test.record', payload: 'x'.repeat(MAX_PAYLOAD_BYTES) },
      { type: 'test.record', payload: {}, priority: 101 },
      { type: 'test.record', payload: {}, maxAttempts: 0 },
      { type: 'test.record', payload: undefined },
    ];
    for (const spec of bad) await expect(queue.enqueue(db(), spec), JSON.stringify(spec)).rejects.toThrow();
    expect(await taskStates(db())).toEqual([]);
  });

  it('coalesces by key: one queued task, moved earlier and up in priority, counting what it absorbed', async () => {
    const later = new Date(Date.now() + 3_600_000);
    const sooner = new Date(Date.now() + 60_000);
    const first = await queue.enqueue(db(), {
      type: 'test.keyed',
      payload: { n: 1 },
      key: 'env-1',
      runAt: later,
    });
    const second = await queue.enqueue(db(), {
      type: 'test.keyed',
      payload: { n: 2 },
      key: 'env-1',
      runAt: sooner,
      priority: 10,
    });
    await queue.enqueue(db(), {
      type: 'test.keyed',
      payload: { n: 3 },
      key: 'env-1',
      runAt: later,
      priority: 90,
    });
    const other = await queue.enqueue(db(), { type: 'test.keyed', payload: {}, key: 'env-2' });

    expect(second).toEqual({ id: first.id, coalesced: true });
    expect(other.coalesced).toBe(false);
    const row = (await taskStates(db())).find((r) => r.id === first.id);
    expect(row).toMatchObject({ payload: { n: 1 }, priority: 10, merged_count: 2 });
    expect(row?.run_at.getTime()).toBe(sooner.getTime());
  });

  it('coalesces concurrent enqueues from several connections into one task', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        queue.enqueue(db(), { type: 'test.keyed', payload: { i }, key: 'env-hot' }),
      ),
    );
    const rows = await taskStates(db());
    expect(rows).toHaveLength(1);
    expect(rows[0]?.merged_count).toBe(99);
    expect(new Set(results.map((r) => r.id))).toEqual(new Set([rows[0]?.id]));
    expect(results.filter((r) => !r.coalesced)).toHaveLength(1);
  });

  it("is part of the caller's transaction: rolled back with it, and notifies only at commit", async () => {
    const heard: string[] = [];
    const unlisten = await t.database.listen(TASKS_CHANNEL, (p) => heard.push(p));
    try {
      await db()
        .transaction()
        .execute(async (trx) => {
          await queue.enqueue(trx, { type: 'test.record', payload: {} });
          throw new Error('the write failed');
        })
        .catch(() => {});
      expect(await taskStates(db())).toEqual([]);

      const runAt = new Date(Date.now() + 60_000);
      await db()
        .transaction()
        .execute(async (trx) => {
          await queue.enqueue(trx, { type: 'test.record', payload: {} });
          await queue.enqueue(trx, { type: 'test.record', payload: {} });
          await queue.enqueue(trx, { type: 'test.record', payload: {}, runAt });
          await new Promise((r) => setTimeout(r, 100));
          expect(heard).toEqual([]);
        });
      // Identical notifications in one transaction are delivered once: one wake-up, however many tasks.
      await waitFor(() => heard.length >= 2, 'notifications');
      await new Promise((r) => setTimeout(r, 100));
      expect(heard.sort()).toEqual(['', String(runAt.getTime())]);
    } finally {
      await unlisten();
    }
  });
});
