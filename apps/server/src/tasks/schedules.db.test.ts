import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runs, taskStates, useTaskTestDatabase, waitFor } from '../../test/support/task-helpers.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';
import { housekeepingTask } from './housekeeping.ts';

describeEachBackend('recurring tasks', (backend) => {
  const x = useTaskTestDatabase(backend);
  const tick = { type: 'test.tick', everySeconds: 1 };

  it('runs each occurrence once across two processors', async () => {
    await Promise.all([x.start({ schedules: [tick] }), x.start({ schedules: [tick] })]);
    await waitFor(async () => (await runs(x.db, 'test.tick')).length >= 3, 'three occurrences', 20_000);
    const occurrences = (await runs(x.db, 'test.tick')).map((r) => r.label);
    expect(new Set(occurrences).size).toBe(occurrences.length);
    // Occurrences are whole seconds (epoch-aligned), each enqueued once.
    for (const at of occurrences) expect(new Date(at ?? '').getMilliseconds()).toBe(0);
    const enqueued = (await taskStates(x.db, 'test.tick')).map(
      (r) => (r.payload as { scheduledFor: string }).scheduledFor,
    );
    expect(new Set(enqueued).size).toBe(enqueued.length);
  });

  it('runs occurrences missed while nothing was running once, not once each', async () => {
    const hourly = { type: 'test.tick', everySeconds: 3600 };
    const first = await x.start({ schedules: [hourly] });
    await first.stop();
    // Everything was down for five hours.
    await sql`UPDATE vexil_task_schedules SET next_run_at = now() - interval '5 hours'`.execute(x.db);
    await x.start({ schedules: [hourly] });
    await waitFor(async () => (await runs(x.db, 'test.tick')).length === 1, 'the missed occurrence');
    await new Promise((r) => setTimeout(r, 500));
    expect(await runs(x.db, 'test.tick')).toHaveLength(1);
    const schedule = await x.db.selectFrom('vexil_task_schedules').selectAll().executeTakeFirstOrThrow();
    expect(schedule.next_run_at.getTime()).toBeGreaterThan(Date.now());
    expect(schedule.last_task_id).toBe((await taskStates(x.db, 'test.tick'))[0]?.id);
  });

  it('keeps the schedule when a processor restarts with the same interval', async () => {
    const daily = { type: 'test.tick', everySeconds: 86_400, offsetSeconds: 3_600 };
    await (await x.start({ schedules: [daily] })).stop();
    const before = await x.db.selectFrom('vexil_task_schedules').selectAll().executeTakeFirstOrThrow();
    expect(before.next_run_at.getUTCHours()).toBe(1); // daily at 01:00 UTC
    await x.start({ schedules: [daily] });
    const after = await x.db.selectFrom('vexil_task_schedules').selectAll().executeTakeFirstOrThrow();
    expect(after.next_run_at).toEqual(before.next_run_at);
  });
});

describeEachBackend('housekeeping', (backend) => {
  const x = useTaskTestDatabase(backend);

  it('deletes finished tasks past their retention in batches, keeping recent and unfinished ones', async () => {
    const insert = (state: string, count: number, age: string) => sql`
      INSERT INTO vexil_tasks (type, payload, state, max_attempts, finished_at)
      SELECT 'test.record', '{}', ${state}, 1, now() - ${age}::interval FROM generate_series(1, ${count})`;
    await insert('succeeded', 2_500, '10 days').execute(x.db);
    await insert('cancelled', 10, '10 days').execute(x.db);
    await insert('succeeded', 10, '1 hour').execute(x.db);
    await insert('parked', 10, '10 days').execute(x.db);
    await insert('parked', 10, '60 days').execute(x.db);
    await x.queue.enqueue(x.db, {
      type: 'test.record',
      payload: {},
      runAt: new Date(Date.now() + 3_600_000),
    });
    await x.start();
    await x.queue.enqueue(x.db, {
      type: housekeepingTask.type,
      key: 'schedule',
      payload: { retentionHours: 7 * 24, parkedRetentionHours: 30 * 24 },
    });
    await waitFor(
      async () => (await taskStates(x.db, housekeepingTask.type))[0]?.state === 'succeeded',
      'housekeeping to finish',
    );
    const { rows } = await sql<{ state: string; n: number }>`
      SELECT state, count(*)::int AS n FROM vexil_tasks WHERE type = 'test.record' GROUP BY state ORDER BY state`.execute(
      x.db,
    );
    expect(rows).toEqual([
      { state: 'parked', n: 10 },
      { state: 'queued', n: 1 },
      { state: 'succeeded', n: 10 },
    ]);
  });
});
