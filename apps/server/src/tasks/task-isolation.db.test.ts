import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import {
  captureLogger,
  runs,
  taskStates,
  useTaskTestDatabase,
  waitFor,
} from '../../test/support/task-helpers.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';

/** A poison task fails alone: limits stop its thread, it is parked, and everything else keeps flowing. */
describeEachBackend('task isolation', (backend) => {
  const x = useTaskTestDatabase(backend);

  it('parks a task that blows its memory limit after its attempts, while other tasks keep flowing', async () => {
    await x.start({ backoff: { baseMs: 300, maxMs: 300 } });
    const hog = await x.queue.enqueue(x.db, { type: 'test.hog', payload: {} });
    for (let i = 0; i < 30; i++)
      await x.queue.enqueue(x.db, { type: 'test.record', payload: { label: `${i}` } });

    const parked = await waitFor(async () => {
      const row = (await taskStates(x.db, 'test.hog'))[0];
      return row?.state === 'parked' && row;
    }, 'the hog to be parked');
    expect(parked).toMatchObject({ id: hog.id, attempts: 2 });
    expect(parked.last_error).toBe('exceeded its memory limit of 32 MB');
    await waitFor(
      async () => (await taskStates(x.db, 'test.record')).every((r) => r.state === 'succeeded'),
      'every other task to succeed',
    );
    // They flowed meanwhile: some finished while the hog was still between its attempts.
    const finished = (await runs(x.db, 'test.record')).map((r) => r.finished_at?.getTime() ?? 0);
    expect(Math.min(...finished)).toBeLessThan(parked.finished_at?.getTime() ?? 0);
    expect((await runs(x.db, 'test.hog')).map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('terminates a task that runs past its time limit (even one that never yields), and parks it', async () => {
    await x.start();
    await x.queue.enqueue(x.db, { type: 'test.spin', payload: {} });
    await x.queue.enqueue(x.db, { type: 'test.record', payload: {} });
    const parked = await waitFor(async () => {
      const row = (await taskStates(x.db, 'test.spin'))[0];
      return row?.state === 'parked' && row;
    }, 'the spinning task to be parked');
    expect(parked).toMatchObject({ attempts: 2, last_error: 'timed out after 300 ms' });
    await waitFor(
      async () => (await taskStates(x.db, 'test.record'))[0]?.state === 'succeeded',
      'the other task to succeed',
    );
  });

  it('rolls back the open transaction of a task whose thread is terminated, releasing its connection', async () => {
    const markerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vexil-tx-'));
    const processor = await x.start({ drainTimeoutMs: 100 });
    await x.queue.enqueue(x.db, {
      type: 'test.record',
      payload: { blockInTransaction: true, markerDir },
    });
    await waitFor(() => fs.readdirSync(markerDir).length > 0, 'the task to be inside its transaction');
    await processor.stop(); // the drain time passes: the thread is terminated mid-transaction
    // On PGlite a leaked transaction would hold the only connection and this would hang; on Postgres the
    // uncommitted insert would hold a lock on the table.
    const probe = x.db
      .transaction()
      .execute((trx) => sql`LOCK TABLE test_task_runs IN ACCESS EXCLUSIVE MODE NOWAIT`.execute(trx));
    await expect(Promise.race([probe, timeout(5_000)])).resolves.toBeDefined();
    expect(await runs(x.db)).toEqual([]);
    expect((await taskStates(x.db))[0]).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('stops a run at once when its lease is taken back by another process', async () => {
    const { logger, lines } = captureLogger();
    await x.start({ logger, leaseMs: 600 });
    const { id } = await x.queue.enqueue(x.db, {
      type: 'test.record',
      payload: { blockOnAttempt: 1 },
    });
    await waitFor(async () => (await runs(x.db)).length === 1, 'the task to start');
    // What a reaper in another process does when this one stalls past its lease.
    await sql`UPDATE vexil_tasks SET claimed_by = 'another-process' WHERE id = ${id}`.execute(x.db);
    await waitFor(
      () => lines.some((l) => String(l.msg).startsWith('task stopped: another process took it back')),
      'the run to be stopped',
    );
    expect((await taskStates(x.db))[0]).toMatchObject({
      state: 'running',
      claimed_by: 'another-process',
    });
  });
});

function timeout(ms: number) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms));
}
