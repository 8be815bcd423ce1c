import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskStates, testRegistry } from '../../../test/support/task-helpers.ts';
import {
  createTestDatabase,
  describeEachBackend,
  type TestDatabase,
} from '../../../test/support/test-databases.ts';
import { TaskQueue } from '../task-queue.ts';
import { claimTasks } from './claim-tasks.ts';
import { completeTasks, extendLeases, type RunFence } from './complete-task.ts';
import { requeueTasks } from './requeue-tasks.ts';
import { autovacuumRuns, vacuumTasks } from './vacuum-tasks.ts';

const LEASE = { leaseMs: 60_000 };
const BACKOFF = { backoff: { baseMs: 1_000, maxMs: 60_000 } };
const TYPES = ['test.record', 'test.keyed'];

describeEachBackend('task claim SQL', (backend) => {
  let t: TestDatabase;
  const queue = new TaskQueue(testRegistry());
  const db = () => t.database.db;
  const claim = async (owner: string, limit = 10) =>
    (await claimTasks(db(), { owner, types: TYPES, limit, ...LEASE })).tasks;
  const complete = async (run: RunFence) => (await completeTasks(db(), run.owner, [run])).has(run.id);
  const expireLeases = () =>
    sql`UPDATE vexil_tasks SET lease_expires_at = now() - interval '1 second' WHERE state = 'running'`.execute(
      db(),
    );

  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(() => t.dispose());
  beforeEach(async () => {
    await db().deleteFrom('vexil_tasks').execute();
  });

  describe('claimTasks', () => {
    it('claims due tasks by priority, then run_at, counting the attempt and leasing them', async () => {
      const low = await queue.enqueue(db(), { type: 'test.record', payload: {}, priority: 75 });
      const high = await queue.enqueue(db(), { type: 'test.record', payload: {}, priority: 0 });
      await queue.enqueue(db(), { type: 'test.record', payload: {}, runAt: new Date(Date.now() + 60_000) });
      await queue.enqueue(db(), { type: 'test.hog', payload: {} }); // not a type this claimer knows

      const claimed = await claim('a');
      expect(claimed.map((c) => c.id)).toEqual([high.id, low.id]);
      expect(claimed.every((c) => c.attempts === 1)).toBe(true);
      const rows = await taskStates(db());
      expect(rows.filter((r) => r.state === 'running')).toHaveLength(2);
      expect(rows.find((r) => r.id === high.id)?.lease_expires_at).toBeInstanceOf(Date);
    });

    it('tells, after a short claim, when the next delayed task is due', async () => {
      await queue.enqueue(db(), { type: 'test.record', payload: {} });
      await queue.enqueue(db(), { type: 'test.record', payload: {}, runAt: new Date(Date.now() + 30_000) });
      const full = await claimTasks(db(), { owner: 'a', types: TYPES, limit: 1, ...LEASE });
      expect(full).toMatchObject({ tasks: [{ type: 'test.record' }], msUntilNext: null });
      const short = await claimTasks(db(), { owner: 'a', types: TYPES, limit: 5, ...LEASE });
      expect(short.tasks).toEqual([]);
      expect(short.msUntilNext).toBeGreaterThan(25_000);
      expect(short.msUntilNext).toBeLessThanOrEqual(30_000);
    });

    it('never gives one task to two concurrent claimers (SKIP LOCKED)', async () => {
      for (let i = 0; i < 60; i++) await queue.enqueue(db(), { type: 'test.record', payload: { i } });
      const seen: number[] = [];
      // Four claimers at once, repeatedly, until the queue is empty: on Postgres these run on four connections.
      for (;;) {
        const batches = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => claim(owner, 7)));
        const ids = batches.flat().map((c) => c.id);
        if (ids.length === 0) break;
        seen.push(...ids);
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
    });

    it('holds back a coalesced follow-up while a task with its key runs', async () => {
      const first = await queue.enqueue(db(), { type: 'test.keyed', payload: {}, key: 'env-1' });
      expect((await claim('a')).map((c) => c.id)).toEqual([first.id]);
      const followUp = await queue.enqueue(db(), { type: 'test.keyed', payload: {}, key: 'env-1' });
      const other = await queue.enqueue(db(), { type: 'test.keyed', payload: {}, key: 'env-2' });
      expect(followUp.coalesced).toBe(false);
      expect((await claim('b')).map((c) => c.id)).toEqual([other.id]);
      await complete({ id: first.id, attempt: 1, owner: 'a' });
      expect((await claim('b')).map((c) => c.id)).toEqual([followUp.id]);
    });
  });

  describe('completeTasks and extendLeases', () => {
    it('refuse a run whose lease was taken back (fencing)', async () => {
      const { id } = await queue.enqueue(db(), { type: 'test.record', payload: {} });
      await claim('a');
      await expireLeases();
      await requeueTasks(db(), { kind: 'expired', limit: 10 }, BACKOFF);
      await sql`UPDATE vexil_tasks SET run_at = now()`.execute(db());
      await claim('b');
      expect(await extendLeases(db(), { owner: 'a', ids: [id], ...LEASE })).toEqual([]);
      expect(await complete({ id, attempt: 1, owner: 'a' })).toBe(false);
      expect(await extendLeases(db(), { owner: 'b', ids: [id], ...LEASE })).toEqual([{ id, attempts: 2 }]);
      expect(await complete({ id, attempt: 2, owner: 'b' })).toBe(true);
      expect((await taskStates(db()))[0]).toMatchObject({ state: 'succeeded', attempts: 2, claimed_by: 'b' });
    });
  });

  describe('completeTasks', () => {
    it('completes a batch in one statement, skipping runs fenced out', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await queue.enqueue(db(), { type: 'test.record', payload: {} })).id);
      await claim('a');
      const written = await completeTasks(db(), 'a', [
        { id: ids[0] as number, attempt: 1 },
        { id: ids[1] as number, attempt: 2 }, // not this run's number
        { id: ids[2] as number, attempt: 1 },
      ]);
      expect([...written].sort()).toEqual([ids[0], ids[2]].sort());
      expect((await taskStates(db())).map((r) => r.state)).toEqual(['succeeded', 'running', 'succeeded']);
    });
  });

  describe('requeueTasks', () => {
    it('retries a failed run after a backoff, keeping its error', async () => {
      const { id } = await queue.enqueue(db(), { type: 'test.record', payload: {} });
      await claim('a');
      const [row] = await requeueTasks(
        db(),
        { kind: 'run', run: { id, attempt: 1, owner: 'a' }, error: 'boom' },
        BACKOFF,
      );
      expect(row).toMatchObject({ id, state: 'queued', attempts: 1, last_error: 'boom' });
      const [task] = await taskStates(db());
      const { rows } = await sql<{ delay_ms: number }>`
        SELECT extract(epoch FROM run_at - now()) * 1000 AS delay_ms FROM vexil_tasks`.execute(db());
      // First retry: between half and all of the 1 s base.
      expect(rows[0]?.delay_ms).toBeGreaterThan(400);
      expect(rows[0]?.delay_ms).toBeLessThanOrEqual(1_000);
      expect(task?.lease_expires_at).toBeNull();
    });

    it('parks a task whose last attempt failed, and parks at once on a permanent error', async () => {
      const a = await queue.enqueue(db(), { type: 'test.record', payload: {}, maxAttempts: 1 });
      const b = await queue.enqueue(db(), { type: 'test.record', payload: {}, maxAttempts: 5 });
      await claim('a');
      const parked = await requeueTasks(
        db(),
        { kind: 'run', run: { id: a.id, attempt: 1, owner: 'a' }, error: 'x' },
        BACKOFF,
      );
      const permanent = await requeueTasks(
        db(),
        { kind: 'run', run: { id: b.id, attempt: 1, owner: 'a' }, error: 'never' },
        { ...BACKOFF, parkNow: true },
      );
      expect([...parked, ...permanent].map((r) => r.state)).toEqual(['parked', 'parked']);
      expect((await taskStates(db())).every((r) => r.finished_at !== null)).toBe(true);
    });

    it('reaps expired leases, and parks a task whose attempts ran out by killing its process', async () => {
      const retried = await queue.enqueue(db(), { type: 'test.record', payload: {}, maxAttempts: 3 });
      const exhausted = await queue.enqueue(db(), { type: 'test.record', payload: {}, maxAttempts: 1 });
      await claim('dead-process');
      expect(await requeueTasks(db(), { kind: 'expired', limit: 10 }, BACKOFF)).toEqual([]);
      await expireLeases();
      const rows = await requeueTasks(db(), { kind: 'expired', limit: 10 }, BACKOFF);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(retried.id)).toMatchObject({ state: 'queued', attempts: 1 });
      expect(byId.get(exhausted.id)).toMatchObject({ state: 'parked', attempts: 1 });
      expect(byId.get(exhausted.id)?.last_error).toMatch(/lease expired: dead-process stopped extending it/);
    });

    it('folds a failed coalesced run into its queued follow-up, which inherits the attempts', async () => {
      const first = await queue.enqueue(db(), {
        type: 'test.keyed',
        payload: {},
        key: 'env-1',
        maxAttempts: 3,
      });
      await claim('a');
      const followUp = await queue.enqueue(db(), { type: 'test.keyed', payload: {}, key: 'env-1' });
      const [row] = await requeueTasks(
        db(),
        { kind: 'run', run: { id: first.id, attempt: 1, owner: 'a' }, error: 'oom' },
        BACKOFF,
      );
      expect(row).toMatchObject({ id: first.id, state: 'superseded', folded_into: followUp.id });
      const next = (await taskStates(db())).find((r) => r.id === followUp.id);
      expect(next).toMatchObject({ state: 'queued', attempts: 1, last_error: 'oom' });
      expect(next?.run_at.getTime()).toBeGreaterThan(Date.now() + 300); // the backoff carried over
    });

    it('releases at shutdown without counting the attempt', async () => {
      const { id } = await queue.enqueue(db(), { type: 'test.record', payload: {} });
      await claim('a');
      const [row] = await requeueTasks(db(), { kind: 'released', owner: 'a', ids: [id] }, BACKOFF);
      expect(row).toMatchObject({ state: 'queued', attempts: 0 });
      expect((await claim('b')).map((c) => c.id)).toEqual([id]);
    });
  });

  describe('vacuumTasks', () => {
    it('vacuums and analyzes the task table (PGlite has no autovacuum)', async () => {
      for (let i = 0; i < 20; i++) await queue.enqueue(db(), { type: 'test.record', payload: {} });
      await claim('a', 20);
      await vacuumTasks(db());
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'vexil_tasks'`.execute(db());
      expect(rows[0]?.n).toBeGreaterThan(0);
      if (backend === 'pglite') expect(await autovacuumRuns(t.database)).toBe(false);
    });
  });
});
