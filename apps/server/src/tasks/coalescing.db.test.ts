import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { runs, taskStates, useTaskTestDatabase, waitFor } from '../../test/support/task-helpers.ts';
import { describeEachBackend } from '../../test/support/test-databases.ts';

/** The July 2023 failure mode: thousands of changes to one environment, each asking for a rebuild. */
describeEachBackend('coalescing under load', (backend) => {
  const x = useTaskTestDatabase(backend);
  const dbNow = async () =>
    (await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(x.db)).rows[0]?.now;

  it('turns 200 concurrent enqueues for one key, made while its task runs, into exactly one more run', async () => {
    await x.start();
    await x.queue.enqueue(x.db, { type: 'test.keyed', key: 'env-1', payload: { sleepMs: 2_000 } });
    await waitFor(async () => (await runs(x.db)).length === 1, 'the first run to start');

    // Several connections at once on Postgres (the pool has four).
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        x.queue.enqueue(x.db, { type: 'test.keyed', key: 'env-1', payload: { change: i } }),
      ),
    );
    const lastEnqueue = await dbNow();
    await waitFor(
      async () => (await taskStates(x.db)).every((r) => r.state === 'succeeded'),
      'both runs to finish',
    );

    const done = await runs(x.db);
    expect(done).toHaveLength(2);
    // The follow-up started after the last change was enqueued, so it saw every change: none is lost.
    expect(done[1]?.started_at.getTime()).toBeGreaterThanOrEqual(lastEnqueue?.getTime() ?? Number.NaN);
    expect(results.filter((r) => !r.coalesced)).toHaveLength(1);
    const rows = await taskStates(x.db);
    expect(rows.map((r) => r.merged_count)).toEqual([0, 199]);
  });

  it('still parks a poison key after its attempts while changes keep arriving for it', async () => {
    await x.start({ backoff: { baseMs: 50, maxMs: 100 } });
    const stopAt = Date.now() + 2_500;
    while (Date.now() < stopAt) {
      await x.queue.enqueue(x.db, {
        type: 'test.keyed',
        key: 'poison',
        payload: { failTimes: 99, sleepMs: 50 },
        maxAttempts: 3,
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(
      async () => (await taskStates(x.db)).every((r) => ['parked', 'superseded'].includes(r.state)),
      'every task to be parked or folded',
    );
    const rows = await taskStates(x.db);
    const parked = rows.filter((r) => r.state === 'parked');
    // A failed run hands its attempts to the follow-up: each chain of runs is parked after three, so the number
    // of runs is bounded by the parked chains, however many enqueues there were.
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((r) => r.attempts === 3)).toBe(true);
    expect((await runs(x.db)).length).toBeLessThanOrEqual(3 * parked.length + 2);
  });
});
